import { useCallback } from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { Runs } from '../../../shared/contracts';
import { API } from '../pluginId';
import { useLoader } from './useLoader';

export const RUNS_PAGE_SIZE = 10;

/** A directory's run history (newest first), with start and cancel. */
export const useRuns = (directoryId: number, page: number) => {
  const { get, post } = useFetchClient();
  const list = useLoader(
    () =>
      get<Runs.List>(`${API}/runs`, {
        params: { directory: directoryId, page, pageSize: RUNS_PAGE_SIZE },
      }).then(({ data }) => data),
    `runs-${directoryId}-${page}`
  );

  /** Starts a run (dry run, or confirming a held one); resolves to the new run. */
  const start = useCallback(
    async (body: Runs.StartBody) =>
      (await post<Runs.Started>(`${API}/directories/${directoryId}/runs`, body)).data.data,
    [directoryId, post]
  );

  /** Asks a run to stop between two pages. */
  const cancel = useCallback(
    async (runId: number) => {
      await post(`${API}/runs/${runId}/cancel`);
    },
    [post]
  );

  return { ...list, start, cancel };
};
