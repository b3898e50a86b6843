/** The Azure connection, options and saved delta state, validated at the edge. */
import { StopSyncError } from '../errors';
import type { ProviderSettings, ProviderState } from '../types';

/** Where and as whom the provider signs in. The client secret travels in `secrets.clientSecret`. */
export type AzureConnection = {
  /** Directory (tenant) ID, a GUID (or the tenant's primary domain). */
  tenantId: string;
  /** Application (client) ID of the app registration. */
  clientId: string;
  /** Default https://login.microsoftonline.com (national clouds have their own). */
  authorityHost?: string;
  /** Default https://graph.microsoft.com (national clouds have their own). */
  graphBaseUrl?: string;
  /** Extra CA certificate (PEM) to trust, e.g. a TLS-inspecting proxy's. */
  caCertificate?: string;
};

export type AzureOptions = {
  /** Sync guests (`userType: Guest`); default false. */
  includeGuests: boolean;
  /** Items per Graph page ($top / odata.maxpagesize), 1–999; default 999. */
  pageSize: number;
  /** Longest wait honoured from Retry-After (and the backoff cap), in seconds; default 60. */
  maxRetryAfterSeconds: number;
  /** Retries of one request after throttling, 5xx or network errors; default 5. */
  maxRetries: number;
  /** Hours after a full sync when the next run must be full again (not delta); default 24. */
  fullSyncEveryHours: number;
  /** Per-request timeout in seconds; default 60. */
  requestTimeoutSeconds: number;
  /** Largest answer read from Graph, in bytes (option `maxResponseMegabytes`, 1–512, default 64). */
  maxResponseBytes: number;
};

export type ResolvedConnection = {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  graphBaseUrl: string;
  caCertificate: string | null;
};

/** What the provider keeps between runs. */
export type AzureState = {
  version: 1;
  usersDeltaLink: string;
  groupsDeltaLink: string;
  /** The selected groups (sorted) the links were made for: another selection needs a full run. */
  selection: string[];
  includeGuests: boolean;
  /** The selected groups and every group nested in them: changes there can move users in or out. */
  scopeGroupIds: string[];
  /** ISO time of the last full enumeration. */
  lastFullSyncAt: string;
};

const number = (value: unknown, fallback: number, min: number, max: number) => {
  const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof parsed === 'number' && Number.isFinite(parsed)
    ? Math.min(max, Math.max(min, parsed))
    : fallback;
};

export const readOptions = (options: Record<string, unknown>): AzureOptions => ({
  includeGuests: options.includeGuests === true || options.includeGuests === 'true',
  pageSize: Math.round(number(options.pageSize, 999, 1, 999)),
  maxRetryAfterSeconds: number(options.maxRetryAfterSeconds, 60, 0, 3600),
  maxRetries: Math.round(number(options.maxRetries, 5, 0, 20)),
  fullSyncEveryHours: number(options.fullSyncEveryHours, 24, 0, 24 * 365),
  requestTimeoutSeconds: number(options.requestTimeoutSeconds, 60, 0.1, 600),
  maxResponseBytes: Math.round(number(options.maxResponseMegabytes, 64, 0.01, 512) * 1024 * 1024),
});

const httpsUrl = (value: string | undefined, fallback: string, label: string): string => {
  const raw = (value ?? '').trim() || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StopSyncError('azure-settings', `The ${label} "${raw}" is not a URL.`);
  }
  if (url.protocol !== 'https:') {
    throw new StopSyncError(
      'azure-settings',
      `The ${label} must start with https:// (got "${raw}").`
    );
  }
  return url.origin;
};

/** Checks the Connection tab's values; throws StopSyncError naming the field to fix. */
export const resolveConnection = (
  settings: ProviderSettings<AzureConnection>
): ResolvedConnection => {
  const connection = settings.connection ?? ({} as AzureConnection);
  const tenantId = (connection.tenantId ?? '').trim();
  const clientId = (connection.clientId ?? '').trim();
  const clientSecret = settings.secrets?.clientSecret ?? '';
  if (!tenantId)
    throw new StopSyncError(
      'azure-settings',
      'The tenant id is empty: copy the Directory (tenant) ID from the app registration.'
    );
  if (!/^[A-Za-z0-9.-]+$/.test(tenantId)) {
    throw new StopSyncError(
      'azure-settings',
      `The tenant id "${tenantId}" is not a GUID or a domain name.`
    );
  }
  if (!clientId)
    throw new StopSyncError(
      'azure-settings',
      'The client id is empty: copy the Application (client) ID from the app registration.'
    );
  if (!clientSecret)
    throw new StopSyncError(
      'azure-settings',
      'The client secret is not set: create one under Certificates & secrets and paste its Value.'
    );
  const caCertificate = (connection.caCertificate ?? '').trim();
  if (caCertificate && !caCertificate.includes('-----BEGIN CERTIFICATE-----')) {
    throw new StopSyncError(
      'azure-settings',
      'The CA certificate must be PEM text starting with -----BEGIN CERTIFICATE-----.'
    );
  }
  return {
    tenantId,
    clientId,
    clientSecret,
    authorityHost: httpsUrl(
      connection.authorityHost,
      'https://login.microsoftonline.com',
      'authority host'
    ),
    graphBaseUrl: httpsUrl(
      connection.graphBaseUrl,
      'https://graph.microsoft.com',
      'Graph base URL'
    ),
    caCertificate: caCertificate || null,
  };
};

const strings = (value: unknown): string[] | null =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? (value as string[])
    : null;

/** The saved state, or null when it is missing or not ours. */
export const readState = (state: ProviderState | null | undefined): AzureState | null => {
  if (!state || state.version !== 1) return null;
  const selection = strings(state.selection);
  const scopeGroupIds = strings(state.scopeGroupIds);
  if (
    typeof state.usersDeltaLink !== 'string' ||
    typeof state.groupsDeltaLink !== 'string' ||
    typeof state.lastFullSyncAt !== 'string' ||
    typeof state.includeGuests !== 'boolean' ||
    !selection ||
    !scopeGroupIds
  ) {
    return null;
  }
  return {
    version: 1,
    usersDeltaLink: state.usersDeltaLink,
    groupsDeltaLink: state.groupsDeltaLink,
    selection,
    includeGuests: state.includeGuests,
    scopeGroupIds,
    lastFullSyncAt: state.lastFullSyncAt,
  };
};

/**
 * Whether the next run must be a full one: no usable delta state, or the last full sync is at
 * least `hours` old.
 */
export const isFullSyncDue = (
  state: ProviderState | null | undefined,
  now: Date,
  hours: number
): boolean => {
  const parsed = readState(state);
  if (!parsed) return true;
  const last = Date.parse(parsed.lastFullSyncAt);
  return Number.isNaN(last) || now.getTime() - last >= hours * 3_600_000;
};
