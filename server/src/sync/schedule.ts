/** Cron helpers: when a directory's schedule next fires. */
import cron from 'node-cron';

const MINUTE = 60_000;
/**
 * Look ahead at most eight years and a day: a schedule that fires only on 29 February still fires
 * within it (even across a century year that is not a leap year).
 */
const HORIZON_DAYS = 8 * 366 + 1;

const sortedNumbers = (values: (number | string)[]) =>
  values.filter((value): value is number => typeof value === 'number').sort((a, b) => a - b);

/**
 * The first minute strictly after `from` at which `expression` (5 fields: minute hour day month
 * weekday) fires, or null if it is invalid or never fires (e.g. `0 0 30 * 1#1`).
 *
 * Walks day by day, not minute by minute: at most one match per day of the horizon, plus the
 * minutes of the first matching day, so even a schedule that never fires is answered in a few
 * milliseconds and never blocks the event loop.
 */
export const nextRunAfter = (expression: string, from: Date): Date | null => {
  if (typeof expression !== 'string' || expression.trim().split(/\s+/).length !== 5) return null;
  if (!cron.validate(expression)) return null;
  const fields = cron.parse(expression);
  const hours = sortedNumbers(fields.hour);
  const minutes = sortedNumbers(fields.minute);
  if (!hours.length || !minutes.length) return null;
  const task = cron.createTask(expression, () => undefined);
  try {
    const after = Math.floor(from.getTime() / MINUTE) * MINUTE;
    const start = new Date(after);
    for (let day = 0; day < HORIZON_DAYS; day += 1) {
      const date = (hour: number, minute: number) =>
        new Date(start.getFullYear(), start.getMonth(), start.getDate() + day, hour, minute);
      // The day fields decide at the day's first candidate time: the time fields match by construction.
      if (!task.match(date(hours[0], minutes[0]))) continue;
      for (const hour of hours) {
        for (const minute of minutes) {
          const candidate = date(hour, minute);
          if (candidate.getTime() > after && task.match(candidate)) return candidate;
        }
      }
    }
    return null;
  } finally {
    void task.destroy();
  }
};
