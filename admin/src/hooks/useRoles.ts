import { useAuth, useFetchClient } from '@strapi/strapi/admin';
import type { Directories } from '../../../shared/contracts';
import { SUPER_ADMIN_CODE } from '../utils/types';
import { useLoader } from './useLoader';

/** A role a directory group may map to: users-permissions roles, or admin roles (with a code). */
export type Role = { id: number; name: string; type?: string; code?: string };

/**
 * The roles of a target a directory group may map to (empty when the admin may not read them):
 * GET /users-permissions/roles, or GET /admin/roles for the admin target.
 */
export const useRoles = (target: Directories.Target = 'users-permissions') => {
  const { get } = useFetchClient();
  return useLoader(
    () =>
      target === 'admin'
        ? get<{ data: Role[] }>('/admin/roles').then(
            ({ data }) => data.data,
            () => [] as Role[]
          )
        : get<{ roles: Role[] }>('/users-permissions/roles').then(
            ({ data }) => data.roles,
            () => [] as Role[]
          ),
    `roles-${target}`
  );
};

/** Whether the signed-in admin holds the Super Admin role (only they may map it). */
export const useIsSuperAdmin = () =>
  useAuth('useIsSuperAdmin', (state) =>
    (state.user?.roles ?? []).some((role) => role.code === SUPER_ADMIN_CODE)
  );
