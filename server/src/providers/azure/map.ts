/**
 * Raw Graph records parsed at the boundary and normalized into DirectoryUser / DirectoryGroup.
 * Nothing here talks to the network.
 */
import type { DirectoryUser } from '../types';

/** The user properties read from Graph (`$select`); `manager` comes separately. */
export const USER_FIELDS = [
  'id',
  'userPrincipalName',
  'mail',
  'givenName',
  'surname',
  'displayName',
  'jobTitle',
  'department',
  'officeLocation',
  'employeeId',
  'mobilePhone',
  'businessPhones',
  'accountEnabled',
  'userType',
] as const;

export type GraphUser = {
  id: string;
  userPrincipalName: string | null;
  mail: string | null;
  givenName: string | null;
  surname: string | null;
  displayName: string | null;
  jobTitle: string | null;
  department: string | null;
  officeLocation: string | null;
  employeeId: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  accountEnabled: boolean | null;
  userType: string | null;
};

export type RawObject = Record<string, unknown>;

export const isObject = (value: unknown): value is RawObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value : null;

/** The `@odata.type` of a directory object without the namespace: `user`, `group`, `device`... */
export const odataType = (raw: RawObject): string | null => {
  const type = raw['@odata.type'];
  return typeof type === 'string' ? type.replace(/^#?microsoft\.graph\./, '') : null;
};

/** The `@removed` reason of a delta item, or null for a live item. */
export const removedReason = (raw: RawObject): 'changed' | 'deleted' | null => {
  const removed = raw['@removed'];
  if (!isObject(removed)) return null;
  return removed.reason === 'changed' ? 'changed' : 'deleted';
};

/** Reads a Graph user, or null when the record has no id. */
export const parseGraphUser = (raw: unknown): GraphUser | null => {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') return null;
  const phones = Array.isArray(raw.businessPhones)
    ? raw.businessPhones.filter(
        (phone): phone is string => typeof phone === 'string' && phone !== ''
      )
    : [];
  return {
    id: raw.id,
    userPrincipalName: text(raw.userPrincipalName),
    mail: text(raw.mail),
    givenName: text(raw.givenName),
    surname: text(raw.surname),
    displayName: text(raw.displayName),
    jobTitle: text(raw.jobTitle),
    department: text(raw.department),
    officeLocation: text(raw.officeLocation),
    employeeId: text(raw.employeeId),
    mobilePhone: text(raw.mobilePhone),
    businessPhones: phones,
    accountEnabled: typeof raw.accountEnabled === 'boolean' ? raw.accountEnabled : null,
    userType: text(raw.userType),
  };
};

/** The manager id of a `$expand=manager` record (null when it has none). */
export const managerFromExpand = (raw: RawObject): string | null => {
  const manager = raw.manager;
  return isObject(manager) && typeof manager.id === 'string' ? manager.id : null;
};

/**
 * The manager from a delta item's `manager@delta`: the id, null when it was removed, or undefined
 * when the item does not say (the manager did not change, so Graph left it out).
 */
export const managerFromDelta = (raw: RawObject): string | null | undefined => {
  const entries = raw['manager@delta'];
  if (!Array.isArray(entries)) return undefined;
  const live = entries.filter(
    (entry): entry is RawObject =>
      isObject(entry) && typeof entry.id === 'string' && !removedReason(entry)
  );
  return live.length > 0 ? (live[live.length - 1].id as string) : null;
};

/** A guest: `userType: Guest` or an `#EXT#` UPN. */
export const isGuest = (user: GraphUser): boolean =>
  user.userType === 'Guest' || /#EXT#@/i.test(user.userPrincipalName ?? '');

/** The home address of a guest from its `alice_partner.com#EXT#@tenant.onmicrosoft.com` UPN. */
export const emailFromGuestUpn = (upn: string | null): string | null => {
  const match = /^(.+)#EXT#@/i.exec(upn ?? '');
  if (!match) return null;
  const local = match[1];
  const separator = local.lastIndexOf('_');
  if (separator <= 0 || separator === local.length - 1) return null;
  return `${local.slice(0, separator)}@${local.slice(separator + 1)}`;
};

/**
 * The user as the sync sees it. Members without `mail` get no email (the engine skips them with
 * "missing email": the UPN is a login name, not a mailbox); guests fall back to their home address.
 */
export const toDirectoryUser = (
  user: GraphUser,
  managerExternalId: string | null,
  groupExternalIds: string[]
): DirectoryUser => ({
  externalId: user.id,
  username: user.userPrincipalName,
  email: user.mail ?? (isGuest(user) ? emailFromGuestUpn(user.userPrincipalName) : null),
  firstName: user.givenName,
  lastName: user.surname,
  displayName: user.displayName,
  active: user.accountEnabled !== false,
  managerExternalId,
  groupExternalIds,
  attributes: {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    mail: user.mail,
    givenName: user.givenName,
    surname: user.surname,
    displayName: user.displayName,
    jobTitle: user.jobTitle,
    department: user.department,
    officeLocation: user.officeLocation,
    employeeId: user.employeeId,
    mobilePhone: user.mobilePhone,
    businessPhones: user.businessPhones.length > 0 ? user.businessPhones.join(', ') : null,
    accountEnabled: user.accountEnabled,
    userType: user.userType,
    manager: managerExternalId,
  },
  origin: `Entra ID user ${user.userPrincipalName ?? user.id}`,
});
