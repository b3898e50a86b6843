/**
 * Step 2: groups. A full run reads the groups to sync from the source; a delta round or a push
 * merges the changed groups into the stored snapshot. Then the synced groups' roles are created or
 * renamed, and the snapshot is stored.
 */
import type { DirectoryGroup } from '../../providers/types';
import { membershipsOf, planRenames, planRoles, regrouped } from '../plan';
import type { RunContext, RunState } from '../state';
import { loadStoredGroups, roleNames } from '../store';

const addGroup = (state: RunState, group: DirectoryGroup) => {
  state.groups.set(group.externalId, {
    name: group.name,
    description: group.description,
    members: group.members,
    ...(group.directMembers ? { directMembers: group.directMembers } : {}),
    ...(group.parents?.length ? { parents: group.parents } : {}),
    roleId: state.roleLinks.get(group.externalId)?.targetId ?? null,
  });
};

/** Full runs: every group to sync, with its members, as the source lists them now. */
export const readGroups = async (ctx: RunContext, state: RunState) => {
  for await (const page of ctx.provider.listSyncGroups()) {
    ctx.checkCancel();
    for (const group of page) {
      addGroup(state, group);
      state.changedGroups.add(group.externalId);
    }
  }
  state.memberships = membershipsOf(state.groups);
};

/** Delta rounds and pushes: the snapshot stored by the last run. */
export const loadGroups = async (ctx: RunContext, state: RunState) => {
  state.groupRows = await loadStoredGroups(ctx.strapi, ctx.directory.id, (group) =>
    addGroup(state, group)
  );
  state.memberships = membershipsOf(state.groups);
};

/**
 * Merges changed groups into the snapshot; returns the users whose set of groups changed (their
 * roles are re-planned even when their own record did not change).
 */
export const mergeGroups = (state: RunState, changed: DirectoryGroup[]): string[] => {
  const touched: string[] = [];
  // Loops, not push(...): a changed group of a million members is past V8's argument limit
  // (a RangeError stopped the 1 % round of the million-person benchmark).
  for (const group of changed) {
    for (const member of state.groups.get(group.externalId)?.members ?? []) touched.push(member);
    for (const member of group.members) touched.push(member);
  }
  const before = state.memberships;
  for (const group of changed) {
    addGroup(state, group);
    state.changedGroups.add(group.externalId);
  }
  state.memberships = membershipsOf(state.groups);
  return regrouped(touched, before, state.memberships);
};

/** Roles of the synced groups: kept, created where missing, renamed with their group. */
export const syncRoles = async (ctx: RunContext, state: RunState) => {
  const { target, applier } = ctx;
  const synced = [...state.groups.entries()].filter(([, group]) => ctx.groupFilter(group.name));
  const linked = [...state.roleLinks.values()]
    .map((link) => link.targetId)
    .filter((id): id is number => id !== null);
  const plan = planRoles(synced, state.roleLinks, await target.existingRoleIds(linked));
  const created = await applier.applyRoles(plan, state.roleLinks, ctx.directory.name);
  for (const [externalId, group] of synced) {
    group.roleId = plan.kept.get(externalId) ?? created.get(externalId) ?? null;
    if (created.has(externalId)) {
      state.roleLinks.set(externalId, {
        rowId: state.roleLinks.get(externalId)?.rowId ?? 0,
        targetId: created.get(externalId) as number,
      });
    }
  }
  const syncedIds = new Set(synced.map(([id]) => id));
  for (const [externalId, group] of state.groups)
    if (!syncedIds.has(externalId)) group.roleId = null;

  const ids = synced.map(([, g]) => g.roleId).filter((id): id is number => id !== null);
  const renames = planRenames(
    synced.map(([, g]) => g),
    await roleNames(ctx.strapi, target, ids)
  );
  await applier.applyRenames(renames);
  state.counts.roleChanges += plan.create.length + renames.length;
  state.counts.groups = synced.length;
};

/** Stores the snapshot; a full run also removes the groups the source no longer lists. */
export const storeGroups = async (ctx: RunContext, state: RunState, removeGone: boolean) => {
  state.groupRows = await ctx.applier.saveGroups(
    [...state.groups.entries()],
    ctx.groupFilter,
    removeGone,
    ctx.directory.name
  );
};
