/**
 * What the orchestrator (fakes, checks, report) and the Strapi agent (one child process per database)
 * say to each other over the fork IPC channel.
 */

import type { ProfileSummary } from './profile';

export type DbKind = 'sqlite' | 'postgres';

/** Statements of one kind (`insert up_users`, `select uds_identities`...) during a measurement. */
export type StatementKind = { kind: string; count: number; sqlSeconds: number; sample?: string };

/** A window of a run: setup, users (the pages), tail (leavers and managers). */
export type SegmentSummary = {
  name: string;
  seconds: number;
  statements: number;
  sqlSeconds: number;
  commits: number;
  top: StatementKind[];
};

/** A phase of a run as the runner recorded it on its sync-run row (time in seconds from start). */
export type PhaseSpan = { phase: string; seconds: number };

/** What every measured operation reports. */
export type Measurement = {
  seconds: number;
  /** CPU time of the Strapi process (user + system) during the operation. */
  cpuSeconds: number;
  /** Peak resident set size of the Strapi process, sampled every 100 ms and on statements. */
  peakRssMB: number;
  /** Peak V8 heap in use, sampled every 500 ms. */
  peakHeapMB: number;
  /** Seconds from start when the run first applied a page, began planning leavers, was done. */
  marks: Record<string, number>;
  /** RSS right before the operation (after a forced GC). */
  startRssMB: number;
  /** Every knex 'query' event on strapi.db.connection. */
  statements: number;
  /** Time between 'query' and 'query-response' of all statements. */
  sqlSeconds: number;
  /** INSERT / UPDATE / DELETE statements on up_users and its link tables. */
  userWrites: number;
  /** The heaviest statement kinds, by SQL time. */
  top: StatementKind[];
  segments: SegmentSummary[];
  /** Time spent in each phase the runner reported (fetching / applying / planning ...). */
  phases: PhaseSpan[];
  /** When role creation (insert up_roles) started and ended, seconds from start; null if none. */
  roleWindow: { from: number; to: number; count: number } | null;
};

export type RunResult = {
  status: string;
  mode: string;
  counts: Record<string, number>;
  error: { code: string; message: string } | null;
};

/** One directory-owned user as stored. */
export type StoredUser = {
  username: string;
  email: string | null;
  blocked: boolean;
  role: string | null;
  jobTitle: string | null;
  manager: string | null;
  hasPassword: boolean;
};

/** A user for the floor and naive loads: field values keyed by users-permissions attribute. */
export type PlainUser = {
  username: string;
  email: string;
  firstname: string | null;
  lastname: string | null;
  displayName: string | null;
  jobTitle: string | null;
  department: string | null;
  employeeId: string | null;
  phone: string | null;
  blocked: boolean;
};

export type GraphAccess = {
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  ca: string;
};

export type AgentCommands = {
  boot: {
    /** memory: also register the test-only `memory` directory type (npm run faults). */
    args: { db: DbKind; memory?: boolean };
    /** commitMs: median time of a one-row transaction, a measure of the disk's state. */
    result: { seconds: number; rssMB: number; dbVersion: string; commitMs: number };
  };
  createDirectory: { args: { body: Record<string, unknown> }; result: { id: number } };
  run: {
    /** profile: a name to run under the CPU profiler (the summary comes back). */
    /** confirm: apply a run the safety threshold would hold (npm run faults). */
    args: { directoryId: number; full?: boolean; confirm?: boolean; profile?: string };
    result: Measurement & { run: RunResult; profile?: ProfileSummary };
  };
  snapshot: {
    args: { directoryId: number };
    result: { users: StoredUser[]; identities: number };
  };
  /**
   * One page of `snapshot`: the directory's user links after link id `after` (keyset, so the
   * Strapi process holds one page at a time), with their users. `last`: the last link id read,
   * null when there was none left.
   */
  snapshotPage: {
    args: { directoryId: number; after: number; limit: number };
    result: { users: StoredUser[]; identities: number; last: number | null };
  };
  /** Like snapshot, without role, manager and password (faster). */
  users: {
    args: { directoryId: number };
    result: { users: StoredUser[]; identities: number };
  };
  floor: {
    args: { graph: GraphAccess };
    result: Measurement & { users: number; pages: number; fetchSeconds: number };
  };
  naive: {
    args: { users: PlainUser[] };
    /** stored: user rows after the load; linked: role links. */
    result: Measurement & { users: number; stored: number; linked: number };
  };
  clearUsers: { args: Record<string, never>; result: { deleted: number } };
  /** Sets a `memory` directory's store: `users` generated people, a failure after N pages. */
  memory: {
    args: { store: string; users?: number; pageSize?: number; failAfterPages?: number | null };
    result: { users: number };
  };
  stop: { args: Record<string, never>; result: { ok: true } };
};

export type CommandName = keyof AgentCommands;

export type Request = { id: number; cmd: CommandName; args: unknown };
export type Reply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
