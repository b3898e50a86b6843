import type { CurrentUser, LocalMatch } from '../plan';

/** A knex connection or the batch's transaction. */
import type { Knex } from '../../db/sql';

export type { Knex };

/** A user row to insert. Values are keyed by attribute name. */
export type NewUserRow = {
  values: Record<string, unknown>;
  blocked: boolean;
  roleIds: number[];
  passwordHash: string | null;
};

/** A change to one existing row. */
export type UserRowChange = {
  id: number;
  values: Record<string, unknown>;
  /** The full wanted role set, or undefined to leave roles alone. */
  roleIds?: number[];
  passwordHash?: string | null;
};

/** A role the sync keeps for a directory group. */
export type TargetRole = {
  id: number;
  name: string;
  /** role code / type, where the target has one */ code?: string;
};

/**
 * Where synced people are written: the users-permissions user (default) or the admin user.
 * Only the applier calls the writing members, inside its batch transaction.
 */
export interface SyncTarget {
  /** The content type written, e.g. plugin::users-permissions.user. */
  readonly uid: string;
  /** The role content type of those users. */
  readonly roleUid: string;
  /** false: the sync never gives these users a password (admin users sign in through SSO). */
  readonly takesPasswords: boolean;
  /** users-permissions users hold one role; admin users many. */
  readonly singleRole: boolean;
  /** The `provider` given to synced users, or null where the target has none. */
  readonly loginProvider: string | null;
  /** Whether users have a `manager` relation (admin users keep the manager on the identity). */
  readonly hasManager: boolean;
  /** The scalar attributes a mapping may write. */
  mappableFields(): string[];
  /** Current rows by id (fields of `fieldNames`, blocked, roles, provider). */
  loadUsers(ids: number[], fieldNames: string[]): Promise<Map<number, CurrentUser>>;
  /** Users matching these usernames / emails, keyed `username:<lower>` and `email:<lower>`. */
  findByLogin(usernames: string[], emails: string[]): Promise<Map<string, LocalMatch>>;
  /** Stored group -> user links of these group rows (direct memberships). */
  readGroupLinks(groupRowIds: number[]): Promise<{ group: number; to: number }[]>;
  /** Adds and removes group -> user links. */
  writeGroupLinks(
    trx: Knex,
    plan: { add: { group: number; to: number }[]; remove: { group: number; to: number }[] }
  ): Promise<void>;
  /** Ids of the users blocked / disabled now (healing of hand-blocked users). */
  blockedIds(): Promise<Set<number>>;
  /** Roles a run never takes away from anyone (admin users: the Super Admin role). */
  protectedRoleIds(): Promise<number[]>;
  /** Users that are not blocked/disabled (the licence count). */
  countActive(): Promise<number>;
  /** The role a user with no synced group gets. */
  defaultRoleIds(): Promise<number[]>;
  /** Inserts rows; returns their ids in order. */
  createUsers(trx: Knex, rows: NewUserRow[]): Promise<number[]>;
  /** Applies per-row changes in bulk statements. */
  updateUsers(trx: Knex, changes: UserRowChange[]): Promise<void>;
  /** Sets the blocked / disabled flag on many rows at once. */
  setBlocked(trx: Knex, ids: number[], blocked: boolean): Promise<void>;
  /** Sets each user's manager (null removes it). */
  setManagers(trx: Knex, pairs: { id: number; managerId: number | null }[]): Promise<void>;
  /** Current manager of each of these users. */
  loadManagers(ids: number[]): Promise<Map<number, number | null>>;
  /** Creates roles (no permissions) for directory groups; returns them in order. */
  createRoles(trx: Knex, roles: { name: string; description: string }[]): Promise<TargetRole[]>;
  /** Renames a role the sync created. */
  renameRole(trx: Knex, id: number, name: string): Promise<void>;
  /** Roles by name (for groupSync.roles mapping). */
  findRolesByName(names: string[]): Promise<TargetRole[]>;
  /** Whether these role ids still exist. */
  existingRoleIds(ids: number[]): Promise<Set<number>>;
  /** Ids of the users holding a role. */
  usersWithRole(roleId: number): Promise<number[]>;
  /**
   * Which of these users may be disabled; the others are refused with a reason (admin users: never
   * the admin running the sync, never the last active super admin).
   */
  screenDisables?(ids: number[], actor: string): Promise<Map<number, string>>;
}
