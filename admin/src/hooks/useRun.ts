import { useEffect, useState } from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { Runs } from '../../../shared/contracts';
import { API } from '../pluginId';
import { isActive } from '../utils/runs';

/** Follows one run: GET /runs/:id every second while it is queued or running. */
export const useRun = (runId: number | null, intervalMs = 1000) => {
  const { get } = useFetchClient();
  const [run, setRun] = useState<Runs.Run | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setRun(null);
    setError(null);
    if (runId === null) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const { data } = await get<Runs.One>(`${API}/runs/${runId}`);
        if (!live) return;
        setRun(data.data);
        if (isActive(data.data)) timer = setTimeout(poll, intervalMs);
      } catch (failure) {
        if (live) setError(failure);
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [get, intervalMs, runId]);

  return { run, error };
};
