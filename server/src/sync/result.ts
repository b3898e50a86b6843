/** A run as the API shows it: status, progress and counts (after Keycloak's SynchronizationResult). */
import type { Runs } from '../../../shared/contracts';

export const EMPTY_COUNTS = {
  seen: 0,
  created: 0,
  updated: 0,
  disabled: 0,
  enabled: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
  groups: 0,
  roleChanges: 0,
  conflicts: 0,
} satisfies Required<Runs.Counts>;

/** The contract's `Runs.Run` (shared/contracts) from a sync-run row. */
export const serializeRun = (row: Record<string, unknown>): Runs.Run => ({
  id: row.id as number,
  directory: row.directoryId as number,
  trigger: row.trigger as Runs.Trigger,
  dryRun: Boolean(row.dryRun),
  mode: row.mode as string,
  status: row.status as Runs.Status,
  startedAt: row.startedAt ? new Date(row.startedAt as string).toISOString() : null,
  finishedAt: row.finishedAt ? new Date(row.finishedAt as string).toISOString() : null,
  progress: {
    phase: row.phase as Runs.Phase,
    done: Number(row.done ?? 0),
    total: (row.total as number | null) ?? null,
    estimated: Boolean(row.estimated),
  },
  counts: { ...EMPTY_COUNTS, ...((row.counts as object) ?? {}) },
  error: (row.error as { code: string; message: string } | null) ?? null,
  actor: (row.actor as string | null) ?? null,
});
