/**
 * What an Okta directory remembers between runs: the incremental cursor (a time on Okta's clock),
 * when the last full sync ran, and the member ids of each selected group (the scope), so that an
 * incremental round can tell who left every selected group without re-reading unchanged groups.
 */
import type { ProviderState } from '../types';

export type OktaState = {
  version: 1;
  /** The org and app the state belongs to: another org or app means a full sync. */
  orgUrl: string;
  appId: string;
  /** ISO time on Okta's clock: changes after it are read by the next incremental round. */
  since: string;
  /** ISO time of the last full sync (Okta's clock). */
  lastFullSyncAt: string;
  /** Selected group id -> member user ids, as last read. */
  scope: Record<string, string[]>;
};

const isIso = (value: unknown): value is string =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value));

/** The saved state, or null when there is none or it is not an Okta state of this version. */
export const readOktaState = (state: ProviderState | null | undefined): OktaState | null => {
  if (!state || state.version !== 1) return null;
  const { orgUrl, appId, since, lastFullSyncAt, scope } = state as Partial<OktaState>;
  if (typeof orgUrl !== 'string' || typeof appId !== 'string') return null;
  if (!isIso(since) || !isIso(lastFullSyncAt)) return null;
  if (!scope || typeof scope !== 'object') return null;
  const valid = Object.values(scope).every(
    (ids) => Array.isArray(ids) && ids.every((id) => typeof id === 'string')
  );
  return valid ? { version: 1, orgUrl, appId, since, lastFullSyncAt, scope } : null;
};

/**
 * True when the next run should be a full sync: no usable state, or the last full sync is at
 * least `hours` old (0 hours: always).
 */
export const isFullSyncDue = (
  state: ProviderState | null | undefined,
  now: Date = new Date(),
  hours = 24
): boolean => {
  const saved = readOktaState(state);
  if (!saved || hours <= 0) return true;
  return now.getTime() - Date.parse(saved.lastFullSyncAt) >= hours * 3_600_000;
};
