import { useFetchClient } from '@strapi/strapi/admin';
import { useLoader } from './useLoader';

/** A Media Library file a CSV directory can read. */
export type MediaFile = { id: number; name: string; size: number };

/**
 * CSV and text files of the Media Library, newest first (empty when the admin may not read the
 * Media Library: the form then asks for the file id).
 */
export const useMediaFiles = (enabled: boolean) => {
  const { get } = useFetchClient();
  return useLoader(
    enabled
      ? () =>
          get<{ results: MediaFile[] }>('/upload/files', {
            params: {
              page: 1,
              pageSize: 100,
              sort: 'createdAt:DESC',
              filters: {
                $or: [{ mime: { $contains: 'csv' } }, { mime: { $contains: 'text/plain' } }],
              },
            },
          }).then(
            ({ data }) => data.results,
            () => [] as MediaFile[]
          )
      : null,
    `media-${enabled}`
  );
};
