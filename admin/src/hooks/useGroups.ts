import { useEffect, useState } from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { Directories } from '../../../shared/contracts';
import { API } from '../pluginId';
import { useLoader } from './useLoader';

/** The groups the source lists now, searched by name (debounced 300 ms); null id: none. */
export const useGroups = (id: number | null, search = '') => {
  const { get } = useFetchClient();
  const [query, setQuery] = useState(search);
  useEffect(() => {
    const timer = setTimeout(() => setQuery(search), 300);
    return () => clearTimeout(timer);
  }, [search]);
  return useLoader(
    id === null
      ? null
      : () =>
          get<Directories.Groups>(`${API}/directories/${id}/groups`, {
            params: query ? { search: query } : {},
          }).then(({ data }) => data.data),
    `groups-${id}-${query}`
  );
};
