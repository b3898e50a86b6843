/**
 * What a run reads besides users: identity links, group rows, identity row ids, usernames for
 * messages, role names, counts. Reads only: every write of a run is the applier's (apply.ts).
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { DirectoryGroup, DirectoryProvider, UserCount } from '../providers/types';
import { chunks, readLinks, tableInfo } from '../db/sql';
import type { RoleLink, StoredIdentity } from './plan';
import type { SyncTarget } from './targets/types';

/** Stored names of these roles (to find the ones whose group was renamed). */
export const roleNames = async (strapi: Core.Strapi, target: SyncTarget, ids: number[]) => {
  const names = new Map<number, string>();
  for (const chunk of chunks(ids)) {
    const rows = (await strapi.db
      .query(target.roleUid)
      .findMany({ where: { id: { $in: chunk } }, select: ['id', 'name'] })) as {
      id: number;
      name: string;
    }[];
    for (const row of rows) names.set(row.id, row.name);
  }
  return names;
};

export const usernamesOf = async (strapi: Core.Strapi, target: SyncTarget, ids: number[]) => {
  const out = new Map<number, string>();
  for (const chunk of chunks(ids)) {
    const rows = (await strapi.db
      .query(target.uid)
      .findMany({ where: { id: { $in: chunk } }, select: ['id', 'username', 'email'] })) as {
      id: number;
      username: string | null;
      email: string;
    }[];
    for (const row of rows) out.set(row.id, row.username ?? row.email);
  }
  return out;
};

export const identityRowIds = async (
  strapi: Core.Strapi,
  directoryId: number,
  externalIds: string[]
) => {
  const out = new Map<string, number>();
  for (const chunk of chunks(externalIds)) {
    const rows = (await strapi.db.query(UID.identity).findMany({
      where: { directoryId, kind: 'user', externalId: { $in: chunk } },
      select: ['id', 'externalId'],
    })) as { id: number; externalId: string }[];
    for (const row of rows) out.set(row.externalId, row.id);
  }
  return out;
};

export const loadStoredGroups = async (
  strapi: Core.Strapi,
  directoryId: number,
  add: (group: DirectoryGroup) => void
) => {
  const rows = (await strapi.db.query(UID.group).findMany({
    where: { directoryId },
    select: ['id', 'externalId', 'name', 'description', 'members', 'directMembers', 'parentIds'],
  })) as {
    id: number;
    externalId: string;
    name: string;
    description: string | null;
    members: string[] | null;
    directMembers: string[] | null;
    parentIds: string[] | null;
  }[];
  for (const row of rows)
    add({
      externalId: row.externalId,
      name: row.name,
      description: row.description,
      members: row.members ?? [],
      ...(row.directMembers ? { directMembers: row.directMembers } : {}),
      ...(row.parentIds?.length ? { parents: row.parentIds } : {}),
    });
  return new Map(rows.map((row) => [row.externalId, row.id]));
};

/**
 * The directory's identity links: users by externalId, roles by group externalId. One query, no
 * ORDER BY / OFFSET (paging with offsets re-sorted the table for every page). `externalIds` limits
 * the users read to these (a push touches a handful of people: no scan).
 */
