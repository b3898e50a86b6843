/**
 * Roles: which role(s) a user gets from its groups, which roles a run keeps, creates or renames.
 */
import type { PagePolicy } from './users';

export const sortedIds = (ids: number[]) => [...new Set(ids)].sort((a, b) => a - b);

/** A group -> role row of the directory's mapping, resolved to a role id. */
export type MappedRole = { group: string; roleId: number };

/** A directory group as a run holds it: members and the role it maps to. */
export type GroupState = {
  name: string;
  description: string | null;
  members: string[];
  roleId: number | null;
};

/**
 * The roles a user should end with: the sync's own roles as wanted, any other role kept, and a
 * protected role (the Super Admin role) never taken away.
 */
export const wantedRoles = (
  current: number[],
  wanted: number[],
  policy: Pick<PagePolicy, 'managedRoleIds' | 'singleRole' | 'protectedRoleIds'>
): number[] => {
  if (policy.singleRole) return wanted.slice(0, 1);
  const kept = current.filter(
    (id) => !policy.managedRoleIds.has(id) || policy.protectedRoleIds?.has(id)
  );
  return sortedIds([...kept, ...wanted]);
};

/** The role a users-permissions user gets: mapped groups in order, then synced groups by name. */
export const pickRoles = (
  userGroups: string[],
  mappedRoles: MappedRole[],
  groupRoles: ReadonlyMap<string, { name: string; roleId: number | null }>,
  singleRole: boolean
): number[] => {
  const member = new Set(userGroups);
  const mapped = mappedRoles.filter((row) => member.has(row.group)).map((row) => row.roleId);
  const synced = userGroups
    .map((id) => groupRoles.get(id))
    .filter((group): group is { name: string; roleId: number } => !!group && group.roleId !== null)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((group) => group.roleId);
  const ordered = [...mapped, ...synced];
  return singleRole ? ordered.slice(0, 1) : sortedIds(ordered);
};

/** The roles a user is given: those its groups pick, or the directory's default role. */
export const rolesFor = (picked: number[], defaults: number[]) =>
  picked.length ? picked : defaults;

/** A synced group's role link: the identity row and the role it points to. */
export type RoleLink = { rowId: number; targetId: number | null };

/** What a run does to the roles of its synced groups. */
export type RolePlan = {
  /** Groups whose role is stored and still exists: externalId -> role id. */
  kept: Map<string, number>;
  /** Synced groups with no (living) role: create one. `relink` says an identity row exists. */
  create: { externalId: string; name: string; description: string | null; relink: boolean }[];
};

/**
 * Roles of the synced groups: kept where the role the sync created still exists, created where it
 * does not (never created before, or deleted by hand).
 */
export const planRoles = (
  synced: [string, GroupState][],
  links: ReadonlyMap<string, RoleLink>,
  existing: ReadonlySet<number>
): RolePlan => {
  const plan: RolePlan = { kept: new Map(), create: [] };
  for (const [externalId, group] of synced) {
    const link = links.get(externalId);
    if (link?.targetId != null && existing.has(link.targetId))
      plan.kept.set(externalId, link.targetId);
    else
      plan.create.push({
        externalId,
        name: group.name,
        description: group.description,
        relink: !!link,
      });
  }
  return plan;
};

/** A role the sync created whose group now has another name. */
export type RoleRename = { id: number; from: string; to: string };

/** Renames: the group's name differs from the stored name of its role. */
export const planRenames = (
  groups: GroupState[],
  storedNames: ReadonlyMap<number, string>
): RoleRename[] =>
  groups
    .filter(
      (group) =>
        group.roleId !== null &&
        storedNames.has(group.roleId) &&
        storedNames.get(group.roleId) !== group.name
    )
    .map((group) => ({
      id: group.roleId as number,
      from: storedNames.get(group.roleId as number) as string,
      to: group.name,
    }));

/** The directory's group filter: whether a group (by name) is synced as a role. */
export const groupFilterOf = (groupSync: { mode: string; pattern?: string | null }) => {
  if (groupSync.mode === 'all') return () => true;
  if (groupSync.mode === 'regex') {
    const pattern = new RegExp(groupSync.pattern ?? '^$');
    return (name: string) => pattern.test(name);
  }
  return () => false;
};

/** Memberships by user: externalId -> the groups it is a member of. */
export const membershipsOf = (groups: ReadonlyMap<string, GroupState>) => {
  const memberships = new Map<string, string[]>();
  for (const [groupId, group] of groups) {
    for (const member of group.members) {
      const list = memberships.get(member);
      if (list) list.push(groupId);
      else memberships.set(member, [groupId]);
    }
  }
  return memberships;
};

/**
 * Users whose set of groups differs between two snapshots of memberships (delta rounds re-plan their
 * roles even when their own record did not change).
 */
export const regrouped = (
  candidates: Iterable<string>,
  before: ReadonlyMap<string, string[]>,
  after: ReadonlyMap<string, string[]>
): string[] => {
  const key = (memberships: ReadonlyMap<string, string[]>, id: string) =>
    [...(memberships.get(id) ?? [])].sort().join('\n');
  return [...new Set(candidates)].filter((id) => key(before, id) !== key(after, id));
};
