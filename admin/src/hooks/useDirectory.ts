import { useCallback } from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { Directories } from '../../../shared/contracts';
import { API } from '../pluginId';
import { useLoader } from './useLoader';

/** One directory, with the calls that change it. */
export const useDirectory = (id: number) => {
  const { get, put, post } = useFetchClient();
  const loaded = useLoader(
    () => get<Directories.One>(`${API}/directories/${id}`).then(({ data }) => data.data),
    `directory-${id}`
  );
  const { setData } = loaded;

  /** PUT only what changed; the answer replaces the loaded directory. */
  const update = useCallback(
    async (body: Directories.UpdateBody) => {
      const { data } = await put<Directories.One>(`${API}/directories/${id}`, body);
      setData(data.data);
      return data.data;
    },
    [id, put, setData]
  );

  /** Tests the saved connection settings. */
  const testConnection = useCallback(
    async () =>
      (await post<Directories.TestConnection>(`${API}/directories/${id}/test-connection`)).data
        .data,
    [id, post]
  );

  /** Clears the last run time: the directory is due on the next scheduler tick. */
  const reset = useCallback(async () => {
    const { data } = await post<Directories.One>(`${API}/directories/${id}/reset`);
    setData(data.data);
    return data.data;
  }, [id, post, setData]);

  return { ...loaded, update, testConnection, reset };
};
