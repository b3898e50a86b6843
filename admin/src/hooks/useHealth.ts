import { useFetchClient } from '@strapi/strapi/admin';
import type { Health } from '../../../shared/contracts';
import { API } from '../pluginId';
import { useLoader } from './useLoader';

/** The plugin's version from the health route. */
export const useHealth = () => {
  const { get } = useFetchClient();
  return useLoader(
    () => get<Health.Response>(`${API}/health`).then(({ data }) => data.data.version),
    'health'
  );
};
