/**
 * The one way a SCIM request changes Strapi: the runner's push (the same mapping, guards, writer,
 * audit and events as a pulled round). This module turns the push's outcome for one person into
 * success or the SCIM error the identity provider receives.
 */
import type { Core } from '@strapi/strapi';
import type { DirectoryChanges } from '../providers/types';
import type { PushUserResult } from '../sync/push';
import { getService } from '../utils/get-service';
import { SCIM_ACTOR } from './constants';
import { ScimError } from './errors';

/** Seconds the identity provider is asked to wait before it retries a held deactivation. */
export const HELD_RETRY_AFTER_SECONDS = 600;

/**
 * A held deactivation: 429 with Retry-After. The identity provider keeps the change pending and
 * retries it (a throttling answer, not a failure of the app), and never records the person as
 * deprovisioned while their Strapi account is still active.
 */
export const heldError = (reason: string) =>
  new ScimError(
    429,
    `${reason} The deactivation is held until a Strapi administrator confirms it; the account stays active meanwhile. Retry later.`,
    undefined,
    { 'Retry-After': String(HELD_RETRY_AFTER_SECONDS) }
  );

/** The user fields the engine requires, as the SCIM attributes that fill them. */
const SCIM_ATTRIBUTE_OF: Record<string, string> = {
  username: 'userName',
  email: 'emails[type eq "work"].value',
  firstname: 'name.givenName',
  lastname: 'name.familyName',
};

/** "missing lastname (POST /Users)" -> names the SCIM attribute to send too. */
const requiredDetail = (reason: string) => {
  const attributes = Object.entries(SCIM_ATTRIBUTE_OF)
    .filter(([field]) => new RegExp(`\\b${field}\\b`).test(reason))
    .map(([, attribute]) => `'${attribute}'`);
  return attributes.length
    ? `${attributes.join(', ')} ${attributes.length > 1 ? 'are' : 'is'} required: ${reason}.`
    : reason;
};

/** The SCIM answer to a push result that did not apply, or null when it applied. */
export const errorOf = (result: PushUserResult): ScimError | null => {
  switch (result.outcome) {
    case 'skipped':
      if (result.code === 'licence') return new ScimError(403, result.reason);
      if (result.code === 'duplicate') return new ScimError(409, result.reason, 'uniqueness');
      if (result.code === 'refused') return new ScimError(403, result.reason);
      if (result.code === 'required')
        return new ScimError(400, requiredDetail(result.reason), 'invalidValue');
      return new ScimError(400, result.reason, 'invalidValue');
    case 'conflict':
      return new ScimError(
        409,
        `${result.reason} Local user ${result.localUserId} is never taken over: a Strapi administrator can rename or remove it, or link it to this directory, then the identity provider's retry succeeds.`,
        'uniqueness'
      );
    case 'held':
      return heldError(result.reason);
    default:
      return null;
  }
};

export const createPush =
  (strapi: Core.Strapi, directoryId: number) => (changes: DirectoryChanges, origin: string) =>
    getService('runner', { strapi }).push(directoryId, changes, { actor: SCIM_ACTOR, origin });

export type Push = ReturnType<typeof createPush>;

/** Pushes one user change and throws the SCIM error of a result that did not apply. */
export const pushUser = async (
  push: Push,
  changes: DirectoryChanges,
  key: string,
  origin: string
) => {
  const outcome = await push(changes, origin);
  const result = outcome.users.find((user) => user.externalId === key);
  if (!result) throw new Error(`The push returned no result for ${key}`);
  const error = errorOf(result);
  if (error) throw error;
  return result;
};
