/**
 * SCIM activity of a directory, for the panel: one row per request (method, path, status, and the
 * detail of an error), summarised as counts per hour and the last errors.
 */
import type { Core } from '@strapi/strapi';
import { SCIM_UID } from './constants';

export type ActivitySummary = {
  hours: { hour: string; requests: number; errors: number }[];
  lastErrors: { at: string; method: string; path: string; status: number; detail: string }[];
  lastRequestAt: string | null;
};

const HOURS = 24;

type Entry = { directoryId: number; method: string; path: string; status: number; detail?: string };

/**
 * Requests are written in bulk: one statement for up to FLUSH_AT requests, or for those of the last
 * FLUSH_MS, written by the next request after it (or when the panel reads the activity). No timer:
 * nothing runs after Strapi stops; the few requests of an instance's last second may be lost.
 */
const FLUSH_MS = 1000;
const FLUSH_AT = 200;

export const createActivity = (strapi: Core.Strapi) => {
  const rows = () => strapi.db.query(SCIM_UID.request);
  let pending: Record<string, unknown>[] = [];
  let oldest = 0;

  const flush = async () => {
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    await rows()
      .createMany({ data: batch })
      .catch((error: Error) =>
        strapi.log.warn(`[user-directory-sync] SCIM activity not recorded: ${error.message}`)
      );
  };

  return {
    flush,

    record(entry: Entry) {
      if (!pending.length) oldest = Date.now();
      pending.push({ ...entry, at: new Date(), detail: entry.detail?.slice(0, 500) ?? null });
      if (pending.length >= FLUSH_AT || Date.now() - oldest >= FLUSH_MS) void flush();
    },

    async summary(directoryId: number, now = new Date()): Promise<ActivitySummary> {
      await flush();
      const since = new Date(now.getTime() - HOURS * 3600_000);
      const recent = (await rows().findMany({
        where: { directoryId, at: { $gte: since } },
        select: ['at', 'status'],
      })) as { at: string | Date; status: number }[];
      const hours = new Map<string, { requests: number; errors: number }>();
      for (const row of recent) {
        const hour = new Date(row.at);
        hour.setUTCMinutes(0, 0, 0);
        const key = hour.toISOString();
        const bucket = hours.get(key) ?? { requests: 0, errors: 0 };
        bucket.requests += 1;
        if (row.status >= 400) bucket.errors += 1;
        hours.set(key, bucket);
      }
      const errors = (await rows().findMany({
        where: { directoryId, status: { $gte: 400 } },
        orderBy: { id: 'desc' },
        limit: 10,
      })) as {
        at: string | Date;
        method: string;
        path: string;
        status: number;
        detail: string | null;
      }[];
      const last = (await rows().findOne({
        where: { directoryId },
        orderBy: { id: 'desc' },
        select: ['at'],
      })) as { at: string | Date } | null;
      return {
        hours: [...hours.entries()]
          .sort(([a], [b]) => b.localeCompare(a))
          .map(([hour, counts]) => ({ hour, ...counts })),
        lastErrors: errors.map((row) => ({
          at: new Date(row.at).toISOString(),
          method: row.method,
          path: row.path,
          status: row.status,
          detail: row.detail ?? '',
        })),
        lastRequestAt: last ? new Date(last.at).toISOString() : null,
      };
    },
  };
};

const shared = new WeakMap<Core.Strapi, ReturnType<typeof createActivity>>();

/** One activity buffer per Strapi instance, shared by the SCIM endpoint and the admin API. */
export const scimActivity = (strapi: Core.Strapi) => {
  let activity = shared.get(strapi);
  if (!activity) {
    activity = createActivity(strapi);
    shared.set(strapi, activity);
  }
  return activity;
};
