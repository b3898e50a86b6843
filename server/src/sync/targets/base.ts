/**
 * What both targets share: users and role links read and written in bulk through Strapi's own
 * metadata (table, column and join-table names), never one query per user. Each target says how it
 * differs: its role relation, how "disabled" is stored, whether it has a login provider and a manager.
 */
import type { Core } from '@strapi/strapi';
import type { CurrentUser, LocalMatch } from '../plan';
import { UID } from '../../constants';
import {
  bulkUpdate,
  chunks,
  insertRows,
  readLinks,
  replaceLinks,
  tableInfo,
  writeLinks,
} from '../../db/sql';
import type { NewUserRow, SyncTarget, TargetRole } from './types';

const GROUP_UID = UID.group;

export type TargetShape = {
  userUid: string;
  roleUid: string;
  /** The user's relation to its roles ('role' one, 'roles' many). */
  roleRelation: string;
  singleRole: boolean;
  /** How "disabled" is stored: users-permissions `blocked`, admin `isActive` (inverted). */
  disabled: { attribute: string; inverted: boolean };
  loginProvider: string | null;
  /** The directory group's relation to these users (the group owns the link table). */
  groupRelation: 'users' | 'adminUsers';
  /** The manager relation, when the user type has one. */
  managerRelation: string | null;
  /** Attributes a mapping may write. */
  mappable: (scalarAttributes: string[]) => string[];
  /** false: created and updated rows never get a password from the sync. */
  takesPasswords: boolean;
  /** Values every created row gets (e.g. `confirmed: true`). */
  createDefaults: () => Record<string, unknown>;
  /** The role given to a user with no synced group. */
  defaultRoleIds: (db: Core.Strapi['db']['connection'], roleTable: string) => Promise<number[]>;
  /** Data for a new role (no permissions); `n` keeps generated codes unique within one batch. */
  newRole: (name: string, description: string, n: number) => Record<string, unknown>;
};

