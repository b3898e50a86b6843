/** A running run's progress bar: its total and how far along it is. */
import type { Runs } from '../../../shared/contracts';

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
