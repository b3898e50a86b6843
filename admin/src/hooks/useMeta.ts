import { useFetchClient } from '@strapi/strapi/admin';
import type { Meta } from '../../../shared/contracts';
import { API } from '../pluginId';
import { useLoader } from './useLoader';

/** Directory types the server registered and the user attributes a mapping may target. */
export const useMeta = () => {
  const { get } = useFetchClient();
  return useLoader(() => get<Meta.Response>(`${API}/meta`).then(({ data }) => data.data), 'meta');
};
