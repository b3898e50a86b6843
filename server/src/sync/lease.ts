/**
 * One run per directory across every Strapi instance on the database: a lease on the directory row,
 * taken with a conditional UPDATE that only one instance can win, renewed while the run lasts,
 * released at the end, and taken over once it expires.
 *
 * Every lease time is the database's own clock (CURRENT_TIMESTAMP), never a Node process's: two
 * instances whose clocks disagree still agree on whether a lease has expired.
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { tableInfo } from '../db/sql';
import { StopSyncError, describeError } from '../providers/errors';

/** The abort reason of a run whose lease could not be renewed: it stops, and says why. */
export class LeaseLostError extends StopSyncError {
  constructor(why: string) {
    super(
      'lease-lost',
      `The run stopped because ${why}. Batches already committed stay; start the run again.`
    );
  }
}

type Knex = Core.Strapi['db']['connection'];

/**
 * "Now" and "now + n seconds" on the database's clock, in the form Strapi stores a datetime:
 * epoch milliseconds on SQLite (knex binds a Date as its value), a timestamp on PostgreSQL.
 */
const databaseClock = (strapi: Core.Strapi) => {
  const knex: Knex = strapi.db.connection;
  if (strapi.db.dialect.client === 'sqlite') {
    const nowMs = "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)";
    return {
      now: () => knex.raw(nowMs),
      plus: (seconds: number) => knex.raw(`(${nowMs} + ?)`, [Math.round(seconds * 1000)]),
    };
  }
  return {
    now: () => knex.raw('CURRENT_TIMESTAMP'),
    plus: (seconds: number) =>
      knex.raw("(CURRENT_TIMESTAMP + CAST(? AS double precision) * INTERVAL '1 second')", [
        seconds,
      ]),
  };
};

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
  const clock = databaseClock(strapi);

  const renew = async (directoryId: number, runId: number): Promise<boolean> => {
    const c = columns();
    const updated = await strapi.db
      .connection(directories().table)
      .where({ id: directoryId, [c.owner]: owner, [c.run]: runId })
      .update({ [c.expires]: clock.plus(seconds) });
    return updated === 1;
  };

  return {
    owner,
    /** Takes the lease for a run; false when another live run holds it. */
    async acquire(directoryId: number, runId: number): Promise<boolean> {
      const c = columns();
      const updated = await strapi.db
        .connection(directories().table)
        .where('id', directoryId)
        .andWhere((q) => q.whereNull(c.owner).orWhere(c.expires, '<', clock.now()))
        .update({ [c.owner]: owner, [c.expires]: clock.plus(seconds), [c.run]: runId });
      return updated === 1;
    },
    /** Extends the lease; false if it was lost (expired and taken over). */
    renew,
    /**
     * Renews the lease every third of its life until the returned function is called. A renewal
     * that finds the lease gone, or that fails (the database refused it), aborts the run with a
     * LeaseLostError: nothing is left to reject unhandled, and the run ends saying why.
     */
    keepAlive(directoryId: number, runId: number, controller: AbortController): () => void {
      const timer = setInterval(
        () => {
          renew(directoryId, runId).then(
            (held) => {
              if (!held) lost('its lease on the directory was taken over by another instance');
            },
            (error: unknown) => {
              strapi.log.warn(
                `[user-directory-sync] run ${runId}: renewing its lease failed (${describeError(error).code})`
              );
              lost(
                'its lease on the directory could not be renewed (the database refused the update)'
              );
            }
          );
        },
        (seconds * 1000) / 3
      );
      function lost(why: string) {
        clearInterval(timer);
        if (!controller.signal.aborted) controller.abort(new LeaseLostError(why));
      }
      return () => clearInterval(timer);
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
        .andWhere(c.expires, '<', clock.now())
        .update({ [c.owner]: null, [c.expires]: null, [c.run]: null });
    },
    /** Runs whose lease expired while they were still marked running (their instance died). */
    async expiredRuns(): Promise<{ directoryId: number; runId: number }[]> {
      const c = columns();
      const rows: Record<string, unknown>[] = await strapi.db
        .connection(directories().table)
        .select('id', c.run)
        .whereNotNull(c.owner)
        .andWhere(c.expires, '<', clock.now());
      return rows.map((row) => ({ directoryId: Number(row.id), runId: Number(row[c.run]) }));
    },
  };
};

export type Lease = ReturnType<typeof createLease>;
