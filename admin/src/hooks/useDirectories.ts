import { useEffect, useState } from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { Directories } from '../../../shared/contracts';

/** The configured directories, as GET /directories lists them. */
export const useDirectories = () => {
  const { get } = useFetchClient();
  const [directories, setDirectories] = useState<Directories.Directory[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    get<Directories.List>('/user-directory-sync/directories')
      .then(({ data }) => live && setDirectories(data.data))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [get]);
  return { directories, error };
};
