import { useFetchClient } from '@strapi/strapi/admin';
import type { Audit } from '../../../shared/contracts';
import { API } from '../pluginId';
import { useLoader } from './useLoader';

export const AUDIT_PAGE_SIZE = 20;

/** Drops empty filters so the query carries only what was chosen. */
const paramsOf = (filters: Audit.Filters) =>
  Object.fromEntries(
    Object.entries(filters).filter(([, value]) => value !== undefined && value !== '')
  );

/** The audit log, filtered and paged, with a CSV export of the same filters. */
export const useAudit = (filters: Audit.Filters, page: number) => {
  const { get } = useFetchClient();
  const params = paramsOf(filters);
  const list = useLoader(
    () =>
      get<Audit.List>(`${API}/audit`, {
        params: { ...params, page, pageSize: AUDIT_PAGE_SIZE },
      }).then(({ data }) => data),
    `audit-${JSON.stringify(params)}-${page}`
  );

  /** Downloads GET /audit/export with the current filters as a CSV file. */
  const exportCsv = async () => {
    const { data } = await get(`${API}/audit/export`, { params, responseType: 'blob' });
    const url = URL.createObjectURL(data);
    const link = document.createElement('a');
    link.href = url;
    link.download = 'user-directory-sync-audit.csv';
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return { ...list, exportCsv };
};
