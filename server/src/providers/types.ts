/**
 * The seam between a directory source and the sync engine.
 *
 * A provider only reads: it knows its API (auth, paging, throttling, delta) and nothing of Strapi.
 * It turns the source's raw records into the normalized records below; everything after that
 * (mapping, planning, writing) is the engine's job.
 */

/** One person as the directory describes them, normalized. */
export type DirectoryUser = {
  /** Stable id in the source (Graph object id, Okta user id, CSV match value). Never changes. */
  externalId: string;
  /** Login name the Strapi user gets (UPN, Okta login, CSV match column). */
  username: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  /** false: the directory says the account is disabled (the Strapi user is blocked). */
  active: boolean;
  /** externalId of the manager, resolved to the `manager` relation after the whole run is read. */
  managerExternalId: string | null;
  /** externalIds of the groups this user is a direct or transitive member of, where known. */
  groupExternalIds: string[];
  /** The source's raw fields by name (e.g. `jobTitle`, `department`), the inputs of data mapping. */
  attributes: Record<string, unknown>;
  /** A clear-text password the source provides (CSV only); hashed by the engine, never stored raw. */
  password?: string | null;
  /** Where the record came from, for messages: `line 12`, `user 00u1...`. */
  origin?: string;
};

/** One group as the directory describes it. */
export type DirectoryGroup = {
  externalId: string;
  name: string;
  description: string | null;
  /** externalIds of the member users (transitive where the source nests groups). */
  members: string[];
  /** externalIds of the direct member users, where the source nests groups (else `members`). */
  directMembers?: string[];
  /** externalIds of the groups this group is a direct member of (nested groups: Entra ID). */
  parents?: string[];
};

/**
 * A user who left the sync in an incremental round: deleted, soft-deleted ('changed' in Graph's
 * words), or no longer a member of any selected group ('out-of-scope'). The engine disables them.
 */
export type RemovedUser = { externalId: string; reason: 'deleted' | 'changed' | 'out-of-scope' };

/** One page of an incremental round. */
export type DirectoryChanges = {
  /** Users added or changed since the cursor (full records). */
  users: DirectoryUser[];
  /** Users removed since the cursor. */
  removed: RemovedUser[];
  /** Groups added or changed since the cursor, with their full member lists. */
  groups: DirectoryGroup[];
};

/** One line of a connection test, shown as a green or red light in the panel. */
export type ConnectionCheck = { name: string; ok: boolean; message: string };

export type ConnectionResult = { ok: boolean; message: string; checks: ConnectionCheck[] };

/** Logging the provider may do; the engine passes strapi.log. */
export type ProviderLogger = {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
};

/** What a run hands a provider besides its own settings. */
export type ProviderContext = {
  log: ProviderLogger;
  /** Aborted when the run is cancelled or Strapi shuts down: stop between pages. */
  signal?: AbortSignal;
};

/** The state a provider keeps between runs (e.g. Graph delta links), stored on the directory. */
export type ProviderState = Record<string, unknown>;

export interface DirectoryProvider {
  /** Checks credentials, permissions and scope; never throws for a bad setting, reports it. */
  testConnection(): Promise<ConnectionResult>;
  /** The groups the admin may pick from (all of them, or matching `search`), without members. */
  listGroups(search?: string): AsyncIterable<DirectoryGroup[]>;
  /**
   * The groups to sync (with their members) for a full run, in pages. Called before listUsers.
   * Providers whose users carry their groups (CSV) may return no pages.
   */
  listSyncGroups(): AsyncIterable<DirectoryGroup[]>;
  /** Every user in scope, in pages: a complete enumeration, or an error. */
  listUsers(): AsyncIterable<DirectoryUser[]>;
  /**
   * How many users listUsers will yield, when the source knows cheaply (the progress bar's
   * total): a number is exact, a UserCount may be an estimate; null when the source cannot say.
   */
  countUsers?(): Promise<number | UserCount | null>;
  /**
   * Incremental round: the changes since the state saved by the last run. Present only on
   * sources with a delta API. Throws DeltaExpiredError when the source refuses the cursor.
   */
  changesSince?(state: ProviderState): AsyncIterable<DirectoryChanges>;
  /** True when the periodic full reconciliation is due (the next run must not be a delta round). */
  fullSyncDue?(now: Date): boolean;
  /**
   * The state to save after a successful run (after listUsers or changesSince was read to the end),
   * or null when the source keeps none.
   */
  nextState?(): ProviderState | null;
  /** A content fingerprint of the last listing (CSV: a hash of the file); equal -> nothing to do. */
  fingerprint?(): string | null;
  /**
   * True when the source says nothing changed since the state of the last run (HTTP 304, or the
   * same content hash): the run ends with nothing to do. Asked after countUsers().
   */
  unchanged?(): boolean;
  /**
   * Records the source itself left out (a CSV row with a bad email...), with the reason. The engine
   * audits them and does not disable the people they name.
   */
  skipped?(): { origin: string; externalId: string | null; reason: string }[];
  /** Frees sockets and timers. */
  close?(): Promise<void>;
}

/** A count of the users a listing yields; `estimated`: an upper bound or an earlier run's count. */
export type UserCount = { total: number; estimated: boolean };

/** A provider's settings: the directory's connection and decrypted secrets. */
export type ProviderSettings<TConnection> = {
  connection: TConnection;
  secrets: Record<string, string | null>;
  /** externalIds of the groups whose members are synced (azure, okta). */
  userGroups: string[];
  /** The provider state saved by the last successful run. */
  state: ProviderState;
  /** Provider options from the directory (e.g. include guests) and the plugin config. */
  options: Record<string, unknown>;
};

export type ProviderFactory<TConnection = Record<string, unknown>> = (
  settings: ProviderSettings<TConnection>,
  context: ProviderContext
) => DirectoryProvider;
