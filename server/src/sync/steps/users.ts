/**
 * Step 3: one page of users. Each record is mapped (data mapping, required fields), checked for
 * duplicates, resolved to the planned user (roles, hash), planned against the stored row, guarded
 * (the target's refusals, the licence limit) and applied in one transaction. Disables are held back
 * for the end of the run, where the threshold decides (steps/leavers.ts).
 */
import type { DirectoryUser } from '../../providers/types';
import { mapUser } from '../map';
import {
  chooseRoles,
  guardPage,
  planPage,
  resolvePlannedUser,
  type PlanEntry,
  type PlannedUser,
} from '../plan';
import type { RunContext, RunState } from '../state';
import { managedRoleIds } from './load-state';

/** Disables the target refuses (admin users: the acting admin, the last super admin). */
export const screenDisables = async (ctx: RunContext, ids: number[]) =>
  ids.length && ctx.target.screenDisables
    ? ctx.target.screenDisables(ids, ctx.actor)
    : new Map<number, string>();

export const syncUsers = async (ctx: RunContext, state: RunState, users: DirectoryUser[]) => {
  ctx.checkCancel();
  const { target } = ctx;
  state.counts.seen += users.length;
  const planned: PlannedUser[] = [];
  const skips: PlanEntry[] = [];
  const passwords = new Map<string, string>();
  for (const user of users) {
    state.seen.add(user.externalId);
    const mapped = mapUser(user, ctx.mapping, undefined, ctx.passwordDigest);
    if (!mapped.ok) {
      skips.push({
        action: 'skip',
        externalId: mapped.externalId,
        subject: mapped.subject,
        reason: `${mapped.reason} (${mapped.origin})`,
      });
      continue;
    }
    const duplicate = state.duplicate(mapped.user);
    if (duplicate) {
      skips.push({
        action: 'skip',
        externalId: null,
        subject: mapped.user.subject,
        reason: duplicate,
      });
      continue;
    }
    const wantsPassword = ctx.passwordMode !== 'none' && mapped.password;
    if (wantsPassword) passwords.set(user.externalId, mapped.password as string);
    state.managers.set(user.externalId, mapped.user.managerExternalId);
    const groupIds = [
      ...new Set([
        ...mapped.user.groupExternalIds,
        ...(state.memberships.get(user.externalId) ?? []),
      ]),
    ];
    const roles = chooseRoles(
      groupIds,
      state.mappedRoles,
      state.groups,
      target.singleRole,
      state.defaultRoles
    );
    planned.push(
      resolvePlannedUser(
        { ...mapped.user, passwordDigest: wantsPassword ? mapped.user.passwordDigest : null },
        {
          targetFields: ctx.targetFields,
          roleIds: roles.roleIds,
          roleReason: roles.reason,
          hasManager: target.hasManager,
        }
      )
    );
  }

  const targetIdOf = (user: PlannedUser) => state.identities.get(user.externalId)?.targetId;
  const current = await target.loadUsers(
    planned.map(targetIdOf).filter((id): id is number => typeof id === 'number'),
    ctx.fieldNames
  );
  const unlinked = planned.filter((user) => !current.has(targetIdOf(user) ?? -1));
  const localMatches = await target.findByLogin(
    unlinked.map((user) => user.fields.username as string),
    unlinked.map((user) => user.fields.email).filter((email): email is string => !!email)
  );
  const pagePlan = planPage(planned, {
    identities: state.identities,
    current,
    localMatches,
    policy: {
      loginProvider: target.loginProvider,
      managedRoleIds: managedRoleIds(state),
      protectedRoleIds: state.protectedRoleIds,
      singleRole: target.singleRole,
    },
  });
  const refusals = await screenDisables(
    ctx,
    pagePlan.flatMap((entry) => (entry.action === 'disable' ? [entry.targetId] : []))
  );
  const guarded = guardPage(pagePlan, refusals, state.licenceLeft);
  state.licenceLeft = guarded.licenceLeft;
  state.notCreated.push(...guarded.notCreated);

  const now: PlanEntry[] = [...skips];
  const held: PlanEntry[] = [];
  for (const entry of guarded.entries) {
    if (entry.action === 'disable') {
      state.pendingDisables.push(entry);
      held.push(entry);
    } else now.push(entry);
  }
  await applyEntries(ctx, state, now, passwords);
  state.done += users.length;
  /** The page's plan: applied entries, then the disables waiting for the threshold. */
  return [...now, ...held];
};

/** Writes planned entries through the applier and keeps the state's identity index in step. */
export const applyEntries = async (
  ctx: RunContext,
  state: RunState,
  entries: PlanEntry[],
  passwords: ReadonlyMap<string, string> = new Map()
) => {
  const rowIds = new Map<string, number>();
  const adopted: string[] = [];
  for (const entry of entries) {
    if (entry.action === 'skip') continue;
    const identity = state.identities.get(entry.user.externalId);
    if (identity?.rowId && identity.rowId > 0) rowIds.set(entry.user.externalId, identity.rowId);
    if (identity?.adopted) adopted.push(entry.user.externalId);
  }
  ctx.applier.setIdentityRows(rowIds, adopted);
  const { identities: written, created } = await ctx.applier.applyPage(entries, passwords);
  for (const externalId of created.keys()) state.createdThisRun.add(externalId);
  for (const update of written) {
    const existing = state.identities.get(update.externalId);
    state.identities.set(update.externalId, {
      rowId: existing?.rowId ?? -1,
      externalId: update.externalId,
      targetId: update.targetId,
      hash: update.hash,
      state: update.state,
      passwordDigest: update.passwordDigest ?? existing?.passwordDigest ?? null,
      ...(update.adopted ? { adopted: true } : {}),
    });
  }
};
