import userAttributes from './user-attributes.json';

/** Profile attributes the plugin adds to the users-permissions user (first and last name...). */
export const PROFILE_ATTRIBUTES: readonly string[] = userAttributes.profile;
/** Every user attribute a directory record fills by name: username, email and the profile. */
export const USER_ATTRIBUTES: readonly string[] = [
  ...userAttributes.identity,
  ...userAttributes.profile,
];
/** CSV columns with a role of their own rather than an attribute. */
export const CSV_ROLE_COLUMNS: readonly string[] = userAttributes.csvColumns;

/**
 * Audit actions (docs/API.md, tested against it): what the server writes, and the panel filters on.
 */
export const AUDIT_ACTIONS = [
  'user.create',
  'user.update',
  'user.disable',
  'user.enable',
  'user.skip',
  'user.conflict',
  'user.adopt',
  'role.create',
  'role.update',
  'group.create',
  'group.update',
  'group.delete',
  'group.member.add',
  'group.member.remove',
  'run.start',
  'run.finish',
  'run.fail',
  'settings.update',
  'connection.test',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The lists behind the contract's unions: one definition for the server and the panel. */
export const TARGETS = ['users-permissions', 'admin'] as const;
export const GROUP_SYNC_MODES = ['all', 'regex', 'none'] as const;
export const LEAVE_POLICIES = ['disable', 'ignore'] as const;
/** How local users created by a directory get a password (options.passwordPolicy). */
export const PASSWORD_POLICIES = ['random', 'shared'] as const;
export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'stopped-licence-limit',
  'held-safety-threshold',
] as const;
export const RUN_TRIGGERS = ['schedule', 'manual', 'reset', 'api', 'push'] as const;
export const RUN_PHASES = ['fetching', 'planning', 'applying', 'done'] as const;

/** HTTP contracts shared by the server and the admin panel (see docs/API.md). */

/** Strapi's error body: `{ data: null, error: { status, name, message, details } }`. */
export namespace Errors {
  /** One offending field of a 400 ValidationError. */
  export type FieldError = { path: string[]; message: string; name: string };
  export type ApiError = {
    status: number;
    name: string;
    message: string;
    details: { errors?: FieldError[] } & Record<string, unknown>;
  };
  export type Response = { data: null; error: ApiError };
}

/** Paging of list responses. */
export type Pagination = { page: number; pageSize: number; total: number };

export namespace Health {
  export type Response = { data: { version: string } };
}

export namespace Meta {
  /** What the panel knows of one directory type the server registered. */
  export type DirectoryType = {
    type: string;
    /** Names of the write-only secrets its connection takes. */
    secrets: string[];
    /** Connection fields that must be filled. */
    requiredConnection: string[];
    /** Mapping rows a new directory of this type starts with. */
    defaultMapping: MappingRow[];
    /** The source selects users by group: no group selected means no user synced. */
    usersByGroup: boolean;
  };
  export type Response = {
    data: {
      types: DirectoryType[];
      /** User attributes a mapping row may target, per target. */
      userFields: { 'users-permissions': string[]; admin?: string[] };
    };
  };
}

/** One data mapping row: source attribute -> user attribute. */
export type MappingRow = { source: string; target: string };

export namespace Directories {
  export type Target = (typeof TARGETS)[number];
  export type GroupSyncMode = (typeof GROUP_SYNC_MODES)[number];
  export type LeavePolicy = (typeof LEAVE_POLICIES)[number];
  export type PasswordPolicy = (typeof PASSWORD_POLICIES)[number];

  export type AzureConnection = {
    tenantId: string;
    clientId: string;
    authorityHost?: string;
    graphBaseUrl?: string;
    caCertificate?: string;
  };
  export type OktaConnection = {
    orgUrl: string;
    authMode: 'token' | 'oauth';
    clientId?: string;
    keyId?: string;
    appId?: string;
    caCertificate?: string;
  };
  /** A CSV column -> user field match, for headers that do not name a field themselves. */
  export type ColumnMatch = { column: string; field: string };
  export type CsvConnection = {
    location: 'remote' | 'media';
    url?: string;
    username?: string;
    mediaFileId?: number;
    matchField: string;
    managerField?: string;
    columns?: ColumnMatch[];
    delimiter?: string;
    caCertificate?: string;
  };
  /** Never contains secrets. */
  export type Connection = Partial<AzureConnection & OktaConnection & CsvConnection> &
    Record<string, unknown>;

  /** One rule of the ordered group -> role map: a group (externalId or name) or a name pattern. */
  export type GroupRole = { group?: string; pattern?: string; role: string };
  export type GroupSync = { mode: GroupSyncMode; pattern?: string; roles?: GroupRole[] };
  export type Safety = {
    /** Hold a run that would disable more than this share of the directory's users. */
    maxDisablePercent: number;
    /** Stop creating users past this many; null: no limit. */
    licenceLimit: number | null;
    onLeave: LeavePolicy;
  };

