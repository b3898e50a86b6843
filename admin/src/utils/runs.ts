import type { Runs } from '../../../shared/contracts';
import type { MessageKey } from '../hooks/useT';

/** A run still going on: queued or running. */
export const isActive = (run: Pick<Runs.Run, 'status'>) =>
  run.status === 'queued' || run.status === 'running';

type Variant = 'success' | 'danger' | 'warning' | 'neutral' | 'primary';

/** The badge colour of a run status. */
export const statusVariant = (status: Runs.Status): Variant => {
  switch (status) {
    case 'succeeded':
      return 'success';
    case 'failed':
      return 'danger';
    case 'held-safety-threshold':
    case 'stopped-licence-limit':
      return 'warning';
    case 'running':
    case 'queued':
      return 'primary';
    default:
      return 'neutral';
  }
};

/** Seconds between the start and the end (or now) of a run, rounded to a tenth. */
export const durationSeconds = (run: Runs.Run, now = Date.now()): number | null => {
  if (!run.startedAt) return null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return Math.max(0, Math.round((end - Date.parse(run.startedAt)) / 100) / 10);
};

/**
 * The total a progress bar shows, or undefined while it is not known: never less than what was
 * already read (an estimate that was low grows with the run: "1,200 of about 1,200").
 */
export const shownTotal = (progress: Runs.Run['progress']): number | undefined =>
  progress.total ? Math.max(progress.total, progress.done) : undefined;

/** Percent done of a run's current phase (never past 100), or undefined while the total is unknown. */
export const percentDone = (progress: Runs.Run['progress']): number | undefined => {
  const total = shownTotal(progress);
  return total ? Math.min(100, Math.round((progress.done / total) * 100)) : undefined;
};

const SHOWN = ['created', 'updated', 'disabled', 'enabled', 'skipped', 'failed'] as const;

/** "6 created, 1 disabled": the non-zero counts of a run, or "no change". */
export const countsSummary = (
  counts: Runs.Counts,
  t: (id: MessageKey, values?: Record<string, string | number>) => string
) => {
  const parts = SHOWN.filter((key) => counts[key] > 0).map((key) =>
    t(`runs.count.${key}`, { count: counts[key] })
  );
  return parts.length ? parts.join(', ') : t('runs.noChange');
};
