/** Cron helpers: when a directory's schedule next fires. */
import cron from 'node-cron';

const MINUTE = 60_000;
/** Look ahead at most a year and a day (covers yearly schedules and 29 February). */
const HORIZON_MINUTES = 367 * 24 * 60;

/** The first minute strictly after `from` at which `expression` fires, or null if invalid. */
export const nextRunAfter = (expression: string, from: Date): Date | null => {
  if (!cron.validate(expression)) return null;
  const task = cron.createTask(expression, () => undefined);
  try {
    let time = Math.floor(from.getTime() / MINUTE) * MINUTE + MINUTE;
    for (let i = 0; i < HORIZON_MINUTES; i += 1, time += MINUTE) {
      if (task.match(new Date(time))) return new Date(time);
    }
    return null;
  } finally {
    void task.destroy();
  }
};
