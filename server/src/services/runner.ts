/**
 * Runs: starts a sync in the background under the directory's lease, records progress and the
 * outcome on the sync-run row, and lets an admin (or shutdown) cancel it between pages.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { UID, type SyncRunTrigger } from '../constants';
import { runSync } from '../sync/run';
import { runPush, type PushOutcome } from '../sync/push';
import type { DirectoryChanges, DirectoryProvider } from '../providers/types';
import { EMPTY_COUNTS, serializeRun } from '../sync/result';
import { describeError, isSyncError } from '../providers/errors';
import { LeaseLostError, createLease } from '../sync/lease';
import { createAdminTarget } from '../sync/targets/admin';
import { createUsersPermissionsTarget } from '../sync/targets/users-permissions';
import type { SyncTarget } from '../sync/targets/types';
import { getConfig, getService } from '../utils/get-service';

export type StartOptions = {
  trigger: SyncRunTrigger;
  dryRun?: boolean;
  confirm?: boolean;
  actor: string;
  forceFull?: boolean;
};

/** Thrown when the directory already has a run in progress (the API answers 409). */
export class RunInProgressError extends Error {
  constructor(directoryName: string) {
    super(`A run of directory '${directoryName}' is already in progress.`);
    this.name = 'RunInProgressError';
  }
}

