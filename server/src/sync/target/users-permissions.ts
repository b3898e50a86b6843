/**
 * The default target: `plugin::users-permissions.user`. Writes what the users-permissions service
 * would write (lower-cased email, `confirmed: true`, the login provider, one role), in bulk.
 */
import type { Core } from '@strapi/strapi';
import { RESERVED_TARGETS, ROLE_UID, USER_UID } from '../../constants';
import type { CurrentUser, LocalMatch } from '../plan';
import { bulkUpdate, chunks, readLinks, replaceLinks, tableInfo } from './sql';
import type { NewUserRow, SyncTarget, TargetRole, UserRowChange } from './types';

export const createUsersPermissionsTarget = (
  strapi: Core.Strapi,
  loginProvider: string
): SyncTarget => {
  const users = tableInfo(strapi, USER_UID);
  const roles = tableInfo(strapi, ROLE_UID);
  const roleLink = users.joinTable('role');
  const managerLink = users.joinTable('manager');
  const db = () => strapi.db.connection;

  const toColumns = (values: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(values).map(([name, value]) => [users.column(name), value]));

  return {
    uid: USER_UID,
    singleRole: true,
    loginProvider,

    mappableFields() {
      const reserved = new Set<string>(RESERVED_TARGETS);
      return users.scalarAttributes().filter((name) => !reserved.has(name));
    },

    async loadUsers(ids, fieldNames) {
      const out = new Map<number, CurrentUser>();
      const columns = fieldNames.map((name) => users.column(name));
      for (const chunk of chunks(ids)) {
        const rows: Record<string, unknown>[] = await db()(users.table)
          .select('id', 'blocked', 'provider', ...columns)
          .whereIn('id', chunk);
        const rolesOf = await readLinks(db(), roleLink, chunk);
        for (const row of rows) {
          const id = Number(row.id);
          out.set(id, {
            id,
            fields: Object.fromEntries(
              fieldNames.map((name, i) => [name, (row[columns[i]] as string | null) ?? null])
            ),
            blocked: Boolean(row.blocked),
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
          const match = {
            id: Number(row.id),
            username: String(row.username),
            email: (row.email as string) ?? null,
          };
          out.set(`username:${match.username.toLowerCase()}`, match);
          if (match.email) out.set(`email:${match.email.toLowerCase()}`, match);
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

    async countActive() {
      const [row] = await db()(users.table)
        .where('blocked', false)
        .orWhereNull('blocked')
        .count({ n: 'id' });
      return Number(row.n);
    },

    async defaultRoleIds() {
      const settings = (await strapi
        .store({ type: 'plugin', name: 'users-permissions', key: 'advanced' })
        .get()) as { default_role?: string } | null;
      const type = settings?.default_role ?? 'authenticated';
      const role = await db()(roles.table).select('id').where('type', type).first();
      return role ? [Number(role.id)] : [];
    },

    async createUsers(trx, rows: NewUserRow[]) {
      if (!rows.length) return [];
      const now = new Date();
      const { ids } = await strapi.db.query(USER_UID).createMany({
        data: rows.map((row) => ({
          ...row.values,
          provider: loginProvider,
          confirmed: true,
          blocked: row.blocked,
          password: row.passwordHash,
          publishedAt: now,
        })),
      });
      const numericIds = ids.map(Number);
      const links = rows.flatMap((row, i) =>
        row.roleIds.slice(0, 1).map((roleId) => ({ from: numericIds[i], to: roleId }))
      );
      await replaceLinks(trx, roleLink, [], links);
      return numericIds;
    },

    async updateUsers(trx, changes: UserRowChange[]) {
      const now = new Date();
      await bulkUpdate(
        trx,
        users.table,
        changes.map((change) => ({
          id: change.id,
          values: {
            ...toColumns(change.values),
            ...(change.passwordHash ? { password: change.passwordHash } : {}),
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
          (change.roleIds ?? []).slice(0, 1).map((to) => ({ from: change.id, to }))
        )
      );
    },

    async setBlocked(trx, ids, blocked) {
      for (const chunk of chunks(ids)) {
        await trx(users.table)
          .whereIn('id', chunk)
          .update({ blocked, [users.column('updatedAt')]: new Date() });
      }
    },

    async loadManagers(ids) {
      const links = await readLinks(db(), managerLink, ids);
      return new Map(ids.map((id) => [id, links.get(id)?.[0] ?? null]));
    },

    async setManagers(trx, pairs) {
      await replaceLinks(
        trx,
        managerLink,
        pairs.map((pair) => pair.id),
        pairs
          .filter((pair) => pair.managerId !== null)
          .map((pair) => ({ from: pair.id, to: pair.managerId as number }))
      );
    },

    async createRole(trx, name, description): Promise<TargetRole> {
      const role = await strapi.db.query(ROLE_UID).create({
        data: { name, description, type: `uds-${slug(name)}-${Date.now().toString(36)}` },
      });
      return { id: Number(role.id), name };
    },

    async renameRole(trx, id, name) {
      await trx(roles.table).where('id', id).update({ name });
    },

    async findRolesByName(names) {
      if (!names.length) return [];
      const rows = await db()(roles.table)
        .select('id', 'name', 'type')
        .whereIn('name', names)
        .orWhereIn('type', names);
      return rows.map((row: Record<string, unknown>) => ({
        id: Number(row.id),
        name: String(row.name),
      }));
    },

    async existingRoleIds(ids) {
      const rows = await db()(roles.table).select('id').whereIn('id', ids);
      return new Set(rows.map((row: Record<string, unknown>) => Number(row.id)));
    },
  };
};

const slug = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
