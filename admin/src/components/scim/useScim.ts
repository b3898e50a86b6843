import { useCallback } from 'react';
import { useFetchClient } from '@strapi/strapi/admin';
import type { Scim } from '../../../../shared/contracts/scim';
import { useLoader } from '../../hooks/useLoader';
import { API } from '../../pluginId';

/** A SCIM directory's tenant URL, tokens, activity and held deactivations, with their actions. */
export const useScim = (directoryId: number) => {
  const { get, post, del } = useFetchClient();
  const base = `${API}/directories/${directoryId}/scim`;
  const loaded = useLoader(
    () => get<Scim.Show>(base).then(({ data }) => data.data),
    `scim-${directoryId}`
  );

  const issueToken = useCallback(
    async () => (await post<Scim.Issued>(`${base}/tokens`)).data.data,
    [base, post]
  );
  const revokeToken = useCallback(
    async (tokenId: number) => {
      await del(`${base}/tokens/${tokenId}`);
    },
    [base, del]
  );
  const confirmHeld = useCallback(
    async () => (await post<Scim.Confirmed>(`${base}/confirm`)).data.data,
    [base, post]
  );

  return { ...loaded, issueToken, revokeToken, confirmHeld };
};
