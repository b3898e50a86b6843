/**
 * Okta records -> the sync's normalized records: status rules, profile fields, groups.
 */
import type { Group, User } from '@okta/okta-sdk-nodejs';
import type { DirectoryGroup, DirectoryUser } from '../types';
import type { OktaOptions } from './connection';

/** Statuses of people who may sign in (or will once they act): synced as active. */
const ACTIVE = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'RECOVERY']);
/** Accounts an admin switched off: synced as disabled. */
const DISABLED = new Set(['SUSPENDED', 'DEPROVISIONED']);
/** Accounts not activated yet: left out, or created disabled, as the directory says. */
const PENDING = new Set(['STAGED', 'PROVISIONED']);

/** Whether a user with this status is synced, and as active or disabled; null: left out. */
export const statusRule = (
  status: string | undefined,
  stagedUsers: OktaOptions['stagedUsers']
): { active: boolean } | null => {
  const value = status ?? '';
  if (ACTIVE.has(value)) return { active: true };
  if (DISABLED.has(value)) return { active: false };
  if (PENDING.has(value)) return stagedUsers === 'skip' ? null : { active: false };
  // A status Okta adds later: sync the person, but not as able to sign in.
  return { active: false };
};

/** An Okta user id (`00u` + 17 characters), as opposed to a login in `managerId`. */
export const isOktaUserId = (value: string): boolean => /^00u[0-9A-Za-z]{17}$/.test(value);

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value : null;

/** The profile's fields that have a value, by their Okta names (custom attributes included). */
export const profileAttributes = (user: User): Record<string, unknown> => {
  const attributes: Record<string, unknown> = {};
  const profile = (user.profile ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(profile)) {
    if (value !== undefined) attributes[key] = value;
  }
  return attributes;
};

/** A DirectoryUser, or null when the status rule leaves the user out. */
export const toDirectoryUser = (
  user: User,
  options: {
    stagedUsers: OktaOptions['stagedUsers'];
    managerExternalId: string | null;
    groupExternalIds: string[];
  }
): DirectoryUser | null => {
  const rule = statusRule(user.status, options.stagedUsers);
  if (!rule || !user.id) return null;
  const profile = (user.profile ?? {}) as Record<string, unknown>;
  const firstName = text(profile.firstName);
  const lastName = text(profile.lastName);
  return {
    externalId: user.id,
    username: text(profile.login),
    email: text(profile.email),
    firstName,
    lastName,
    displayName:
      text(profile.displayName) ?? ([firstName, lastName].filter(Boolean).join(' ') || null),
    active: rule.active,
    managerExternalId: options.managerExternalId,
    groupExternalIds: options.groupExternalIds,
    attributes: { ...profileAttributes(user), status: user.status ?? null },
    origin: `user ${user.id}`,
  };
};

/** The raw `_embedded.group` of an app group assignment (plain JSON, not a model). */
export type EmbeddedGroup = {
  id?: string;
  profile?: { name?: unknown; description?: unknown };
};

/** A DirectoryGroup from a Group model or an embedded group; members filled by the caller. */
export const toDirectoryGroup = (
  id: string,
  group: Group | EmbeddedGroup | undefined,
  members: string[] = []
): DirectoryGroup => ({
  externalId: id,
  name: text(group?.profile?.name) ?? id,
  description: text(group?.profile?.description),
  members,
});
