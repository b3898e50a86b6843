/**
 * The second target: Strapi admin users (`admin::user`). Disabled is `isActive: false` (the flag the
 * Settings > Users list filters on); users hold many roles; synced users have no password (they sign
 * in through SSO). Attributes admin users lack (department, job title, manager...) stay on the
 * identity link, where the org chart reads them.
 */
import type { Core } from '@strapi/strapi';
import { ADMIN_ROLE_UID, ADMIN_USER_UID } from '../../constants';
import { createSqlTarget } from './base';
import { slug } from './users-permissions';
import type { SyncTarget } from './types';

export const ADMIN_FIELDS = ['username', 'email', 'firstname', 'lastname'];

const SUPER_ADMIN_CODE = 'strapi-super-admin';

export const createAdminTarget = (strapi: Core.Strapi, defaultRoleCode: string): SyncTarget => {
  const target: SyncTarget = createSqlTarget(strapi, {
    userUid: ADMIN_USER_UID,
    roleUid: ADMIN_ROLE_UID,
    roleRelation: 'roles',
    singleRole: false,
    disabled: { attribute: 'isActive', inverted: true },
    loginProvider: null,
    groupRelation: 'adminUsers',
    managerRelation: null,
    mappable: () => ADMIN_FIELDS,
    takesPasswords: false,
    createDefaults: () => ({ blocked: false }),
    async defaultRoleIds(db, roleTable) {
      const role = await db(roleTable).select('id').where('code', defaultRoleCode).first();
      return role ? [Number(role.id)] : [];
    },
    newRole: (name, description, n) => ({
      name,
      description,
      code: `uds-${slug(name)}-${Date.now().toString(36)}${n.toString(36)}`,
    }),
  });

  /** The Super Admin role is never taken away by a run (nor the last super admin disabled). */
  target.protectedRoleIds = async () => {
    const role = await strapi.db
      .query(ADMIN_ROLE_UID)
      .findOne({ where: { code: SUPER_ADMIN_CODE }, select: ['id'] });
    return role ? [Number(role.id)] : [];
  };

  /** Refuses to disable the acting admin, and the last active super admins. */
  target.screenDisables = async (ids, actor) => {
    const refused = new Map<number, string>();
    const wanted = new Set(ids);
    const self = await strapi.db
      .query(ADMIN_USER_UID)
      .findOne({ where: { email: actor }, select: ['id'] });
    if (self && wanted.has(self.id))
      refused.set(self.id, 'the admin running the sync is never disabled');
    const superRole = await strapi.db
      .query(ADMIN_ROLE_UID)
      .findOne({ where: { code: SUPER_ADMIN_CODE }, select: ['id'] });
    if (superRole) {
      const supers = await target.usersWithRole(superRole.id);
      const active = new Set(
        (
          (await strapi.db
            .query(ADMIN_USER_UID)
            .findMany({ where: { id: { $in: supers }, isActive: true }, select: ['id'] })) as {
            id: number;
          }[]
        ).map((row) => row.id)
      );
      const leaving = [...active].filter((id) => wanted.has(id) && !refused.has(id));
      if (leaving.length && leaving.length >= active.size) {
        for (const id of leaving) refused.set(id, 'the last active super admin is never disabled');
      }
    }
    return refused;
  };
  return target;
};
