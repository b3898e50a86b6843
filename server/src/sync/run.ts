/**
 * One run, as the list of its steps. Full runs, delta rounds and pushes (push.ts) differ only in
 * what feeds the same steps:
 *
 *   loadState                       identity links, roles, active users before, licence room
 *   full:  readGroups               the groups to sync, from the source
 *          syncRoles, storeGroups   roles created / renamed, the group snapshot stored
 *          syncUsers (per batch)    map -> plan -> guard -> apply, one transaction per batch
 *          planLeavers              only after a complete enumeration
 *   delta: loadGroups               the stored snapshot
 *          per page of changes:     mergeGroups, syncRoles, storeGroups, syncUsers,
 *                                   reassignRoles; removals gathered for the whole round
 *   disableLeavers                  the threshold decided once, on every disable of the run
 *   tail                            managers, group memberships; delta rounds heal
 *                                   hand-blocked users
 *
 * Decisions are the planner's (plan/), writes the applier's (apply.ts, targets/).
 */
import type { Core } from '@strapi/strapi';
import { CancelledError, DeltaExpiredError } from '../providers/errors';
import type { DirectoryChanges, DirectoryProvider, DirectoryUser } from '../providers/types';
import type { AuditInput } from '../services/audit';
import type { DirectoryRow } from '../services/directories';
import { DEFAULT_GROUP_SYNC, DEFAULT_SAFETY } from '../services/directories';
import { createApplier } from './apply';
import {
  groupFilterOf,
  licenceMessage,
  passwordMode,
  planLeavers,
  planRemovals,
  type PasswordPolicy,
} from './plan';
import type { Progress, RunContext, RunCounts, RunMode, RunState, RunStatus } from './state';
import { loadGroups, mergeGroups, readGroups, storeGroups, syncRoles } from './steps/groups';
import { disableLeavers } from './steps/leavers';
import { applyMemberships } from './steps/memberships';
import { loadState } from './steps/load-state';
import { applyManagers, healBlocked, reassignRoles } from './steps/tail';
import { syncUsers } from './steps/users';
import { runTotal } from './store';
import type { SyncTarget } from './targets/types';
import { readAhead } from '../utils/read-ahead';

export type { RunCounts } from './state';

export type RunOutcome = {
  status: RunStatus;
  counts: RunCounts;
  mode: RunMode;
  message: string | null;
  /** Provider state to store for the next run (delta links, file fingerprint). */
  state: Record<string, unknown> | null;
};

export type EngineOptions = {
  strapi: Core.Strapi;
  directory: DirectoryRow;
  provider: DirectoryProvider;
  target: SyncTarget;
  /** The run row (null for a push until it is held). */
  runId: number | null;
  /** Added to every audit entry's details (a push's request). */
  details?: Record<string, unknown>;
  dryRun: boolean;
  confirm: boolean;
  actor: string;
  signal: AbortSignal;
  record: (entries: AuditInput[]) => Promise<void>;
  progress: Progress;
  /** The directory's shared password (a secret), used only with passwordPolicy 'shared'. */
  sharedPassword: string | null;
  /** Keyed digest of a source password (change detection). */
  passwordDigest: (password: string) => string;
  /** Users per transaction (pages are gathered up to this size). */
  batchSize: number;
  /** Ignore the saved delta state and enumerate everything. */
  forceFull: boolean;
  log: { info(message: string): void };
};

/** The run's fixed context: settings resolved once, the writer made once. */
export const createRunContext = (options: EngineOptions): RunContext => {
  const { directory, target } = options;
  const safety = { ...DEFAULT_SAFETY, ...(directory.safety ?? {}) };
  const groupSync = directory.groupSync ?? DEFAULT_GROUP_SYNC;
  const mapping = directory.mapping ?? [];
  const targetFields = new Set(target.mappableFields());
  const policy = ((directory.options ?? {}) as { passwordPolicy?: PasswordPolicy }).passwordPolicy;
  const mode = passwordMode({
    targetTakesPasswords: target.takesPasswords,
    loginProvider: target.loginProvider,
    policy: policy ?? 'random',
    hasSharedPassword: !!options.sharedPassword,
  });
  return {
    strapi: options.strapi,
    directory,
    provider: options.provider,
    target,
    applier: createApplier({
      strapi: options.strapi,
      target,
      directoryId: directory.id,
      runId: options.runId,
      dryRun: options.dryRun,
      actor: options.actor,
      record: options.record,
      details: options.details,
      passwords: { mode, sharedPassword: options.sharedPassword },
    }),
    dryRun: options.dryRun,
    confirm: options.confirm,
    actor: options.actor,
    safety: {
      maxDisablePercent: safety.maxDisablePercent,
      licenceLimit: safety.licenceLimit ?? null,
      onLeave: safety.onLeave,
      pushWindowMinutes: (safety as { pushWindowMinutes?: number }).pushWindowMinutes ?? 60,
    },
    groupSync,
    groupFilter: groupFilterOf(groupSync),
    mapping,
    fieldNames: [
      ...new Set([
        'username',
        'email',
        'firstname',
        'lastname',
        'displayName',
        ...mapping.map((row) => row.target),
      ]),
    ].filter((name) => targetFields.has(name)),
    targetFields,
    passwordMode: mode,
    passwordDigest: options.passwordDigest,
    batchSize: options.batchSize,
    progress: options.progress,
    log: options.log,
    checkCancel: () => {
      if (options.signal.aborted) throw new CancelledError();
    },
  };
};

