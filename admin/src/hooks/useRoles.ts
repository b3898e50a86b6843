import { useFetchClient } from '@strapi/strapi/admin';
import { useLoader } from './useLoader';

/** A users-permissions role, as GET /users-permissions/roles lists it. */
export type Role = { id: number; name: string; type: string };

/** The users-permissions roles a directory group may map to (empty when not allowed to read). */
export const useRoles = () => {
  const { get } = useFetchClient();
  return useLoader(
    () =>
      get<{ roles: Role[] }>('/users-permissions/roles').then(
        ({ data }) => data.roles,
        () => [] as Role[]
      ),
    'roles'
  );
};