  export type Directory = {
    id: number;
    name: string;
    type: string;
    enabled: boolean;
    /** Generated, read-only. */
    directoryKey: string;
    target: Target;
    /** users-permissions `provider` given to synced users ('local', 'microsoft'...). */
    loginProvider: string;
    /** Cron expression, e.g. '0 * * * *'. */
    schedule: string;
    connection: Connection;
    /** Write-only secrets: only whether each is set. */
    secrets: Record<string, 'set' | 'not set'>;
    /** External ids of the groups whose members are synced (azure, okta). */
    userGroups: string[];
    groupSync: GroupSync;
    mapping: MappingRow[];
    safety: Safety;
    options?: Record<string, unknown>;
    lastRunAt: string | null;
    nextRunAt: string | null;
    /** The last run, when the server includes it (docs/API.md). */
    lastRun?: Runs.Run | null;
  };

  /** Body of POST /directories. Secrets: `{ name: value }`. */
  export type CreateBody = Partial<
    Omit<Directory, 'id' | 'directoryKey' | 'secrets' | 'lastRunAt' | 'nextRunAt' | 'lastRun'>
  > & {
    name: string;
    type: string;
    connection: Connection;
    secrets?: Record<string, string | null>;
  };
  /** Body of PUT /directories/:id: only what changes. A secret set to null is cleared. */
  export type UpdateBody = Partial<Omit<CreateBody, 'type'>>;

  export type List = { data: Directory[] };
  export type One = { data: Directory };
  /** PUT /directories/:id: the saved directory, and the secrets its new endpoint cleared. */
  export type Updated = { data: Directory; meta: { clearedSecrets: string[] } };
  export type Deleted = { data: Directory & { unlinkedUsers: number } };

  /** One line of a connection test. */
  export type Check = { name: string; ok: boolean; message: string };
  export type TestConnection = { data: { ok: boolean; message: string; checks: Check[] } };

  /** A group as the source lists it now. */
  export type Group = { externalId: string; name: string; description: string | null };
  export type Groups = { data: Group[] };
}

export namespace Runs {
  export type Status = (typeof RUN_STATUSES)[number];
  export type Trigger = (typeof RUN_TRIGGERS)[number];
  export type Phase = (typeof RUN_PHASES)[number];
  export type Counts = {
    seen: number;
    created: number;
    updated: number;
    disabled: number;
    enabled: number;
    unchanged: number;
    skipped: number;
    failed: number;
    groups: number;
    roleChanges: number;
    /** Records that matched a local user the directory does not own (adopt them to sync). */
    conflicts?: number;
  };
  export type Run = {
    id: number;
    directory: number;
    trigger: Trigger;
    dryRun: boolean;
    mode?: string;
    status: Status;
    startedAt: string | null;
    finishedAt: string | null;
    /**
     * `total`: the users the run will read, when known; `estimated`: it is an estimate (the
     * previous run's count, or an upper bound of overlapping groups), shown as "about N".
     */
    progress: { phase: Phase; done: number; total: number | null; estimated: boolean };
    counts: Counts;
    /** A message a person can act on. */
    error: { code: string; message: string } | null;
    actor?: string | null;
  };

  /** Body of POST /directories/:id/runs. */
  export type StartBody = { dryRun?: boolean; confirm?: boolean; full?: boolean };
  export type Started = { data: Run };
  export type List = { data: Run[]; meta: { pagination: Pagination } };
  export type One = { data: Run };

  /** One planned (dry run, held run) or applied change. */
  export type PlanEntry = {
    /** user.create, user.update, user.enable, user.disable, user.skip, user.conflict, role.create... */
    action: string;
    subject: string;
    externalId: string | null;
    details: {
      reason?: string;
      fields?: Record<string, unknown>;
      changes?: Record<string, { from: unknown; to: unknown }>;
    } & Record<string, unknown>;
  };
  export type Plan = {
    data: PlanEntry[];
    meta: { pagination: Pagination; applied: boolean };
  };
}

export namespace Audit {
  export type Entry = {
    id: number;
    at: string;
    category: 'UserSync';
    action: AuditAction;
    directory: number | null;
    /** The directory's key, as webhooks carry it (null for entries of no directory). */
    directoryKey?: string | null;
    run: number | null;
    /** Username or group name. */
    subject: string | null;
    /** 'system' or the admin's email. */
    actor: string;
    details: Record<string, unknown>;
  };
  /** Query of GET /audit and GET /audit/export. Dates in ISO 8601. */
  export type Filters = {
    directory?: number;
    run?: number;
    action?: string;
    subject?: string;
    from?: string;
    to?: string;
  };
  export type List = { data: Entry[]; meta: { pagination: Pagination } };
}

/** GET/POST /directories/:id/adoption: local users that match directory users. */
export namespace Adoption {
  export type Candidate = {
    localUser: { id: number; username: string; email: string | null };
    directoryUser: { externalId: string; username: string | null; email: string | null };
    /** Which login value matched. */
    match?: 'username' | 'email';
    /** What the next run would change on the local user, field by field. */
    changes?: Record<string, { from: unknown; to: unknown }>;
    /** Why this local user cannot be adopted, when it cannot. */
    refused?: string;
  };
  export type Preview = { data: Candidate[] };
  export type AdoptBody = { users: number[] | 'all'; dryRun?: boolean };
  export type Adopted = { data: Candidate[] };
}

/** GET /owner?uid=&documentId=: the directory that owns a user, or null for a local user. */
export namespace Owner {
  export type Owner = {
    directory: { id: number; name: string; type: string };
    externalId: string;
    state: 'active' | 'disabled';
    lastChangedAt: string | null;
    lastRunAt: string | null;
  };
  export type Response = { data: Owner | null };
}