export const loadIdentities = async (
  strapi: Core.Strapi,
  directoryId: number,
  externalIds?: string[]
) => {
  const users = new Map<string, StoredIdentity>();
  const roles = new Map<string, RoleLink>();
  const table = tableInfo(strapi, UID.identity);
  const c = (name: string) => table.column(name);
  const columns = [
    'id',
    c('kind'),
    c('externalId'),
    c('targetId'),
    c('hash'),
    c('state'),
    c('profile'),
  ];
  const batches: Record<string, unknown>[][] = [];
  if (externalIds) {
    for (const chunk of chunks([...new Set(externalIds)]))
      batches.push(
        await strapi.db
          .connection(table.table)
          .select(columns)
          .where(c('directoryId'), directoryId)
          .whereIn(c('externalId'), chunk)
      );
    // A push needs every role link: a user's role comes from all of their groups' roles.
    batches.push(
      await strapi.db
        .connection(table.table)
        .select(columns)
        .where(c('directoryId'), directoryId)
        .where(c('kind'), 'role')
    );
  } else {
    batches.push(
      await strapi.db.connection(table.table).select(columns).where(c('directoryId'), directoryId)
    );
  }
  for (const rows of batches) {
    for (const row of rows) {
      const externalId = String(row[c('externalId')]);
      const targetId = row[c('targetId')] === null ? null : Number(row[c('targetId')]);
      if (row[c('kind')] === 'role') roles.set(externalId, { rowId: Number(row.id), targetId });
      if (row[c('kind')] !== 'user') continue;
      const rawProfile = row[c('profile')];
      const profile = (typeof rawProfile === 'string' ? JSON.parse(rawProfile) : rawProfile) as {
        passwordDigest?: string;
        adopted?: boolean;
      } | null;
      users.set(externalId, {
        rowId: Number(row.id),
        externalId,
        targetId,
        hash: (row[c('hash')] as string | null) ?? null,
        state: row[c('state')] === 'disabled' ? 'disabled' : 'active',
        passwordDigest: profile?.passwordDigest ?? null,
        ...(profile?.adopted ? { adopted: true } : {}),
      });
    }
    rows.length = 0;
  }
  return { users, roles };
};

/** Role links of the directory's groups (a push reads these, not the users). */
export const loadRoleLinks = async (strapi: Core.Strapi, directoryId: number) => {
  const rows = (await strapi.db.query(UID.identity).findMany({
    where: { directoryId, kind: 'role' },
    select: ['id', 'externalId', 'targetId'],
  })) as { id: number; externalId: string; targetId: number | null }[];
  return new Map(rows.map((row) => [row.externalId, { rowId: row.id, targetId: row.targetId }]));
};

/** Active user links of the directory (the threshold's denominator when not all are loaded). */
export const countActiveIdentities = async (strapi: Core.Strapi, directoryId: number) =>
  Number(
    await strapi.db
      .query(UID.identity)
      .count({ where: { directoryId, kind: 'user', state: 'active' } })
  );

/** Users disabled in this directory since `since` (the push brake's window). */
export const countRecentDisables = async (strapi: Core.Strapi, directoryId: number, since: Date) =>
  Number(
    await strapi.db
      .query(UID.auditEntry)
      .count({ where: { directoryId, action: 'user.disable', at: { $gte: since } } })
  );

/** Stored group -> parent group links of these group rows (nested groups). */
export const readParentLinks = async (strapi: Core.Strapi, groupRows: number[]) => {
  const link = tableInfo(strapi, UID.group).joinTable('parents');
  const links = await readLinks(strapi.db.connection, link, groupRows);
  return [...links].flatMap(([group, ids]) => ids.map((to) => ({ group, to })));
};

/** Statuses of a full run that read the whole source (held and licence-stopped ones did too). */
const READ_EVERYTHING = ['succeeded', 'held-safety-threshold', 'stopped-licence-limit'];

/** How many users the directory's last finished full run read, or null before the first one. */
export const previousFullRunRead = async (strapi: Core.Strapi, directoryId: number) => {
  const row = (await strapi.db.query(UID.syncRun).findOne({
    where: { directoryId, mode: 'full', status: { $in: READ_EVERYTHING }, done: { $gt: 0 } },
    orderBy: { id: 'desc' },
    select: ['done'],
  })) as { done: number | null } | null;
  return row?.done ? Number(row.done) : null;
};

/**
 * The progress bar's total of a full run: the source's own count when it gives one, else the
 * number of users the previous full run read (an estimate: Okta, or Graph refusing `$count`).
 */
export const runTotal = async (
  strapi: Core.Strapi,
  directoryId: number,
  provider: DirectoryProvider
): Promise<UserCount | null> => {
  const counted = provider.countUsers ? await provider.countUsers() : null;
  if (typeof counted === 'number') return { total: counted, estimated: false };
  if (counted) return counted;
  const previous = await previousFullRunRead(strapi, directoryId);
  return previous === null ? null : { total: previous, estimated: true };
};
