/**
 * Step 5, the tail of a run: what needs every user written first. Managers (a manager may be
 * created later in the run than the people who report to them), the roles of users whose groups
 * changed while their records did not (delta rounds, pushes), and hand-blocked users healed.
 */
import { chunks } from '../../db/sql';
import { pickRoles, planHeals, planManagers, rolesFor, wantedRoles } from '../plan';
import type { RunContext, RunState } from '../state';
import { usernamesOf } from '../store';
import { managedRoleIds } from './load-state';

export const applyManagers = async (ctx: RunContext, state: RunState) => {
  if (!ctx.target.hasManager) return;
  const targetIdOf = (externalId: string) =>
    state.identities.get(externalId)?.targetId ?? undefined;
  const ids = [...state.managers.keys()]
    .map(targetIdOf)
    .filter((id): id is number => id !== undefined);
  const current = await ctx.target.loadManagers(ids);
  const changes = planManagers(state.managers, targetIdOf, current, state.createdThisRun);
  const usernames = await usernamesOf(
    ctx.strapi,
    ctx.target,
    changes.filter((change) => change.audit).map((change) => change.id)
  );
  for (const chunk of chunks(changes, 2000)) {
    await ctx.applier.applyManagers(
      chunk.map((change) => ({ ...change, subject: usernames.get(change.id) ?? change.externalId }))
    );
  }
};

/** Re-plans only the roles of directory users whose groups changed (delta rounds, pushes). */
export const reassignRoles = async (ctx: RunContext, state: RunState, externalIds: string[]) => {
  const { target } = ctx;
  const policy = {
    managedRoleIds: managedRoleIds(state),
    protectedRoleIds: state.protectedRoleIds,
    singleRole: target.singleRole,
  };
  for (const chunk of chunks(externalIds, ctx.batchSize)) {
    const byTarget = new Map<number, string>();
    for (const externalId of chunk) {
      const identity = state.identities.get(externalId);
      if (identity?.state === 'active' && identity.targetId !== null)
        byTarget.set(identity.targetId, externalId);
    }
    const current = await target.loadUsers([...byTarget.keys()], ['username']);
    const changes = [];
    for (const [targetId, externalId] of byTarget) {
      const row = current.get(targetId);
      if (!row) continue;
      const picked = pickRoles(
        state.memberships.get(externalId) ?? [],
        state.mappedRoles,
        state.groups,
        target.singleRole
      );
      const to = wantedRoles(row.roleIds, rolesFor(picked, state.defaultRoles), policy);
      const from = [...row.roleIds].sort((a, b) => a - b);
      if (to.length && from.join(',') !== to.join(',')) {
        changes.push({
          targetId,
          externalId,
          subject: row.fields.username ?? externalId,
          from,
          to,
        });
      }
    }
    await ctx.applier.applyRoleChanges(changes);
  }
};

/**
 * Delta rounds: users blocked by hand in Strapi whose directory record is active are re-enabled
 * (a full run does the same through its per-field diff). Users deleted by hand are recreated by
 * the next full run: a delta round has no record to recreate them from.
 */
export const healBlocked = async (
  ctx: RunContext,
  state: RunState,
  /** Users this round removes: never re-enabled, even while their removal is held. */
  removed: ReadonlySet<string>
) => {
  const blocked = await ctx.target.blockedIds();
  if (!blocked.size) return;
  const planned = new Set([...state.seen, ...removed]);
  const heals = planHeals(state.identities.values(), blocked, planned);
  if (!heals.length) return;
  const usernames = await usernamesOf(
    ctx.strapi,
    ctx.target,
    heals.map((heal) => heal.targetId)
  );
  for (const heal of heals) heal.subject = usernames.get(heal.targetId) ?? heal.subject;
  await ctx.applier.applyHeals(heals);
};
