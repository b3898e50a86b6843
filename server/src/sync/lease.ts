/**
 * One run per directory across every Strapi instance on the database: a lease on the directory row,
 * taken with a conditional UPDATE that only one instance can win, renewed while the run lasts,
 * released at the end, and taken over once it expires.
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { tableInfo } from '../db/sql';

export const createLease = (strapi: Core.Strapi, owner: string, seconds: number) => {
  const directories = () => tableInfo(strapi, UID.directory);
  const columns = () => {
    const t = directories();
    return {
      owner: t.column('leaseOwner'),
      expires: t.column('leaseExpiresAt'),
      run: t.column('leaseRunId'),
    };
  };

  return {
    owner,
    /** Takes the lease for a run; false when another live run holds it. */
    async acquire(directoryId: number, runId: number): Promise<boolean> {
      const c = columns();
      const now = new Date();
      const updated = await strapi.db
        .connection(directories().table)
        .where('id', directoryId)
        .andWhere((q) => q.whereNull(c.owner).orWhere(c.expires, '<', now))
        .update({
          [c.owner]: owner,
          [c.expires]: new Date(now.getTime() + seconds * 1000),
          [c.run]: runId,
        });
      return updated === 1;
    },
    /** Extends the lease; false if it was lost (expired and taken over). */
    async renew(directoryId: number, runId: number): Promise<boolean> {
      const c = columns();
      const updated = await strapi.db
        .connection(directories().table)
        .where({ id: directoryId, [c.owner]: owner, [c.run]: runId })
        .update({ [c.expires]: new Date(Date.now() + seconds * 1000) });
      return updated === 1;
    },
    async release(directoryId: number, runId: number) {
      const c = columns();
      await strapi.db
        .connection(directories().table)
        .where({ id: directoryId, [c.owner]: owner, [c.run]: runId })
        .update({ [c.owner]: null, [c.expires]: null, [c.run]: null });
    },
    /** Frees an expired lease (its holder died), unless someone took it over meanwhile. */
    async clear(directoryId: number, runId: number) {
      const c = columns();
      await strapi.db
        .connection(directories().table)
        .where({ id: directoryId, [c.run]: runId })
        .andWhere(c.expires, '<', new Date())
        .update({ [c.owner]: null, [c.expires]: null, [c.run]: null });
    },
    /** Runs whose lease expired while they were still marked running (their instance died). */
    async expiredRuns(): Promise<{ directoryId: number; runId: number }[]> {
      const c = columns();
      const rows: Record<string, unknown>[] = await strapi.db
        .connection(directories().table)
        .select('id', c.run)
        .whereNotNull(c.owner)
        .andWhere(c.expires, '<', new Date());
      return rows.map((row) => ({ directoryId: Number(row.id), runId: Number(row[c.run]) }));
    },
  };
};

export type Lease = ReturnType<typeof createLease>;
