import { useEffect, useState } from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { Health } from '../../../shared/contracts';

/** The plugin's version from the health route; error holds a message when the call failed. */
export const useHealth = () => {
  const { get } = useFetchClient();
  const [state, setState] = useState<{
    version: string | null;
    error: string | null;
    loading: boolean;
  }>({
    version: null,
    error: null,
    loading: true,
  });
  useEffect(() => {
    let live = true;
    get<Health.Response>('/user-directory-sync/health')
      .then(
        ({ data }) => live && setState({ version: data.data.version, error: null, loading: false })
      )
      .catch(
        (error: Error) => live && setState({ version: null, error: error.message, loading: false })
      );
    return () => {
      live = false;
    };
  }, [get]);
  return state;
};
