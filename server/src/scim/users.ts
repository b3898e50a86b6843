/**
 * SCIM User resources (RFC 7643 section 4.1, with the enterprise extension of section 4.3): the
 * body a client sends is checked and normalised into the resource the plugin stores and gives back,
 * and the stored resource becomes the provider seam's DirectoryUser for the push.
 */
import type { DirectoryUser } from '../providers/types';
import { SCHEMAS } from './constants';
import { badRequest } from './errors';

export type ScimValue = { value?: unknown; type?: unknown; primary?: unknown; display?: unknown };
export type ScimUserResource = Record<string, unknown> & {
  schemas: string[];
  userName: string;
  active: boolean;
};

/** Core attributes the plugin keeps and gives back (RFC 7643 section 4.1). */
export const USER_ATTRIBUTES = [
  'externalId',
  'userName',
  'name',
  'displayName',
  'nickName',
  'profileUrl',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
  'active',
  'emails',
  'phoneNumbers',
  'addresses',
] as const;

export const ENTERPRISE_ATTRIBUTES = [
  'employeeNumber',
  'costCenter',
  'organization',
  'division',
  'department',
  'manager',
] as const;

const NAME_PARTS = [
  'formatted',
  'familyName',
  'givenName',
  'middleName',
  'honorificPrefix',
  'honorificSuffix',
];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `true`, `false`, and the strings `"True"` / `"False"` some Entra ID jobs send. */
export const readBoolean = (value: unknown, attribute: string): boolean => {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value))
    return value.toLowerCase() === 'true';
  throw badRequest(`'${attribute}' must be true or false, not ${JSON.stringify(value)}.`);
};

const readString = (value: unknown, attribute: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badRequest(`'${attribute}' must be a text.`);
};

/** emails, phoneNumbers, addresses: lists of objects; a bare object is read as a list of one. */
const readMultiValued = (value: unknown, attribute: string) => {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every(isObject)) throw badRequest(`'${attribute}' must be a list of objects.`);
  return list.map((item) => {
    const out: Record<string, unknown> = { ...item };
    if (out.primary !== undefined) out.primary = readBoolean(out.primary, `${attribute}.primary`);
    if (out.value !== undefined) out.value = readString(out.value, `${attribute}.value`);
    return out;
  });
};

/** The manager is `{ value: <SCIM id> }`; Entra's legacy jobs send the id bare. Empty: no manager. */
const readManager = (value: unknown) => {
  if (value === undefined || value === null || value === '') return undefined;
  const id = isObject(value) ? value.value : value;
  if (id === undefined || id === null || id === '') return undefined;
  if (typeof id !== 'string') throw badRequest("'manager.value' must be the manager's SCIM id.");
  return { value: id };
};

const readEnterprise = (value: unknown) => {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw badRequest(`'${SCHEMAS.enterprise}' must be an object.`);
  const out: Record<string, unknown> = {};
  for (const key of ENTERPRISE_ATTRIBUTES) {
    if (key === 'manager') {
      const manager = readManager(value.manager);
      if (manager) out.manager = manager;
    } else {
      const text = readString(value[key], key);
      if (text !== undefined) out[key] = text;
    }
  }
  return Object.keys(out).length ? out : undefined;
};

/**
 * A POST or PUT body (or the result of a PATCH) as the resource the plugin stores: known attributes
 * only, read-only ones (id, meta, groups) and the password dropped, values checked.
 */
export const normaliseUser = (body: unknown): ScimUserResource => {
  if (!isObject(body)) throw badRequest('The body must be a SCIM User object.', 'invalidSyntax');
  const userName = readString(body.userName, 'userName')?.trim();
  if (!userName) throw badRequest("'userName' is required.");
  const out: Record<string, unknown> = {};
  for (const key of USER_ATTRIBUTES) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (key === 'active') out.active = readBoolean(value, 'active');
    else if (key === 'name') {
      if (!isObject(value)) throw badRequest("'name' must be an object.");
      const name: Record<string, unknown> = {};
      for (const part of NAME_PARTS) {
        const text = readString(value[part], `name.${part}`);
        if (text !== undefined) name[part] = text;
      }
      if (Object.keys(name).length) out.name = name;
    } else if (key === 'emails' || key === 'phoneNumbers' || key === 'addresses') {
      const list = readMultiValued(value, key);
      if (list?.length) out[key] = list;
    } else out[key] = readString(value, key);
  }
  out.userName = userName;
  out.active ??= true;
  const enterprise = readEnterprise(body[SCHEMAS.enterprise]);
  if (enterprise) out[SCHEMAS.enterprise] = enterprise;
  return {
    ...out,
    schemas: enterprise ? [SCHEMAS.user, SCHEMAS.enterprise] : [SCHEMAS.user],
  } as ScimUserResource;
};

const values = (resource: Record<string, unknown>, attribute: string) =>
  (Array.isArray(resource[attribute]) ? resource[attribute] : []) as ScimValue[];

/** The value of type `type`, else the primary one, else the first. */
const pick = (list: ScimValue[], type: string) =>
  (list.find((item) => item.type === type) ?? list.find((item) => item.primary) ?? list[0])
    ?.value as string | undefined;

/** The work email (else the primary, else the first): the user's email and a filterable column. */
export const workEmail = (resource: Record<string, unknown>) =>
  pick(values(resource, 'emails'), 'work') ?? null;

/** The SCIM id of the manager named in the enterprise extension, or null. */
export const managerId = (resource: Record<string, unknown>) => {
  const enterprise = resource[SCHEMAS.enterprise];
  const manager = isObject(enterprise) ? enterprise.manager : undefined;
  return isObject(manager) && typeof manager.value === 'string' ? manager.value : null;
};

/**
 * The stored resource as the provider seam's DirectoryUser. `identityKey` is the stable id of the
 * person (kept across DELETE and re-create); `managerKey` the manager's identity key, if known.
 */
export const toDirectoryUser = (
  resource: ScimUserResource,
  identityKey: string,
  managerKey: string | null,
  origin: string
): DirectoryUser => {
  const name = isObject(resource.name) ? resource.name : {};
  const enterprise = isObject(resource[SCHEMAS.enterprise])
    ? (resource[SCHEMAS.enterprise] as Record<string, unknown>)
    : {};
  const phones = values(resource, 'phoneNumbers');
  const attributes: Record<string, unknown> = {};
  for (const key of ['title', 'userType', 'nickName', 'preferredLanguage', 'locale', 'timezone']) {
    if (typeof resource[key] === 'string') attributes[key] = resource[key];
  }
  for (const key of ENTERPRISE_ATTRIBUTES) {
    if (key !== 'manager' && typeof enterprise[key] === 'string') attributes[key] = enterprise[key];
  }
  const phone = pick(phones, 'work');
  if (phone) attributes.phoneNumber = phone;
  const mobile = phones.find((item) => item.type === 'mobile')?.value;
  if (typeof mobile === 'string') attributes.mobilePhone = mobile;
  if (typeof resource.externalId === 'string') attributes.externalId = resource.externalId;
  return {
    externalId: identityKey,
    username: resource.userName,
    email: workEmail(resource),
    firstName: typeof name.givenName === 'string' ? name.givenName : null,
    lastName: typeof name.familyName === 'string' ? name.familyName : null,
    displayName: typeof resource.displayName === 'string' ? resource.displayName : null,
    active: resource.active,
    managerExternalId: managerKey,
    groupExternalIds: [],
    attributes,
    origin,
  };
};
