/**
 * Step 1: the stored state a run starts from: identity links, the roles of the mapping, the
 * default and protected roles, the active users before the run and the licence room.
 */
import { createDuplicateGuard } from '../map';
import { licenceRoom, type MappedRole } from '../plan';
import type { RunContext, RunMode, RunState } from '../state';
import { countActiveIdentities, loadIdentities } from '../store';

export const loadState = async (
  ctx: RunContext,
  mode: RunMode,
  /** Only these users' links (a push); all of the directory's otherwise. */
  scope?: string[]
): Promise<RunState> => {
  const { strapi, directory, target, groupSync } = ctx;
  const { users, roles: roleLinks } = await loadIdentities(strapi, directory.id, scope);
  let activeBefore = 0;
  if (scope) activeBefore = await countActiveIdentities(strapi, directory.id);
  else for (const identity of users.values()) if (identity.state === 'active') activeBefore += 1;

  const rules = groupSync.roles ?? [];
  const roles = await target.findRolesByName(rules.map((rule) => rule.role));
  const mappedRoles: MappedRole[] = rules.flatMap((rule, i) => {
    const role = roles.find((r) => rule.role === r.name || rule.role === r.code);
    if (!role) return [];
    return [
      {
        ...(rule.pattern ? { pattern: new RegExp(rule.pattern) } : { group: rule.group }),
        roleId: role.id,
        roleName: role.name,
        rule: i + 1,
      },
    ];
  });

  return {
    mode,
    identities: users,
    roleLinks,
    groups: new Map(),
    memberships: new Map(),
    groupRows: new Map(),
    changedGroups: new Set(),
    mappedRoles,
    defaultRoles: await target.defaultRoleIds(),
    protectedRoleIds: new Set(await target.protectedRoleIds()),
    seen: new Set(),
    duplicate: createDuplicateGuard(),
    managers: new Map(),
    createdThisRun: new Set(),
    activeBefore,
    licenceLeft:
      ctx.safety.licenceLimit === null
        ? Number.POSITIVE_INFINITY
        : licenceRoom(ctx.safety.licenceLimit, await target.countActive()),
    notCreated: [],
    pendingDisables: [],
    removals: [],
    counts: Object.assign(ctx.applier.counts, { seen: 0, groups: 0, roleChanges: 0 }),
    done: 0,
    total: null,
    status: 'succeeded',
    message: null,
  };
};

/** The roles the sync owns for this directory: role ids outside this set are left as they are. */
export const managedRoleIds = (state: RunState) =>
  new Set<number>([
    ...[...state.roleLinks.values()]
      .map((link) => link.targetId)
      .filter((id): id is number => id !== null),
    ...state.mappedRoles.map((row) => row.roleId),
  ]);
