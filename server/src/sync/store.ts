/**
 * What a run reads and writes besides users: group rows, identity row ids, usernames for messages,
 * role names. Kept apart from the engine so that the engine reads as the run's steps.
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { DirectoryGroup } from '../providers/types';
import { chunks } from '../db/sql';
import type { SyncTarget } from './targets/types';

/** A directory group as a run holds it: members and the role it maps to. */
export type GroupState = {
  name: string;
  description: string | null;
  members: string[];
  roleId: number | null;
};

/** Roles the sync created whose group now has another name. */
export const findRoleRenames = async (
  strapi: Core.Strapi,
  target: SyncTarget,
  groups: GroupState[]
) => {
  const ids = groups.map((group) => group.roleId).filter((id): id is number => id !== null);
  if (!ids.length) return [];
  const rows: { id: number; name: string }[] = [];
  for (const chunk of chunks(ids)) {
    rows.push(
      ...((await strapi.db
        .query(target.uid === 'admin::user' ? 'admin::role' : 'plugin::users-permissions.role')
        .findMany({ where: { id: { $in: chunk } }, select: ['id', 'name'] })) as {
        id: number;
        name: string;
      }[])
    );
  }
  const names = new Map(rows.map((row) => [row.id, row.name]));
  return groups
    .filter(
      (group) =>
        group.roleId !== null && names.has(group.roleId) && names.get(group.roleId) !== group.name
    )
    .map((group) => ({
      id: group.roleId as number,
      from: names.get(group.roleId as number) as string,
      to: group.name,
    }));
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
  const rows = (await strapi.db.query(UID.group).findMany({ where: { directoryId } })) as {
    externalId: string;
    name: string;
    description: string | null;
    members: string[] | null;
  }[];
  for (const row of rows)
    add({
      externalId: row.externalId,
      name: row.name,
      description: row.description,
      members: row.members ?? [],
    });
};

/** Stores the directory's groups (new, changed, gone) for the panel and for delta runs. */
export const saveGroups = async (
  strapi: Core.Strapi,
  directoryId: number,
  groups: [string, GroupState][],
  synced: (name: string) => boolean
) => {
  const stored = (await strapi.db.query(UID.group).findMany({
    where: { directoryId },
    select: ['id', 'externalId', 'name', 'description', 'members', 'synced', 'roleId'],
  })) as Record<string, unknown>[];
  const byExternal = new Map(stored.map((row) => [String(row.externalId), row]));
  const wanted = new Set(groups.map(([id]) => id));
  await strapi.db.transaction(async () => {
    const fresh = [];
    for (const [externalId, group] of groups) {
      const data = {
        directoryId,
        externalId,
        name: group.name,
        description: group.description,
        members: group.members,
        memberCount: group.members.length,
        synced: synced(group.name),
        roleId: group.roleId,
      };
      const row = byExternal.get(externalId);
      if (!row) fresh.push(data);
      else if (
        row.name !== data.name ||
        row.description !== data.description ||
        Boolean(row.synced) !== data.synced ||
        (row.roleId ?? null) !== data.roleId ||
        JSON.stringify(row.members) !== JSON.stringify(data.members)
      ) {
        await strapi.db.query(UID.group).update({ where: { id: row.id }, data });
      }
    }
    for (const chunk of chunks(fresh, 500))
      await strapi.db.query(UID.group).createMany({ data: chunk });
    const gone = stored
      .filter((row) => !wanted.has(String(row.externalId)))
      .map((row) => row.id as number);
    if (gone.length) await strapi.db.query(UID.group).deleteMany({ where: { id: { $in: gone } } });
  });
};
