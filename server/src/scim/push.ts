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

/** The SCIM answer to a push result that did not apply, or null when it applied. */
export const errorOf = (result: PushUserResult): ScimError | null => {
  switch (result.outcome) {
    case 'skipped':
      if (result.code === 'licence') return new ScimError(403, result.reason);
      if (result.code === 'duplicate') return new ScimError(409, result.reason, 'uniqueness');
      if (result.code === 'refused') return new ScimError(403, result.reason);
      return new ScimError(400, result.reason, 'invalidValue');
    case 'conflict':
      return new ScimError(
        409,
        `${result.reason} A Strapi administrator can adopt the local user ${result.localUserId} into this directory (Settings > User Directory Sync > the directory > Adopt local users); until then it is left alone.`,
        'uniqueness'
      );
    case 'held':
      return new ScimError(
        429,
        `${result.reason} The deactivation is held until a Strapi administrator confirms it; the account stays active meanwhile. Retry later.`,
        undefined,
        { 'Retry-After': String(HELD_RETRY_AFTER_SECONDS) }
      );
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
