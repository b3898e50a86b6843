/**
 * Data mapping: a normalized DirectoryUser becomes the user row the directory wants, or a reason to
 * skip it. Pure; no Strapi.
 */
import { createHash } from 'node:crypto';
import type { DirectoryUser } from '../providers/types';

/** Scalar user attributes the sync writes, by user attribute name. */
export type UserFields = Record<string, string | null>;

/** One source attribute -> user attribute row of the directory's data mapping. */
export type MappingRow = { source: string; target: string };

/** The user row a directory record asks for. */
export type WantedUser = {
  externalId: string;
  /** username, for messages and the audit log. */
  subject: string;
  origin: string;
  fields: UserFields;
  blocked: boolean;
  managerExternalId: string | null;
  groupExternalIds: string[];
  /** Keyed digest of the source's clear-text password, when it gives one (change detection). */
  passwordDigest: string | null;
};

export type MapResult =
  | { ok: true; user: WantedUser; password: string | null }
  | { ok: false; externalId: string | null; subject: string; origin: string; reason: string };

/** Fields every directory fills from the normalized record, before the admin's own mapping rows. */
const BASE_FIELDS: Record<string, (user: DirectoryUser) => string | null> = {
  username: (user) => user.username,
  email: (user) => user.email,
  firstname: (user) => user.firstName,
  lastname: (user) => user.lastName,
  displayName: (user) => user.displayName,
};

export const DEFAULT_REQUIRED_FIELDS = ['username', 'firstname', 'lastname', 'email'];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const toText = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.length ? value.map(String).join(', ') : null;
  if (value instanceof Date) return value.toISOString();
  const text = String(value).trim();
  return text === '' ? null : text;
};

const readSource = (user: DirectoryUser, source: string): unknown =>
  source in user.attributes
    ? user.attributes[source]
    : (user as unknown as Record<string, unknown>)[source];

export const digest = (value: string) => createHash('sha256').update(value).digest('hex');

/** Maps one record; `fieldNames` are the user attributes the mapping may fill (known columns). */
export const mapUser = (
  user: DirectoryUser,
  mapping: MappingRow[],
  requiredFields: string[] = DEFAULT_REQUIRED_FIELDS,
  /** Digest of the source's password kept for change detection (the run passes a keyed one). */
  passwordDigest: (password: string) => string = digest
): MapResult => {
  const fields: UserFields = {};
  for (const [target, read] of Object.entries(BASE_FIELDS)) fields[target] = toText(read(user));
  for (const row of mapping) fields[row.target] = toText(readSource(user, row.source));
  if (fields.email) fields.email = fields.email.toLowerCase();

  const subject = fields.username ?? user.externalId;
  const origin = user.origin ?? `id ${user.externalId}`;
  const missing = requiredFields.filter((name) => !fields[name]);
  if (missing.length) {
    return {
      ok: false,
      externalId: user.externalId,
      subject,
      origin,
      reason: `missing ${missing.join(', ')}`,
    };
  }
  if (fields.email && !EMAIL.test(fields.email)) {
    return {
      ok: false,
      externalId: user.externalId,
      subject,
      origin,
      reason: `bad email '${fields.email}'`,
    };
  }
  if (fields.username && fields.username.length < 3) {
    return {
      ok: false,
      externalId: user.externalId,
      subject,
      origin,
      reason: `username '${fields.username}' is shorter than 3 characters`,
    };
  }
  const password = user.password ?? null;
  return {
    ok: true,
    password,
    user: {
      externalId: user.externalId,
      subject,
      origin,
      fields,
      blocked: !user.active,
      managerExternalId: user.managerExternalId,
      groupExternalIds: user.groupExternalIds,
      passwordDigest: password ? passwordDigest(password) : null,
    },
  };
};

/**
 * Guards against duplicates inside one source: the first record with a username or email wins,
 * later ones get a reason naming both origins.
 */
export const createDuplicateGuard = () => {
  // One map per key, keyed by the value itself: no concatenated key string per user and key (at
  // 100,000 users those were 30 MB of the run's memory).
  const seen = {
    username: new Map<string, string>(),
    email: new Map<string, string>(),
    id: new Map<string, string>(),
  };
  return (user: WantedUser): string | null => {
    const keys = [
      ['username', user.fields.username?.toLowerCase()],
      ['email', user.fields.email],
      ['id', user.externalId],
    ] as const;
    for (const [label, value] of keys) {
      if (!value) continue;
      const first = seen[label].get(value);
      if (first) return `duplicate ${label} '${value}' (${user.origin}, first seen on ${first})`;
    }
    for (const [label, value] of keys) if (value) seen[label].set(value, user.origin);
    return null;
  };
};
