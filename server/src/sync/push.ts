/**
 * Pushed changes (SCIM): the same steps as a delta round, fed by one request's changes. A push
 * loads only the identity links it touches (no scan), takes no directory lease (requests for
 * different people run side by side; two for the same person are serialised by the identity
 * link's unique index and retried), and answers what happened to each person.
 *
 * The brake holds for pushes too: the deactivations applied within the directory's push window
 * plus this push's are compared with the directory's active users; past the threshold the
 * deactivation is not applied but held on a sync-run row (trigger 'push') until an admin confirms.
 */
import type { DirectoryChanges } from '../providers/types';
import type { PlanEntry } from './plan';
import { createRunContext, applyChanges, type EngineOptions } from './run';
import type { RunContext, RunState } from './state';
import { loadGroups } from './steps/groups';
import { disableLeavers } from './steps/leavers';
import { loadState } from './steps/load-state';
import { applyMemberships } from './steps/memberships';
import { applyManagers } from './steps/tail';
import { syncUsers } from './steps/users';
import { countRecentDisables } from './store';

export type PushUserResult =
  | {
      externalId: string;
      outcome: 'created' | 'updated' | 'enabled' | 'disabled' | 'unchanged';
      targetId: number;
    }
  | {
      externalId: string;
      outcome: 'skipped';
      code: 'required' | 'licence' | 'duplicate' | 'invalid' | 'refused';
      reason: string;
    }
  | { externalId: string; outcome: 'conflict'; localUserId: number; reason: string }
  | { externalId: string; outcome: 'held'; reason: string };

export type PushOutcome = { users: PushUserResult[]; heldRunId: number | null };

export type PushOptions = Omit<EngineOptions, 'provider' | 'forceFull' | 'runId' | 'signal'> & {
  changes: DirectoryChanges;
  /** The request, added to every audit entry (e.g. `PATCH /Users/2819c223`). */
  origin: string;
  /** Makes the held run row when the brake holds; returns its id. */
  createHeldRun: () => Promise<number>;
};

const NO_PROVIDER = {
  testConnection: async () => ({ ok: true, message: '', checks: [] }),
  listGroups: async function* () {},
  listSyncGroups: async function* () {},
  listUsers: async function* () {},
};

const skipCode = (reason: string): Extract<PushUserResult, { outcome: 'skipped' }>['code'] => {
  if (reason.startsWith('licence limit')) return 'licence';
  if (reason.startsWith('missing')) return 'required';
  if (reason.startsWith('duplicate')) return 'duplicate';
  if (reason.startsWith('bad email') || reason.startsWith('username')) return 'invalid';
  return 'refused';
};

/** Whether a database error is a unique index refusing a second row (SQLite, PostgreSQL). */
const isUniqueViolation = (error: unknown) => {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint/.test(message ?? '')
  );
};

export const runPush = async (options: PushOptions): Promise<PushOutcome> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await pushOnce(options);
    } catch (error) {
      // Another request created the same person at the same moment: plan again, it is an update.
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
};

const pushOnce = async (options: PushOptions): Promise<PushOutcome> => {
  const { changes } = options;
  let heldRunId: number | null = null;
  const ctx: RunContext = createRunContext({
    ...options,
    provider: NO_PROVIDER,
    forceFull: false,
    runId: null,
    signal: new AbortController().signal,
    details: { origin: options.origin },
  });
  ctx.beforeHold = async () => {
    heldRunId = await options.createHeldRun();
    ctx.applier.attachRun(heldRunId);
  };
  const scope = [
    ...changes.users.flatMap((user) =>
      user.managerExternalId ? [user.externalId, user.managerExternalId] : [user.externalId]
    ),
    ...changes.removed.map((removal) => removal.externalId),
    ...changes.groups.flatMap((group) => group.members),
  ];
  const state = await loadState(ctx, 'push', scope);
  await loadGroups(ctx, state);

  const users = changes.users;
  const planned: PlanEntry[] = users.length ? await syncUsers(ctx, state, users) : [];
  await applyChanges(ctx, state, { users: [], removed: changes.removed, groups: changes.groups });
  const since = new Date(Date.now() - ctx.safety.pushWindowMinutes * 60_000);
  const recent = await countRecentDisables(ctx.strapi, ctx.directory.id, since);
  const removed = new Set(state.removals.map((leaver) => leaver.externalId));
  await disableLeavers(ctx, state, state.removals, recent);
  await applyManagers(ctx, state);
  await applyMemberships(ctx, state);
  return { users: results(state, planned, changes, removed), heldRunId };
};

/** What happened to each person of the push, read from the plan and the state after it. */
const results = (
  state: RunState,
  planned: PlanEntry[],
  changes: DirectoryChanges,
  removed: ReadonlySet<string>
): PushUserResult[] => {
  const held = state.status === 'held-safety-threshold';
  const targetIdOf = (externalId: string) => state.identities.get(externalId)?.targetId ?? -1;
  const out = new Map<string, PushUserResult>();
  for (const entry of planned) {
    if (entry.action === 'skip') {
      if (entry.externalId)
        out.set(entry.externalId, {
          externalId: entry.externalId,
          outcome: 'skipped',
          code: skipCode(entry.reason),
          reason: entry.reason,
        });
      continue;
    }
    const { externalId } = entry.user;
    if (entry.action === 'conflict') {
      out.set(externalId, {
        externalId,
        outcome: 'conflict',
        localUserId: entry.targetId,
        reason: entry.reason,
      });
    } else if (entry.action === 'disable' && held) {
      out.set(externalId, { externalId, outcome: 'held', reason: state.message ?? 'held' });
    } else {
      const outcome = {
        create: 'created',
        update: 'updated',
        enable: 'enabled',
        disable: 'disabled',
        unchanged: 'unchanged',
      } as const;
      out.set(externalId, {
        externalId,
        outcome: outcome[entry.action],
        targetId: targetIdOf(externalId),
      });
    }
  }
  for (const removal of changes.removed) {
    const { externalId } = removal;
    if (held && removed.has(externalId))
      out.set(externalId, { externalId, outcome: 'held', reason: state.message ?? 'held' });
    else
      out.set(externalId, {
        externalId,
        outcome: removed.has(externalId) ? 'disabled' : 'unchanged',
        targetId: targetIdOf(externalId),
      });
  }
  return [...out.values()];
};