export const createRunnerService = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const active = new Map<number, { controller: AbortController; done: Promise<void> }>();
  const lease = () => createLease(strapi, owner, getConfig(strapi).leaseSeconds);
  const runs = () => strapi.db.query(UID.syncRun);

  /** The target a directory writes: users-permissions users, or admin users. */
  const targetFor = (
    target: string,
    loginProvider: string,
    options: Record<string, unknown> = {}
  ): SyncTarget =>
    target === 'admin'
      ? createAdminTarget(
          strapi,
          typeof options.adminDefaultRole === 'string' ? options.adminDefaultRole : 'strapi-editor'
        )
      : createUsersPermissionsTarget(strapi, loginProvider);

  /** Records the outcome: the first statement of its transaction, a write (see `start`). */
  const finish = async (runId: number, data: Record<string, unknown>) => {
    await runs().updateMany({
      where: { id: runId },
      data: { ...data, finishedAt: new Date(), phase: 'done' },
    });
  };

  const execute = async (
    runId: number,
    directoryId: number,
    options: StartOptions,
    controller: AbortController
  ) => {
    const { signal } = controller;
    const audit = getService('audit', { strapi });
    const directories = getService('directories', { strapi });
    const directory = await directories.findRow(directoryId);
    const base = { directoryId, runId, actor: options.actor };
    // A lost lease aborts the run with a LeaseLostError as the reason (see the catch below).
    const stopRenewal = lease().keepAlive(directoryId, runId, controller);
    // A cancel asked through another instance is a flag on the run row: look at it every 2 s.
    const cancelWatch = setInterval(() => {
      runs()
        .findOne({ where: { id: runId }, select: ['cancelRequested'] })
        .then(
          (row: { cancelRequested?: boolean } | null) => {
            if (row?.cancelRequested) controller.abort();
          },
          () =>
            strapi.log.warn(`[user-directory-sync] run ${runId}: reading its cancel flag failed`)
        );
    }, 2000);
    const log = {
      debug: (message: string) => strapi.log.debug(message),
      info: (message: string) => strapi.log.info(message),
      warn: (message: string) => strapi.log.warn(message),
    };
    const lastProgress = { phase: '', at: 0 };
    let provider: DirectoryProvider | null = null;
    try {
      // Refuses settings that are not valid, and secrets saved for another endpoint (StopSyncError).
      provider = directories.provider(directory, { log, signal });
      const outcome = await runSync({
        strapi,
        directory,
        provider,
        target: targetFor(directory.target, directory.loginProvider, directory.options ?? {}),
        runId,
        dryRun: !!options.dryRun,
        confirm: !!options.confirm,
        actor: options.actor,
        signal,
        forceFull: !!options.forceFull,
        batchSize: getConfig(strapi).batchSize,
        sharedPassword:
          getService('secrets', { strapi }).open(directory.secrets).defaultPassword ?? null,
        passwordDigest: (password) => getService('secrets', { strapi }).keyedDigest(password),
        record: (entries) => audit.record(entries),
        log,
        progress: async (phase, done, total, estimated) => {
          // At most one write a second while the phase stays the same (a new total always).
          const now = Date.now();
          const same = phase === lastProgress.phase && phase !== 'done' && estimated === undefined;
          if (same && now - lastProgress.at < 1000) return;
          Object.assign(lastProgress, { phase, at: now });
          // At the end the total is what was read: no longer an estimate.
          const flag = estimated ?? (phase === 'done' ? false : undefined);
          await runs().update({
            where: { id: runId },
            data: { phase, done, total, ...(flag === undefined ? {} : { estimated: flag }) },
          });
        },
      });
      // The outcome, the directory's cursor and the run.finish entry commit together or not at all.
      await strapi.db.transaction(async () => {
        await finish(runId, {
          status: outcome.status,
          counts: outcome.counts,
          mode: outcome.mode,
          error:
            outcome.message && outcome.status !== 'succeeded'
              ? { code: outcome.status, message: outcome.message }
              : null,
        });
        if (!options.dryRun) {
          const now = new Date();
          await strapi.db.query(UID.directory).update({
            where: { id: directoryId },
            data: {
              lastRunAt: now,
              // Only a complete run moves the source's cursor: a held or licence-stopped run must be
              // read again in full (a confirmed CSV would otherwise look "unchanged").
              ...(outcome.state && outcome.status === 'succeeded' ? { state: outcome.state } : {}),
              ...(outcome.mode === 'full' ? { lastFullSyncAt: now } : {}),
            },
          });
        }
        await audit.record([
          {
            ...base,
            action: 'run.finish',
            subject: directory.name,
            details: { status: outcome.status, counts: outcome.counts, message: outcome.message },
          },
        ]);
      });
    } catch (error) {
      // Aborted by a lost lease: the reason says so, whatever the engine threw on its way out.
      const described = describeError(
        signal.reason instanceof LeaseLostError ? signal.reason : error
      );
      const cancelled = described.code === 'cancelled';
      strapi.log.warn(
        `[user-directory-sync] run ${runId} of '${directory.name}' ${cancelled ? 'was cancelled' : 'failed'}: ${described.message}`
      );
      // An unexpected error: where it happened, for the server log, without its message (a
      // database error's text may hold row values).
      if (!isSyncError(error) && error instanceof Error && error.stack)
        strapi.log.error(
          `[user-directory-sync] run ${runId}: unexpected ${error.name}\n${error.stack.split('\n').slice(1).join('\n')}`
        );
      const current = (await runs().findOne({ where: { id: runId } })) as Record<
        string,
        unknown
      > | null;
      await strapi.db.transaction(async () => {
        await finish(runId, {
          status: cancelled ? 'cancelled' : 'failed',
          error: described,
          counts: current?.counts ?? EMPTY_COUNTS,
        });
        await audit.record([
          { ...base, action: 'run.fail', subject: directory.name, details: { error: described } },
        ]);
      });
    } finally {
      stopRenewal();
      clearInterval(cancelWatch);
      await provider?.close?.();
      await lease().release(directoryId, runId);
    }
  };

  return {
    owner,
    targetFor,

    /** Starts a run in the background; throws RunInProgressError when one is already going. */
    async start(directoryId: number, options: StartOptions) {
      const directory = await getService('directories', { strapi }).findRow(directoryId);
      await this.recoverExpired();
      const run = (await runs().create({
        data: {
          directoryId,
          trigger: options.trigger,
          dryRun: !!options.dryRun,
          confirm: !!options.confirm,
          status: 'queued',
          phase: 'fetching',
          startedAt: new Date(),
          counts: EMPTY_COUNTS,
          actor: options.actor,
          owner,
        },
      })) as Record<string, unknown>;
      const runId = run.id as number;
      if (!(await lease().acquire(directoryId, runId))) {
        await runs().delete({ where: { id: runId } });
        throw new RunInProgressError(directory.name);
      }
      // The run's status and its run.start entry commit together. The transaction's first statement
      // is a write (updateMany, no read before it): on SQLite a transaction that reads first and
      // then writes while another process writes fails at once with "database is locked" instead
      // of waiting for the lock.
      try {
        await strapi.db.transaction(async () => {
          await runs().updateMany({ where: { id: runId }, data: { status: 'running' } });
          await getService('audit', { strapi }).record([
            {
              directoryId,
              runId,
              actor: options.actor,
              action: 'run.start',
              subject: directory.name,
              details: { trigger: options.trigger, dryRun: !!options.dryRun },
            },
          ]);
        });
      } catch (error) {
        // A run that did not start leaves nothing behind: no queued row holding the lease.
        await lease().release(directoryId, runId);
        await runs().delete({ where: { id: runId } });
        throw error;
      }
      const controller = new AbortController();
      const done = execute(runId, directoryId, options, controller)
        .catch((error) => {
          strapi.log.error(`[user-directory-sync] run ${runId}: ${describeError(error).message}`);
        })
        .finally(() => active.delete(runId));
      active.set(runId, { controller, done });
      return serializeRun({ ...run, status: 'running' });
    },

    /**
     * Applies changes pushed by the directory (SCIM) through the same steps as a delta round. No
     * lease: pushes for different people run side by side.
     */
    async push(
      directoryId: number,
      changes: DirectoryChanges,
      options: { actor: string; origin: string; confirm?: boolean }
    ): Promise<PushOutcome> {
      const directory = await getService('directories', { strapi }).findRow(directoryId);
      const audit = getService('audit', { strapi });
      const secrets = getService('secrets', { strapi });
      return runPush({
        strapi,
        directory,
        target: targetFor(directory.target, directory.loginProvider, directory.options ?? {}),
        dryRun: false,
        confirm: !!options.confirm,
        actor: options.actor,
        origin: options.origin,
        changes,
        record: (entries) => audit.record(entries),
        progress: async () => {},
        sharedPassword: secrets.open(directory.secrets).defaultPassword ?? null,
        passwordDigest: (password) => secrets.keyedDigest(password),
        batchSize: getConfig(strapi).batchSize,
        log: { info: (message: string) => strapi.log.info(message) },
        createHeldRun: async () => {
          const now = new Date();
          const run = (await runs().create({
            data: {
              directoryId,
              trigger: 'push',
              mode: 'push',
              status: 'held-safety-threshold',
              phase: 'done',
              startedAt: now,
              finishedAt: now,
              counts: EMPTY_COUNTS,
              actor: options.actor,
              owner,
            },
          })) as { id: number };
          return run.id;
        },
      });
    },

    /**
     * Confirms the held deactivations of pushes: applies every held `user.disable` of the
     * directory's held push runs, past the threshold, and closes those runs.
     */
    async confirmPushes(directoryId: number, actor: string): Promise<PushOutcome | null> {
      const held = (await runs().findMany({
        where: { directoryId, trigger: 'push', status: 'held-safety-threshold' },
        select: ['id'],
      })) as { id: number }[];
      if (!held.length) return null;
      const entries = (await strapi.db.query(UID.planEntry).findMany({
        where: { runId: { $in: held.map((run) => run.id) }, action: 'user.disable' },
        select: ['externalId'],
      })) as { externalId: string | null }[];
      const externalIds = [...new Set(entries.map((entry) => entry.externalId))].filter(
        (id): id is string => !!id
      );
      const outcome = await this.push(
        directoryId,
        {
          users: [],
          groups: [],
          removed: externalIds.map((externalId) => ({ externalId, reason: 'changed' as const })),
        },
        { actor, origin: 'confirm held deactivations', confirm: true }
      );
      await runs().updateMany({
        where: { id: { $in: held.map((run) => run.id) } },
        data: { status: 'succeeded', confirm: true },
      });
      return outcome;
    },

    /** Asks a run to stop between two pages. */
    async cancel(runId: number) {
      const run = (await runs().findOne({ where: { id: runId } })) as Record<
        string,
        unknown
      > | null;
      if (!run) return null;
      active.get(runId)?.controller.abort();
      if (!active.has(runId) && (run.status === 'running' || run.status === 'queued')) {
        await runs().update({ where: { id: runId }, data: { cancelRequested: true } });
      }
      return serializeRun(run);
    },

    /** Waits for a run of this instance to end (tests, shutdown). */
    async wait(runId: number) {
      await active.get(runId)?.done;
    },

    /** Marks runs whose instance died (lease expired while running) as failed. */
    async recoverExpired() {
      for (const { directoryId, runId } of await lease().expiredRuns()) {
        if (active.has(runId)) continue;
        await runs().update({
          where: { id: runId, status: { $in: ['queued', 'running'] } },
          data: {
            status: 'failed',
            finishedAt: new Date(),
            error: {
              code: 'interrupted',
              message: 'The run was interrupted: the Strapi instance running it stopped.',
            },
          },
        });
        await lease().clear(directoryId, runId);
      }
    },

    /** Graceful shutdown: cancel running syncs and wait for them, at most `timeoutMs`. */
    async shutdown(timeoutMs = 10000) {
      for (const { controller } of active.values()) controller.abort();
      const all = Promise.all([...active.values()].map((run) => run.done));
      await Promise.race([all, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    },
  };
};

export type RunnerService = ReturnType<typeof createRunnerService>;
