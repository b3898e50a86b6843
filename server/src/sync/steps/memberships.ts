/**
 * The tail's memberships step: the directory's groups as data. After the users are written, the
 * links between group rows and user rows (direct memberships) and between nested groups are
 * brought in line with the snapshot: all groups in a full run; in a delta round or a push only the
 * changed groups and those a user created in this round belongs to.
 */
import { diffLinks, groupsToRelink, wantedLinks } from '../plan';
import type { RunContext, RunState } from '../state';
import { loadIdentities, readParentLinks } from '../store';

export const applyMemberships = async (ctx: RunContext, state: RunState) => {
  const relink = groupsToRelink(state.groups, state.changedGroups, state.createdThisRun);
  if (!relink.length) return;
  const rows = relink
    .map((externalId) => state.groupRows.get(externalId))
    .filter((id): id is number => id !== undefined);
  // A push holds only the links it touched: read the other members of these groups.
  const missing = relink.flatMap((externalId) => {
    const group = state.groups.get(externalId);
    return (group?.directMembers ?? group?.members ?? []).filter((m) => !state.identities.has(m));
  });
  if (missing.length) {
    const { users } = await loadIdentities(ctx.strapi, ctx.directory.id, missing);
    for (const [externalId, identity] of users) state.identities.set(externalId, identity);
  }
  const userRowOf = (externalId: string) => state.identities.get(externalId)?.targetId ?? undefined;
  const wanted = wantedLinks(
    relink.map((externalId) => [externalId, state.groups.get(externalId)!] as const),
    (externalId) => state.groupRows.get(externalId),
    userRowOf
  );
  const current = await ctx.target.readGroupLinks(rows);
  const currentParents = await readParentLinks(ctx.strapi, rows);
  const users = diffLinks(current, wanted.users);
  const parents = diffLinks(currentParents, wanted.parents);

  const groupName = new Map<number, string>();
  for (const [externalId, row] of state.groupRows)
    groupName.set(row, state.groups.get(externalId)?.name ?? externalId);
  const externalIdOf = new Map<number, string>();
  for (const identity of state.identities.values())
    if (identity.targetId !== null) externalIdOf.set(identity.targetId, identity.externalId);
  await ctx.applier.applyMemberships(users, parents, (link) => {
    const externalId = externalIdOf.get(link.to) ?? null;
    // A user created in this run joins its groups without entries of its own.
    if (externalId && state.createdThisRun.has(externalId)) return null;
    return {
      subject: groupName.get(link.group) ?? String(link.group),
      details: { externalId, userId: link.to, groupId: link.group },
    };
  });
};
