/**
 * Memberships as data: the links between a directory's groups and the users it synced (direct
 * memberships), and between nested groups. Planned as a difference with the stored links, so a
 * round that moves 1 % of the memberships writes only those.
 */
import type { GroupState } from './roles';

/** A link from a group row to a user row (or to a parent group row). */
export type Link = { group: number; to: number };

export type LinkPlan = { add: Link[]; remove: Link[] };

const key = (link: Link) => `${link.group}:${link.to}`;

/** The difference between the stored links of some groups and the wanted ones. */
export const diffLinks = (current: Link[], wanted: Link[]): LinkPlan => {
  const have = new Set(current.map(key));
  const want = new Set(wanted.map(key));
  return {
    add: wanted.filter((link) => !have.has(key(link))),
    remove: current.filter((link) => !want.has(key(link))),
  };
};

/**
 * The links these groups should have: each direct member that has a user row, and each parent
 * group that has a row.
 */
export const wantedLinks = (
  groups: Iterable<[string, GroupState]>,
  groupRowOf: (externalId: string) => number | undefined,
  userRowOf: (externalId: string) => number | undefined
): { users: Link[]; parents: Link[] } => {
  const users: Link[] = [];
  const parents: Link[] = [];
  for (const [externalId, group] of groups) {
    const row = groupRowOf(externalId);
    if (row === undefined) continue;
    for (const member of new Set(group.directMembers ?? group.members)) {
      const to = userRowOf(member);
      if (to !== undefined) users.push({ group: row, to });
    }
    for (const parent of new Set(group.parents ?? [])) {
      const to = groupRowOf(parent);
      if (to !== undefined && to !== row) parents.push({ group: row, to });
    }
  }
  return { users, parents };
};

/**
 * The groups whose links a delta round or a push must rewrite: the changed ones, and the ones a
 * user created or re-linked in this round is a direct member of.
 */
export const groupsToRelink = (
  groups: ReadonlyMap<string, GroupState>,
  changed: ReadonlySet<string>,
  newUsers: ReadonlySet<string>
): string[] => {
  const out: string[] = [];
  for (const [externalId, group] of groups) {
    if (changed.has(externalId)) out.push(externalId);
    else if (newUsers.size && (group.directMembers ?? group.members).some((m) => newUsers.has(m)))
      out.push(externalId);
  }
  return out;
};

/** Transitive groups: the groups given and every ancestor through `parentsOf`. */
export const withAncestors = (
  groups: Iterable<number>,
  parentsOf: ReadonlyMap<number, number[]>
): Set<number> => {
  const out = new Set<number>();
  const queue = [...groups];
  while (queue.length) {
    const id = queue.pop() as number;
    if (out.has(id)) continue;
    out.add(id);
    queue.push(...(parentsOf.get(id) ?? []));
  }
  return out;
};