export const createSqlTarget = (strapi: Core.Strapi, shape: TargetShape): SyncTarget => {
  const users = tableInfo(strapi, shape.userUid);
  const roles = tableInfo(strapi, shape.roleUid);
  const roleLink = users.joinTable(shape.roleRelation);
  const managerLink = shape.managerRelation ? users.joinTable(shape.managerRelation) : null;
  const groupLink = tableInfo(strapi, GROUP_UID).joinTable(shape.groupRelation);
  const disabledColumn = users.column(shape.disabled.attribute);
  const db = () => strapi.db.connection;
  /** The stored value of the disabled flag for `blocked`. */
  const stored = (blocked: boolean) => (shape.disabled.inverted ? !blocked : blocked);
  const firstRole = (ids: number[]) => (shape.singleRole ? ids.slice(0, 1) : ids);

  const toColumns = (values: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(values).map(([name, value]) =>
        name === 'blocked' ? [disabledColumn, stored(Boolean(value))] : [users.column(name), value]
      )
    );

  return {
    uid: shape.userUid,
    roleUid: shape.roleUid,
    takesPasswords: shape.takesPasswords,
    singleRole: shape.singleRole,
    loginProvider: shape.loginProvider,
    hasManager: managerLink !== null,

    mappableFields: () => shape.mappable(users.scalarAttributes()),

    async loadUsers(ids, fieldNames) {
      const out = new Map<number, CurrentUser>();
      const columns = fieldNames.map((name) => users.column(name));
      const provider = shape.loginProvider !== null ? ['provider'] : [];
      for (const chunk of chunks(ids)) {
        const rows: Record<string, unknown>[] = await db()(users.table)
          .select('id', disabledColumn, ...provider, ...columns)
          .whereIn('id', chunk);
        const rolesOf = await readLinks(db(), roleLink, chunk);
        for (const row of rows) {
          const id = Number(row.id);
          out.set(id, {
            id,
            fields: Object.fromEntries(
              fieldNames.map((name, i) => [name, (row[columns[i]] as string | null) ?? null])
            ),
            blocked: stored(Boolean(row[disabledColumn])),
            provider: (row.provider as string | null) ?? null,
            roleIds: rolesOf.get(id) ?? [],
          });
        }
      }
      return out;
    },

    async findByLogin(usernames, emails) {
      const out = new Map<string, LocalMatch>();
      const add = (rows: Record<string, unknown>[]) => {
        for (const row of rows) {
          const email = (row.email as string | null) ?? null;
          const match = { id: Number(row.id), username: String(row.username ?? email), email };
          if (row.username) out.set(`username:${String(row.username).toLowerCase()}`, match);
          if (email) out.set(`email:${email.toLowerCase()}`, match);
        }
      };
      for (const chunk of chunks(usernames)) {
        add(await db()(users.table).select('id', 'username', 'email').whereIn('username', chunk));
      }
      for (const chunk of chunks(emails)) {
        add(await db()(users.table).select('id', 'username', 'email').whereIn('email', chunk));
      }
      return out;
    },

    async readGroupLinks(groupRowIds) {
      const links = await readLinks(db(), groupLink, groupRowIds);
      return [...links].flatMap(([group, ids]) => ids.map((to) => ({ group, to })));
    },

    writeGroupLinks: (trx, plan) => writeLinks(trx, groupLink, plan),

    async blockedIds() {
      const rows: Record<string, unknown>[] = await db()(users.table)
        .select('id')
        .where(disabledColumn, stored(true));
      return new Set(rows.map((row) => Number(row.id)));
    },

    protectedRoleIds: async () => [],

    async countActive() {
      const [row] = await db()(users.table).where(disabledColumn, stored(false)).count({ n: 'id' });
      return Number(row.n);
    },

    defaultRoleIds: () => shape.defaultRoleIds(db(), roles.table),

    async createUsers(trx, rows: NewUserRow[]) {
      if (!rows.length) return [];
      const ids = await insertRows(
        trx,
        users,
        rows.map((row) => ({
          ...row.values,
          ...shape.createDefaults(),
          ...(shape.loginProvider !== null ? { provider: shape.loginProvider } : {}),
          [shape.disabled.attribute]: stored(row.blocked),
          password: shape.takesPasswords ? row.passwordHash : null,
        }))
      );
      const links = rows.flatMap((row, i) =>
        firstRole(row.roleIds).map((roleId) => ({ from: ids[i], to: roleId }))
      );
      await replaceLinks(trx, roleLink, [], links);
      return ids;
    },

    async updateUsers(trx, changes) {
      const now = new Date();
      await bulkUpdate(
        trx,
        users.table,
        changes.map((change) => ({
          id: change.id,
          values: {
            ...toColumns(change.values),
            ...(change.passwordHash && shape.takesPasswords
              ? { password: change.passwordHash }
              : {}),
            [users.column('updatedAt')]: now,
          },
        }))
      );
      const withRoles = changes.filter((change) => change.roleIds);
      await replaceLinks(
        trx,
        roleLink,
        withRoles.map((change) => change.id),
        withRoles.flatMap((change) =>
          firstRole(change.roleIds ?? []).map((to) => ({ from: change.id, to }))
        )
      );
    },

    async setBlocked(trx, ids, blocked) {
      for (const chunk of chunks(ids)) {
        await trx(users.table)
          .whereIn('id', chunk)
          .update({ [disabledColumn]: stored(blocked), [users.column('updatedAt')]: new Date() });
      }
    },

    async loadManagers(ids) {
      if (!managerLink) return new Map();
      const links = await readLinks(db(), managerLink, ids);
      return new Map(ids.map((id) => [id, links.get(id)?.[0] ?? null]));
    },

    async setManagers(trx, pairs) {
      if (!managerLink) return;
      await replaceLinks(
        trx,
        managerLink,
        pairs.map((pair) => pair.id),
        pairs
          .filter((pair) => pair.managerId !== null)
          .map((pair) => ({ from: pair.id, to: pair.managerId as number }))
      );
    },

    async createRoles(_trx, wanted): Promise<TargetRole[]> {
      if (!wanted.length) return [];
      const { ids } = await strapi.db.query(shape.roleUid).createMany({
        data: wanted.map((role, i) => shape.newRole(role.name, role.description, i)),
      });
      return wanted.map((role, i) => ({ id: Number(ids[i]), name: role.name }));
    },

    async renameRole(trx, id, name) {
      await trx(roles.table).where('id', id).update({ name });
    },

    async findRolesByName(names) {
      if (!names.length) return [];
      const codeColumn = roles.has('code') ? 'code' : 'type';
      const rows = await db()(roles.table)
        .select('id', 'name', codeColumn)
        .whereIn('name', names)
        .orWhereIn(codeColumn, names);
      return rows.map((row: Record<string, unknown>) => ({
        id: Number(row.id),
        name: String(row.name),
        code: String(row[codeColumn]),
      }));
    },

    async existingRoleIds(ids) {
      const rows = await db()(roles.table).select('id').whereIn('id', ids);
      return new Set(rows.map((row: Record<string, unknown>) => Number(row.id)));
    },

    async usersWithRole(roleId) {
      const rows: Record<string, unknown>[] = await db()(roleLink.name)
        .select(roleLink.from)
        .where(roleLink.to, roleId);
      return rows.map((row) => Number(row[roleLink.from]));
    },
  };
};
