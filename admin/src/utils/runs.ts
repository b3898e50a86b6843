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
