import { useCallback } from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { Directories, Runs } from '../../../shared/contracts';
import { API } from '../pluginId';
import { useLoader } from './useLoader';

export type DirectoryWithLastRun = Directories.Directory & { lastRun: Runs.Run | null };

/**
 * The configured directories, each with its last run (from the directory when the server includes
 * it, else from GET /runs?directory=:id&pageSize=1).
 */
export const useDirectories = (withLastRuns = true) => {
  const { get, put, del } = useFetchClient();
  const list = useLoader(async (): Promise<DirectoryWithLastRun[]> => {
    const { data } = await get<Directories.List>(`${API}/directories`);
    return Promise.all(
      data.data.map(async (directory) => {
        if (directory.lastRun !== undefined || !withLastRuns)
          return { ...directory, lastRun: directory.lastRun ?? null };
        const runs = await get<Runs.List>(`${API}/runs`, {
          params: { directory: directory.id, pageSize: 1 },
        });
        return { ...directory, lastRun: runs.data.data[0] ?? null };
      })
    );
  }, `directories-${withLastRuns}`);

  /** Enables or disables a directory's schedule. */
  const setEnabled = useCallback(
    async (id: number, enabled: boolean) =>
      (await put<Directories.One>(`${API}/directories/${id}`, { enabled })).data.data,
    [put]
  );

  /** Deletes a directory; its users stay, unlinked. Resolves to how many were unlinked. */
  const remove = useCallback(
    async (id: number) =>
      (await del<Directories.Deleted>(`${API}/directories/${id}`)).data.data.unlinkedUsers,
    [del]
  );

  return { ...list, setEnabled, remove };
};

/** POST /directories: resolves to the created directory. */
export const useCreateDirectory = () => {
  const { post } = useFetchClient();
  return useCallback(
    async (body: Directories.CreateBody) =>
      (await post<Directories.One>(`${API}/directories`, body)).data.data,
    [post]
  );
};
