/**
 * The three kinds of sync failure (after authentik's outgoing sync exceptions), plus the delta case.
 * Each carries a short `code` and a message a person can act on; never a secret.
 */

/** Base class: `code` is stable (shown in the run and the audit log), `message` is for people. */
export class SyncError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Network trouble, throttling, 5xx: retried with backoff, then the run fails (disabling nobody). */
export class TransientSyncError extends SyncError {}

/** Bad credentials, a missing permission, a broken file, a bad setting: the run stops; fix and retry. */
export class StopSyncError extends SyncError {}

/** One record cannot be synced: counted, audited, and the run goes on. */
export class ItemSyncError extends SyncError {}

/** The source refused the delta cursor (expired or unknown): the engine falls back to a full run. */
export class DeltaExpiredError extends SyncError {
  constructor(message = 'The delta token was refused by the source; a full sync is needed.') {
    super('delta-expired', message);
  }
}

/** The run was cancelled (by an admin or by shutdown) between two pages or batches. */
export class CancelledError extends SyncError {
  constructor(message = 'The run was cancelled.') {
    super('cancelled', message);
  }
}

const SYNC_ERROR_NAMES = new Set([
  'SyncError',
  'TransientSyncError',
  'StopSyncError',
  'ItemSyncError',
  'DeltaExpiredError',
  'CancelledError',
]);

/**
 * A SyncError, also one made by another copy of this module (a provider registered from a test
 * helper or another bundle): `instanceof` alone would call its message "unexpected".
 */
export const isSyncError = (error: unknown): error is SyncError =>
  error instanceof SyncError ||
  (error instanceof Error &&
    SYNC_ERROR_NAMES.has(error.name) &&
    typeof (error as { code?: unknown }).code === 'string');

/**
 * A short, safe summary of any error for a run record, an audit entry or the panel. A SyncError's
 * message was written for people; any other error's message may hold row values or secrets (a
 * database driver quotes the row it refused), so only its name is kept: the caller logs the
 * error itself with strapi.log at error level.
 */
export const describeError = (error: unknown): { code: string; message: string } => {
  if (isSyncError(error)) return { code: error.code, message: error.message };
  const name = error instanceof Error && /^\w{1,60}$/.test(error.name) ? error.name : 'Error';
  return {
    code: 'unexpected-error',
    message: `An unexpected error (${name}) stopped the run; the server log has the details.`,
  };
};
