/**
 * The scheduler: one node-cron ticker a minute starts each enabled directory whose next run time has
 * come. Several instances may tick at once: a due time is claimed with a conditional UPDATE (only one
 * instance moves `next_run_at` forward), and the run itself takes the directory's lease.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { nextRunAfter } from '../sync/schedule';
import { tableInfo } from '../db/sql';
import { getConfig, getService } from '../utils/get-service';
import { RunInProgressError } from './runner';

export const createSchedulerService = ({ strapi }: { strapi: Core.Strapi }) => {
  let task: ScheduledTask | null = null;

  /** Moves a due directory's next run forward; true for the one instance that wins the due time. */
  const claim = async (row: Record<string, unknown>, schedule: string, now: Date) => {
    const t = tableInfo(strapi, UID.directory);
    const next = nextRunAfter(schedule, now);
    const updated = await strapi.db
      .connection(t.table)
      .where('id', row.id as number)
      .andWhere(t.column('nextRunAt'), row[t.column('nextRunAt')] as Date)
      .update({ [t.column('nextRunAt')]: next, [t.column('resetRequested')]: false });
    return updated === 1 ? { next } : null;
  };

  /** Gives a won due time back when its run could not start: the next tick starts it. */
  const unclaim = async (row: Record<string, unknown>, next: Date | null) => {
    const t = tableInfo(strapi, UID.directory);
    await strapi.db
      .connection(t.table)
      .where('id', row.id as number)
      .andWhere((q) =>
        next ? q.where(t.column('nextRunAt'), next) : q.whereNull(t.column('nextRunAt'))
      )
      .update({
        [t.column('nextRunAt')]: row[t.column('nextRunAt')] as Date,
        [t.column('resetRequested')]: row[t.column('resetRequested')] as boolean,
      });
  };

  return {
    /** One pass: start every due directory (returns the run ids started by this instance). */
    async tick(now = new Date()): Promise<number[]> {
      const runner = getService('runner', { strapi });
      await runner.recoverExpired();
      const t = tableInfo(strapi, UID.directory);
      const enabled: Record<string, unknown>[] = await strapi.db
        .connection(t.table)
        .select('id', t.column('schedule'), t.column('nextRunAt'), t.column('resetRequested'))
        .where(t.column('enabled'), true)
        // SCIM directories are pushed to by the identity provider, never pulled on a schedule.
        .whereNot(t.column('type'), 'scim')
        .whereNotNull(t.column('nextRunAt'));
      // Compared in JS: the stored form of a datetime differs between SQLite and PostgreSQL.
      const due = enabled.filter(
        (row) => new Date(row[t.column('nextRunAt')] as string).getTime() <= now.getTime()
      );
      const started: number[] = [];
      for (const row of due) {
        const id = Number(row.id);
        const schedule = String(row[t.column('schedule')] ?? '0 * * * *');
        const claimed = await claim(row, schedule, now);
        if (!claimed) continue;
        const trigger = row[t.column('resetRequested')] ? 'reset' : 'schedule';
        try {
          const run = await runner.start(id, { trigger, actor: 'system' });
          started.push(run.id);
        } catch (error) {
          // "Already running" uses up the due time; any other failure started nothing.
          if (!(error instanceof RunInProgressError)) {
            strapi.log.error(
              `[user-directory-sync] could not start directory ${id}: ${(error as Error).message}`
            );
            await unclaim(row, claimed.next);
          }
        }
      }
      return started;
    },

    /** Starts the ticker (bootstrap), unless the plugin config turns it off. */
    start() {
      if (task || !getConfig(strapi).scheduler.enabled) return;
      task = cron.schedule('* * * * *', () => this.tick().then(() => undefined), {
        name: 'user-directory-sync',
        noOverlap: true,
      });
    },

    /** Stops the ticker (destroy). */
    async stop() {
      if (!task) return;
      await task.destroy();
      task = null;
    },

    isRunning: () => task !== null,
  };
};

export type SchedulerService = ReturnType<typeof createSchedulerService>;
