/** Identifiers shared by the whole server side. */
import { AUDIT_ACTIONS } from '../../shared/contracts';

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

export const TARGETS = ['users-permissions', 'admin'] as const;
export type Target = (typeof TARGETS)[number];

export const GROUP_SYNC_MODES = ['all', 'regex', 'none'] as const;
export type GroupSyncMode = (typeof GROUP_SYNC_MODES)[number];

export const LEAVE_POLICIES = ['disable', 'ignore'] as const;

export const SYNC_RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'stopped-licence-limit',
  'held-safety-threshold',
] as const;
export type SyncRunStatus = (typeof SYNC_RUN_STATUSES)[number];

export const SYNC_RUN_TRIGGERS = ['schedule', 'manual', 'reset', 'api', 'push'] as const;
export type SyncRunTrigger = (typeof SYNC_RUN_TRIGGERS)[number];

export const SYNC_PHASES = ['fetching', 'planning', 'applying', 'done'] as const;
export type SyncPhase = (typeof SYNC_PHASES)[number];

/** Audit actions, shared with the admin panel. */
export { AUDIT_ACTIONS };
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Profile attributes the plugin adds to the users-permissions user when absent. */
export const PROFILE_ATTRIBUTES = [
  'firstname',
  'lastname',
  'displayName',
  'jobTitle',
  'department',
  'employeeId',
  'phone',
] as const;

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
