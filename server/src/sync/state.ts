/**
 * A run as data. The context holds what does not change during the run (the directory's settings,
 * the provider, the target, the writer); the state is the one object the run's steps fill in
 * (after Keycloak's SynchronizationResult), owned by the runner and passed to each step.
 */
import type { Core } from '@strapi/strapi';
import type { DirectoryProvider } from '../providers/types';
import type { DirectoryRow } from '../services/directories';
import type { Applier, ApplyCounts } from './apply';
import type { MappingRow, WantedUser } from './map';
import type {
  GroupState,
  LeaverEntry,
  MappedRole,
  PasswordMode,
  PlanEntry,
  RoleLink,
  StoredIdentity,
} from './plan';
import type { SyncTarget } from './targets/types';

export type RunCounts = ApplyCounts & { seen: number; groups: number; roleChanges: number };

export type RunMode = 'full' | 'delta' | 'push';

export type RunStatus = 'succeeded' | 'stopped-licence-limit' | 'held-safety-threshold';

export type Progress = (
  phase: 'fetching' | 'planning' | 'applying' | 'done',
  done: number,
  total: number | null,
  /** Whether `total` is an estimate (given once at the start; a run's end makes it exact). */
  estimated?: boolean
) => Promise<void>;

/** What a run knows before it starts and never changes. */
export type RunContext = {
  strapi: Core.Strapi;
  directory: DirectoryRow;
  provider: DirectoryProvider;
  target: SyncTarget;
  applier: Applier;
  dryRun: boolean;
  /** An admin confirmed a held run: the threshold does not hold it again. */
  confirm: boolean;
  actor: string;
  safety: {
    maxDisablePercent: number;
    licenceLimit: number | null;
    onLeave: string;
    pushWindowMinutes: number;
  };
  groupSync: {
    mode: string;
    pattern?: string | null;
    roles?: readonly { group?: string; pattern?: string; role: string }[];
  };
  /** Whether a group (by name) is synced as a role. */
  groupFilter: (name: string) => boolean;
  mapping: MappingRow[];
  /** User attributes a run compares: the base ones and the mapped ones the target has. */
  fieldNames: string[];
  targetFields: ReadonlySet<string>;
  passwordMode: PasswordMode;
  /** Keyed digest of a source password (change detection, never the password). */
  passwordDigest: (password: string) => string;
  /** Users per transaction (pages are gathered up to this size). */
  batchSize: number;
  progress: Progress;
  log: { info(message: string): void };
  /** Throws CancelledError once the run was asked to stop. */
  checkCancel: () => void;
  /** Called before a push writes held plan entries: makes the run row they belong to. */
  beforeHold?: () => Promise<void>;
};

/** What a run holds while it runs. */
export type RunState = {
  mode: RunMode;
  /** User identity links by externalId (all of the directory's, or the pushed ones). */
  identities: Map<string, StoredIdentity>;
  /** Role identity links by group externalId. */
  roleLinks: Map<string, RoleLink>;
  /** The group snapshot (by externalId) and the memberships it implies (user -> groups). */
  groups: Map<string, GroupState>;
  memberships: Map<string, string[]>;
  /** Stored group rows by externalId, and the groups whose links this run rewrites. */
  groupRows: Map<string, number>;
  changedGroups: Set<string>;
  /** Group -> role rows of the directory's mapping, the default roles, the roles never removed. */
  mappedRoles: MappedRole[];
  defaultRoles: number[];
  protectedRoleIds: Set<number>;
  /** Records seen in this run (a full run's leavers are the active identities not seen). */
  seen: Set<string>;
  /** First origin of each username / email / id (duplicates inside the source). */
  duplicate: (user: WantedUser) => string | null;
  /** Manager wanted per user, resolved after the users are written. */
  managers: Map<string, string | null>;
  createdThisRun: Set<string>;
  /** The directory's active users before the run: the threshold's denominator. */
  activeBefore: number;
  /** Room left under the licence limit, and who did not fit. */
  licenceLeft: number;
  notCreated: string[];
  /** Disables held back until the end of the run, where the threshold decides. */
  pendingDisables: Extract<PlanEntry, { changes: unknown }>[];
  /** Leavers reported by a delta round or a push (full runs compute theirs at the end). */
  removals: LeaverEntry[];
  counts: RunCounts;
  /** Records read, and the progress bar's total when known. */
  done: number;
  total: number | null;
  status: RunStatus;
  message: string | null;
};
