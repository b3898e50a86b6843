/**
 * The planner: pure. Given what the directory wants, the identity links already stored and the
 * current user rows, it says what to change. No Strapi, no I/O: every rule of a run lives here and is
 * unit-tested on its own.
 */
import type { UserFields, WantedUser } from './map';

/** The link between one directory record and one Strapi user. */
export type StoredIdentity = {
  /** Row id of the identity link itself. */
  rowId: number;
  externalId: string;
  targetId: number | null;
  hash: string | null;
  state: 'active' | 'disabled';
  passwordDigest: string | null;
};

/** A user row as the target stores it, reduced to what the sync compares. */
export type CurrentUser = {
  id: number;
  fields: UserFields;
  blocked: boolean;
  roleIds: number[];
  provider: string | null;
};

/** A user not owned by this directory whose username or email matches a directory record. */
export type LocalMatch = { id: number; username: string; email: string | null };

export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

/**
 * The user a wanted record resolves to: the roles it should hold, a hash of all of it, and the
 * attributes the target has no column for (kept on the identity link).
 */
export type PlannedUser = WantedUser & {
  roleIds: number[];
  hash: string;
  profile?: Record<string, string | null>;
};

export type PlanEntry =
  | { action: 'create'; user: PlannedUser; reason: 'new' | 'recreated'; setPassword: boolean }
  | {
      action: 'update' | 'enable' | 'disable';
      user: PlannedUser;
      targetId: number;
      changes: FieldChanges;
      setPassword: boolean;
    }
  | {
      action: 'unchanged';
      user: PlannedUser;
      targetId: number;
      /** The row is as wanted but the link's hash is not (e.g. a profile-only change). */
      refresh: boolean;
    }
  | { action: 'conflict'; user: PlannedUser; targetId: number; reason: string }
  | { action: 'skip'; externalId: string | null; subject: string; reason: string };

/** A leaver: a directory-owned user who is no longer in the source. */
export type LeaverEntry = {
  action: 'disable';
  externalId: string;
  targetId: number;
  subject: string;
  reason: string;
};

export type PagePolicy = {
  /** The users-permissions `provider` (or nothing for admin users). */
  loginProvider: string | null;
  /** Roles the sync owns for this directory: role ids outside this set are left as they are. */
  managedRoleIds: ReadonlySet<number>;
  /** true: a user has one role (users-permissions); false: many (admin). */
  singleRole: boolean;
};

export type PageContext = {
  identities: ReadonlyMap<string, StoredIdentity>;
  current: ReadonlyMap<number, CurrentUser>;
  /** Local users by lower-cased username and by email. */
  localMatches: ReadonlyMap<string, LocalMatch>;
  policy: PagePolicy;
};

const sameValue = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);

const sortedIds = (ids: number[]) => [...new Set(ids)].sort((a, b) => a - b);

/** The roles a user should end with: the sync's own roles as wanted, any other role kept. */
export const wantedRoles = (
  current: number[],
  wanted: number[],
  policy: Pick<PagePolicy, 'managedRoleIds' | 'singleRole'>
): number[] => {
  if (policy.singleRole) return wanted.slice(0, 1);
  const kept = current.filter((id) => !policy.managedRoleIds.has(id));
  return sortedIds([...kept, ...wanted]);
};

/** Field-by-field differences between the stored row and the wanted one. */
export const diffUser = (
  current: CurrentUser,
  wanted: PlannedUser,
  policy: PagePolicy
): FieldChanges => {
  const changes: FieldChanges = {};
  for (const [name, value] of Object.entries(wanted.fields)) {
    if (!sameValue(current.fields[name], value))
      changes[name] = { from: current.fields[name] ?? null, to: value };
  }
  if (current.blocked !== wanted.blocked)
    changes.blocked = { from: current.blocked, to: wanted.blocked };
  if (policy.loginProvider !== null && !sameValue(current.provider, policy.loginProvider)) {
    changes.provider = { from: current.provider, to: policy.loginProvider };
  }
  const roles = wantedRoles(current.roleIds, wanted.roleIds, policy);
  if (roles.length && sortedIds(current.roleIds).join(',') !== roles.join(',')) {
    changes.roles = { from: sortedIds(current.roleIds), to: roles };
  }
  return changes;
};

/** Plans one page of wanted users against what is stored. */
export const planPage = (users: PlannedUser[], context: PageContext): PlanEntry[] =>
  users.map((user): PlanEntry => {
    const identity = context.identities.get(user.externalId);
    const row = identity?.targetId != null ? context.current.get(identity.targetId) : undefined;
    const passwordChanged =
      user.passwordDigest !== null && user.passwordDigest !== identity?.passwordDigest;

    if (!row) {
      const local =
        context.localMatches.get(`username:${user.fields.username?.toLowerCase()}`) ??
        (user.fields.email ? context.localMatches.get(`email:${user.fields.email}`) : undefined);
      if (local) {
        return {
          action: 'conflict',
          user,
          targetId: local.id,
          reason: `a local user (id ${local.id}, ${local.username}) has the same username or email; adopt it to let the directory manage it`,
        };
      }
      return { action: 'create', user, reason: identity ? 'recreated' : 'new', setPassword: true };
    }

    const changes = diffUser(row, user, context.policy);
    if (!Object.keys(changes).length && !passwordChanged) {
      return { action: 'unchanged', user, targetId: row.id, refresh: identity?.hash !== user.hash };
    }
    const action = changes.blocked ? (user.blocked ? 'disable' : 'enable') : 'update';
    return { action, user, targetId: row.id, changes, setPassword: passwordChanged };
  });

/**
 * Leavers: identities still active whose record was not seen in a complete enumeration.
 * Call only after the source was read to the end.
 */
export const planLeavers = (
  identities: Iterable<StoredIdentity & { subject?: string }>,
  seen: ReadonlySet<string>
): LeaverEntry[] => {
  const leavers: LeaverEntry[] = [];
  for (const identity of identities) {
    if (
      identity.state !== 'active' ||
      identity.targetId === null ||
      seen.has(identity.externalId)
    ) {
      continue;
    }
    leavers.push({
      action: 'disable',
      externalId: identity.externalId,
      targetId: identity.targetId,
      subject: identity.subject ?? identity.externalId,
      reason: 'no longer in the directory',
    });
  }
  return leavers;
};

export type SafetyVerdict = { hold: false } | { hold: true; share: number; message: string };

/** Rule 4: a run that would disable more than the allowed share of the directory's users holds. */
export const checkDisableThreshold = (
  disables: number,
  activeUsers: number,
  maxDisablePercent: number,
  confirmed: boolean
): SafetyVerdict => {
  if (confirmed || disables === 0) return { hold: false };
  const share = activeUsers === 0 ? 100 : (disables / activeUsers) * 100;
  if (share <= maxDisablePercent) return { hold: false };
  return {
    hold: true,
    share,
    message: `This run would disable ${disables} of ${activeUsers} users (${share.toFixed(1)} %), more than the ${maxDisablePercent} % threshold. Nobody was disabled. Check the source, then confirm the run to apply it.`,
  };
};

/** Rule 5: how many of the planned creations fit under the licence limit. */
export const licenceRoom = (limit: number | null, activeUsers: number): number =>
  limit === null ? Number.POSITIVE_INFINITY : Math.max(0, limit - activeUsers);

/** The role a users-permissions user gets: mapped groups in order, then synced groups by name. */
export const pickRoles = (
  userGroups: string[],
  mappedRoles: { group: string; roleId: number }[],
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
