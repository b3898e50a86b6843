/**
 * Roles: which role(s) a user gets from its groups, which roles a run keeps, creates or renames.
 */
import type { PagePolicy } from './users';

export const sortedIds = (ids: number[]) => [...new Set(ids)].sort((a, b) => a - b);

/**
 * A rule of the directory's group -> role map, resolved to a role id: a group (by externalId or
 * name) or a pattern over group names, and the role it gives. Rules are ordered.
 */
export type MappedRole = {
  /** Group externalId or name; absent when the rule is a pattern. */
  group?: string;
  pattern?: RegExp;
  roleId: number;
  /** The role's name and the rule's place (1-based), for the plan's "why". */
  roleName?: string;
  rule?: number;
};

const matches = (rule: MappedRole, groupId: string, groupName: string | undefined) =>
  rule.pattern
    ? rule.pattern.test(groupName ?? '')
    : rule.group === groupId || (groupName !== undefined && rule.group === groupName);

/** The roles a user gets and why: which rule, which synced group, or the default role. */
export type RoleChoice = { roleIds: number[]; reason: string };

/**
 * The role map: for users-permissions users the first rule (in order) that matches one of the
 * user's groups gives the single role, then (one role per group) the first synced group by name,
 * then the default role; for admin users every matching rule and every synced group adds a role.
 */
export const chooseRoles = (
  userGroups: string[],
  mappedRoles: MappedRole[],
  groupRoles: ReadonlyMap<string, { name: string; roleId: number | null }>,
  singleRole: boolean,
  defaults: number[]
): RoleChoice => {
  const groups = [...new Set(userGroups)].map((id) => [id, groupRoles.get(id)?.name] as const);
  const matched = mappedRoles.filter((rule) =>
    groups.some(([id, name]) => matches(rule, id, name))
  );
  const synced = groups
    .map(([id]) => groupRoles.get(id))
    .filter((group): group is { name: string; roleId: number } => !!group && group.roleId !== null)
    .sort((a, b) => a.name.localeCompare(b.name));
  const describe = (rule: MappedRole) =>
    `rule ${rule.rule ?? '?'} (${rule.pattern ? `/${rule.pattern.source}/` : `group ${rule.group}`} -> ${rule.roleName ?? rule.roleId})`;
  if (singleRole) {
    if (matched.length) return { roleIds: [matched[0].roleId], reason: describe(matched[0]) };
    if (synced.length)
      return { roleIds: [synced[0].roleId], reason: `one role per group (${synced[0].name})` };
    return { roleIds: defaults, reason: 'default role' };
  }
  const roleIds = sortedIds([
    ...matched.map((rule) => rule.roleId),
    ...synced.map((g) => g.roleId),
  ]);
  if (!roleIds.length) return { roleIds: defaults, reason: 'default role' };
  const reasons = [
    ...matched.map(describe),
    ...synced.map((group) => `one role per group (${group.name})`),
  ];
  return { roleIds, reason: reasons.join('; ') };
};

/** A directory group as a run holds it: members and the role it maps to. */
export type GroupState = {
  name: string;
  description: string | null;
  /** Member users, transitive where the source nests groups (roles are given from these). */
  members: string[];
  /** Direct member users, where they differ from `members` (nested groups). */
  directMembers?: string[];
  /** Groups this group is a direct member of. */
  parents?: string[];
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

/** The roles a user's groups give (none: the caller gives the default role). */
export const pickRoles = (
  userGroups: string[],
  mappedRoles: MappedRole[],
  groupRoles: ReadonlyMap<string, { name: string; roleId: number | null }>,
  singleRole: boolean
): number[] => chooseRoles(userGroups, mappedRoles, groupRoles, singleRole, []).roleIds;

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
