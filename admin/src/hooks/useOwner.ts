import { useFetchClient } from '@strapi/strapi/admin';
import type { Owner } from '../../../shared/contracts';
import { useLoader } from './useLoader';

/** The directory that owns the user a Content Manager page shows (null: a local user). */
export const useOwner = (uid: string, documentId: string | undefined) => {
  const { get } = useFetchClient();
  const query = new URLSearchParams({ uid, documentId: documentId ?? '' }).toString();
  return useLoader<Owner.Owner | null>(
    documentId
      ? () =>
          get<Owner.Response>(`/user-directory-sync/owner?${query}`).then(({ data }) => data.data)
      : null,
    query
  );
};
