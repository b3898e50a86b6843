/**
 * Deactivations the brake holds (the runner's held push runs and their plan entries): what the
 * panel lists for an admin to confirm, and whether one person's deactivation is already waiting,
 * so that the identity provider's retries are answered without holding it again.
 */
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';

export type HeldDeactivation = { externalId: string; subject: string | null; runId: number };

export const createHeld = (strapi: Core.Strapi, directoryId: number) => {
  const heldRunIds = async () =>
    (
      (await strapi.db.query(UID.syncRun).findMany({
        where: { directoryId, trigger: 'push', status: 'held-safety-threshold' },
        select: ['id'],
      })) as { id: number }[]
    ).map((run) => run.id);

  return {
    /** The held deactivations, oldest first, each person once. */
    async list(limit = 200): Promise<HeldDeactivation[]> {
      const runIds = await heldRunIds();
      if (!runIds.length) return [];
      const entries = (await strapi.db.query(UID.planEntry).findMany({
        where: { runId: { $in: runIds }, action: 'user.disable' },
        select: ['externalId', 'subject', 'runId'],
        orderBy: { id: 'asc' },
        limit: limit * 2,
      })) as HeldDeactivation[];
      const seen = new Set<string>();
      return entries
        .filter(
          (entry) => entry.externalId && !seen.has(entry.externalId) && seen.add(entry.externalId)
        )
        .slice(0, limit);
    },

    /** True when this person's deactivation already waits for an admin. */
    async has(externalId: string) {
      const runIds = await heldRunIds();
      if (!runIds.length) return false;
      const count = await strapi.db.query(UID.planEntry).count({
        where: { runId: { $in: runIds }, action: 'user.disable', externalId },
      });
      return Number(count) > 0;
    },
  };
};
