import { useCallback } from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { Adoption } from '../../../shared/contracts';
import { API } from '../pluginId';
import { useLoader } from './useLoader';

/** The local users that match a directory's users (the preview), and adopting them. */
export const useAdoption = (directoryId: number) => {
  const { get, post } = useFetchClient();
  const preview = useLoader(
    () =>
      get<Adoption.Preview>(`${API}/directories/${directoryId}/adoption`).then(
        ({ data }) => data.data
      ),
    `adoption-${directoryId}`
  );

  /** Links the chosen local users to their directory records; resolves to those adopted. */
  const adopt = useCallback(
    async (users: Adoption.AdoptBody['users']) =>
      (
        await post<Adoption.Adopted>(`${API}/directories/${directoryId}/adoption`, {
          users,
        } satisfies Adoption.AdoptBody)
      ).data.data,
    [directoryId, post]
  );

  return { ...preview, adopt };
};