export const runSync = async (options: EngineOptions): Promise<RunOutcome> => {
  const started = Date.now();
  const ctx = createRunContext(options);
  const { provider, directory } = ctx;
  let state = await loadState(ctx, 'full');

  if (deltaPossible(options)) {
    try {
      state.mode = 'delta';
      await deltaRound(ctx, state);
    } catch (error) {
      if (!(error instanceof DeltaExpiredError)) throw error;
      ctx.log.info(
        `[user-directory-sync] ${directory.name}: ${error.message} Running a full sync.`
      );
      state = await loadState(ctx, 'full');
    }
  }
  if (state.mode === 'full') {
    const total = await runTotal(ctx.strapi, directory.id, provider);
    state.total = total?.total ?? null;
    await ctx.progress('fetching', 0, state.total, total?.estimated ?? false);
    if (provider.unchanged?.() === true) {
      ctx.log.info(
        `[user-directory-sync] ${directory.name}: the source has not changed since the last run.`
      );
      await ctx.progress('done', 0, 0);
      return outcome(
        state,
        'The source has not changed since the last run: nothing to do.',
        provider
      );
    }
    await fullEnumeration(ctx, state);
    // Rule 1: only now, after a complete enumeration, may anyone be disabled.
    await ctx.progress('planning', state.done, state.total);
    await disableLeavers(ctx, state, planLeavers(state.identities.values(), state.seen));
  } else {
    await disableLeavers(ctx, state, state.removals);
    await healBlocked(ctx, state, new Set(state.removals.map((leaver) => leaver.externalId)));
  }
  ctx.checkCancel();
  await applyManagers(ctx, state);
  await applyMemberships(ctx, state);
  if (state.notCreated.length && state.status === 'succeeded') {
    state.status = 'stopped-licence-limit';
    state.message = licenceMessage(ctx.safety.licenceLimit, state.notCreated);
  }
  const { counts } = state;
  ctx.log.info(
    `[user-directory-sync] ${directory.name}: read ${counts.seen} users and ${state.groups.size} groups in ${((Date.now() - started) / 1000).toFixed(1)} s (${state.mode}); created ${counts.created}, updated ${counts.updated}, disabled ${counts.disabled}, enabled ${counts.enabled}, unchanged ${counts.unchanged}, skipped ${counts.skipped}.`
  );
  await ctx.progress('done', state.done, state.done);
  return outcome(state, state.message, provider);
};

const deltaPossible = (options: EngineOptions) =>
  !options.forceFull &&
  !!options.provider.changesSince &&
  Object.keys(options.directory.state ?? {}).length > 0 &&
  options.provider.fullSyncDue?.(new Date()) !== true;

const outcome = (
  state: RunState,
  message: string | null,
  provider: DirectoryProvider
): RunOutcome => ({
  status: state.status,
  counts: state.counts,
  mode: state.mode,
  message,
  state: provider.nextState?.() ?? null,
});

/** Full runs: groups, then every user in batches of `batchSize` (one transaction per batch). */
const fullEnumeration = async (ctx: RunContext, state: RunState) => {
  await readGroups(ctx, state);
  await syncRoles(ctx, state);
  await storeGroups(ctx, state, true);
  let batch: DirectoryUser[] = [];
  for await (const page of readAhead(ctx.provider.listUsers())) {
    ctx.checkCancel();
    for (const user of page) batch.push(user);
    if (batch.length >= ctx.batchSize) {
      await syncUsers(ctx, state, batch);
      await ctx.progress('fetching', state.done, state.total);
      batch = [];
    }
  }
  if (batch.length) await syncUsers(ctx, state, batch);
  await ctx.progress('fetching', state.done, state.total);
  await recordSourceSkips(ctx, state);
  ctx.checkCancel();
};

/** Records the source left out itself are audited, and their people are not treated as leavers. */
const recordSourceSkips = async (ctx: RunContext, state: RunState) => {
  const skipped = ctx.provider.skipped?.() ?? [];
  for (const record of skipped) if (record.externalId) state.seen.add(record.externalId);
  await ctx.applier.applyPage(
    skipped.map((record) => ({
      action: 'skip',
      externalId: record.externalId,
      subject: record.externalId ?? record.origin,
      reason: `${record.reason} (${record.origin})`,
    }))
  );
};

/** Delta rounds: every page of changes through the same steps; removals wait for the end. */
const deltaRound = async (ctx: RunContext, state: RunState) => {
  await loadGroups(ctx, state);
  for await (const changes of (
    ctx.provider.changesSince as NonNullable<DirectoryProvider['changesSince']>
  )(ctx.directory.state ?? {})) {
    await applyChanges(ctx, state, changes);
    await ctx.progress('fetching', state.done, null);
  }
};

/** One page of changes (a delta round's page, or a push): groups, users, roles, removals. */
export const applyChanges = async (ctx: RunContext, state: RunState, changes: DirectoryChanges) => {
  ctx.checkCancel();
  let regrouped: string[] = [];
  if (changes.groups.length) {
    regrouped = mergeGroups(state, changes.groups);
    await syncRoles(ctx, state);
    await storeGroups(ctx, state, false);
  }
  if (changes.users.length) await syncUsers(ctx, state, changes.users);
  const replanned = new Set(changes.users.map((user) => user.externalId));
  await reassignRoles(
    ctx,
    state,
    regrouped.filter((id) => !replanned.has(id))
  );
  state.removals.push(...planRemovals(changes.removed, state.identities));
};
