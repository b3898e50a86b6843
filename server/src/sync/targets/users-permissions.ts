/**
 * The default target: `plugin::users-permissions.user`. Writes what the users-permissions service
 * would write (lower-cased email, `confirmed: true`, the login provider, one role), in bulk.
 */
import type { Core } from '@strapi/strapi';
import { RESERVED_TARGETS, ROLE_UID, USER_UID } from '../../constants';
import { createSqlTarget } from './base';
import type { SyncTarget } from './types';

export const createUsersPermissionsTarget = (
  strapi: Core.Strapi,
  loginProvider: string
): SyncTarget =>
  createSqlTarget(strapi, {
    userUid: USER_UID,
    roleUid: ROLE_UID,
    roleRelation: 'role',
    singleRole: true,
    disabled: { attribute: 'blocked', inverted: false },
    loginProvider,
    groupRelation: 'users',
    managerRelation: 'manager',
    takesPasswords: true,
    mappable: (scalars) =>
      scalars.filter((name) => !(RESERVED_TARGETS as readonly string[]).includes(name)),
    createDefaults: () => ({ confirmed: true }),
    async defaultRoleIds(db, roleTable) {
      const settings = (await strapi
        .store({ type: 'plugin', name: 'users-permissions', key: 'advanced' })
        .get()) as { default_role?: string } | null;
      const role = await db(roleTable)
        .select('id')
        .where('type', settings?.default_role ?? 'authenticated')
        .first();
      return role ? [Number(role.id)] : [];
    },
    newRole: (name, description, n) => ({
      name,
      description,
      type: `uds-${slug(name)}-${Date.now().toString(36)}${n.toString(36)}`,
    }),
  });

export const slug = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
