import { useFetchClient } from '@strapi/strapi/admin';
import { useLoader } from './useLoader';

/** A Media Library file, as GET /upload/files/:id answers it. */
export type MediaFile = { id: number; name: string; size: number; mime?: string };

/** The Media Library file a CSV directory reads (null when none is chosen or it is gone). */
export const useMediaFile = (id: number | undefined) => {
  const { get } = useFetchClient();
  return useLoader(
    id
      ? () =>
          get<MediaFile>(`/upload/files/${id}`).then(
            ({ data }) => data,
            () => null
          )
      : null,
    `media-${id ?? 'none'}`
  );
};
