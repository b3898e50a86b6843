/** Identifiers shared by the whole server side. */
import {
  AUDIT_ACTIONS,
  GROUP_SYNC_MODES,
  LEAVE_POLICIES,
  PROFILE_ATTRIBUTES,
  RUN_PHASES,
  RUN_STATUSES,
  RUN_TRIGGERS,
  TARGETS,
  type AuditAction,
} from '../../shared/contracts';

export const PLUGIN_ID = 'user-directory-sync';

export const UID = {
  directory: 'plugin::user-directory-sync.directory',
  identity: 'plugin::user-directory-sync.identity',
  group: 'plugin::user-directory-sync.group',
  syncRun: 'plugin::user-directory-sync.sync-run',
  planEntry: 'plugin::user-directory-sync.plan-entry',
  auditEntry: 'plugin::user-directory-sync.audit-entry',
} as const;

export const USER_UID = 'plugin::users-permissions.user';
export const ROLE_UID = 'plugin::users-permissions.role';
export const ADMIN_USER_UID = 'admin::user';
export const ADMIN_ROLE_UID = 'admin::role';

/** RBAC actions, as shared/API.md lists them. */
export const ACTIONS = {
  read: 'plugin::user-directory-sync.read',
  settings: 'plugin::user-directory-sync.settings.update',
  run: 'plugin::user-directory-sync.run',
  audit: 'plugin::user-directory-sync.audit.read',
} as const;

export const DIRECTORY_TYPES = ['azure', 'okta', 'csv'] as const;
export type DirectoryType = (typeof DIRECTORY_TYPES)[number];

/** The contract's lists (shared/contracts), under the server's names. */
export { TARGETS, GROUP_SYNC_MODES, LEAVE_POLICIES };
export type Target = (typeof TARGETS)[number];
export type GroupSyncMode = (typeof GROUP_SYNC_MODES)[number];

export const SYNC_RUN_STATUSES = RUN_STATUSES;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

export const SYNC_RUN_TRIGGERS = RUN_TRIGGERS;
export type SyncRunTrigger = (typeof SYNC_RUN_TRIGGERS)[number];

export const SYNC_PHASES = RUN_PHASES;
export type SyncPhase = (typeof SYNC_PHASES)[number];

/** Audit actions, shared with the admin panel. */
export { AUDIT_ACTIONS, type AuditAction };

/** Profile attributes the plugin adds to the users-permissions user when absent (shared list). */
export { PROFILE_ATTRIBUTES };

/** Attributes a mapping may never write: the engine owns them. */
export const RESERVED_TARGETS = [
  'id',
  'documentId',
  'password',
  'resetPasswordToken',
  'confirmationToken',
  'confirmed',
  'blocked',
  'provider',
  'role',
  'manager',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'createdBy',
  'updatedBy',
  'locale',
  'localizations',
] as const;
