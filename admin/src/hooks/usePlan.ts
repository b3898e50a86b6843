import { useFetchClient } from '@strapi/strapi/admin';
import type { Runs } from '../../../shared/contracts';
import { API } from '../pluginId';
import { useLoader } from './useLoader';

export const PLAN_PAGE_SIZE = 500;

/** The planned (dry run, held run) or applied changes of a run, one page at a time. */
export const usePlan = (runId: number | null, page: number) => {
  const { get } = useFetchClient();
  return useLoader(
    runId === null
      ? null
      : () =>
          get<Runs.Plan>(`${API}/runs/${runId}/plan`, {
            params: { page, pageSize: PLAN_PAGE_SIZE },
          }).then(({ data }) => data),
    `plan-${runId}-${page}`
  );
};
