/**
 * Planning users: the wanted record resolved to a planned user (fields split between the target's
 * columns and the identity link, roles, a hash of all of it), then compared with the stored row.
 */
import { digest, type MapResult, type UserFields, type WantedUser } from '../map';
import { sortedIds, wantedRoles } from './roles';

/** The link between one directory record and one Strapi user. */
export type StoredIdentity = {
  /** Row id of the identity link itself. */
  rowId: number;
  externalId: string;
  targetId: number | null;
  hash: string | null;
  state: 'active' | 'disabled';
  passwordDigest: string | null;
  /** A local account an admin adopted: the sync never sets its password. */
  adopted?: boolean;
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
  /** Why these roles: the rule of the role map, one role per group, or the default role. */
  roleReason?: string;
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

export type PagePolicy = {
  /** Role ids a run never takes away (the Super Admin role of admin users). */
  protectedRoleIds?: ReadonlySet<number>;
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
      !identity?.adopted &&
      user.passwordDigest !== null &&
      user.passwordDigest !== identity?.passwordDigest;

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

/** What resolving a mapped record needs: the target's columns, the roles, whether it keeps managers. */
export type ResolveContext = {
  /** User attributes the target has a column for; the rest go on the identity link. */
  targetFields: ReadonlySet<string>;
  /** The role ids this user gets (chosen by chooseRoles) and why. */
  roleIds: number[];
  roleReason?: string;
  /** false: the target has no manager relation, the manager is kept on the identity link. */
  hasManager: boolean;
};

/** A mapped record becomes the planned user: columns vs. profile, roles, and the hash of it all. */
export const resolvePlannedUser = (
  mapped: Extract<MapResult, { ok: true }>['user'],
  context: ResolveContext
): PlannedUser => {
  const fields: UserFields = {};
  const profile: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(mapped.fields))
    (context.targetFields.has(name) ? fields : profile)[name] = value;
  if (!context.hasManager) profile.managerExternalId = mapped.managerExternalId;
  const planned: PlannedUser = {
    ...mapped,
    fields,
    profile: Object.keys(profile).length ? profile : undefined,
    roleIds: context.roleIds,
    ...(context.roleReason ? { roleReason: context.roleReason } : {}),
    hash: '',
  };
  planned.hash = digest(
    JSON.stringify([
      planned.fields,
      planned.blocked,
      planned.roleIds,
      planned.managerExternalId,
      planned.profile ?? null,
    ])
  );
  return planned;
};

/** A manager to set: the user, the wanted manager and the stored one. */
export type ManagerChange = {
  id: number;
  externalId: string;
  managerId: number | null;
  from: number | null;
  /** false: set without an audit entry of its own (the user was created in this run). */
  audit: boolean;
};

/** Managers whose stored value differs from the directory's (external ids resolved to user ids). */
export const planManagers = (
  wanted: ReadonlyMap<string, string | null>,
  targetIdOf: (externalId: string) => number | undefined,
  current: ReadonlyMap<number, number | null>,
  createdThisRun: ReadonlySet<string>
): ManagerChange[] => {
  const changes: ManagerChange[] = [];
  for (const [externalId, managerExternalId] of wanted) {
    const id = targetIdOf(externalId);
    if (id === undefined) continue;
    const managerId = managerExternalId ? (targetIdOf(managerExternalId) ?? null) : null;
    const from = current.get(id) ?? null;
    if (from === managerId) continue;
    changes.push({ id, externalId, managerId, from, audit: !createdThisRun.has(externalId) });
  }
  return changes;
};
