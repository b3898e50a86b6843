/**
 * The Okta directory's settings: the connection (what the admin types on the Connection tab), the
 * options, and their validation. Every problem becomes a StopSyncError an admin can act on.
 */
import { StopSyncError } from '../errors';

/** The Okta connection settings (secrets apart: `apiToken` or `privateKey`). */
export type OktaConnection = {
  /** The org URL, e.g. `https://acme.okta.com` (not the `-admin` URL). */
  orgUrl: string;
  /** `token`: an SSWS API token; `oauth`: an API Services app with a public/private key pair. */
  authMode: 'token' | 'oauth';
  /** The API Services app's client ID (oauth mode). */
  clientId?: string;
  /** The `kid` of the app's public key (oauth mode, when the private key is a PEM). */
  keyId?: string;
  /** The app whose assigned groups are offered and synced. */
  appId?: string;
  /** Extra CA certificate (PEM) to trust, e.g. a TLS-inspecting proxy's. */
  caCertificate?: string;
};

/** The options a directory (or the plugin config) may set for Okta. */
export type OktaOptions = {
  /** STAGED and PROVISIONED users: left out (`skip`) or created disabled. */
  stagedUsers: 'skip' | 'create-disabled';
  /** A full sync at least this often; incremental rounds in between. */
  fullSyncEveryHours: number;
  /** Retries of one request after 429, 5xx or a network error. */
  maxRetries: number;
  /** First backoff delay after a 5xx or a network error (doubles per retry). */
  retryBaseDelayMs: number;
  /** Time allowed for one request, body included. */
  requestTimeoutMs: number;
  /** Users per page asked of Okta (at most 200). */
  pageSize: number;
  /** Incremental rounds re-read changes this far before the saved time (clock skew, lag). */
  overlapSeconds: number;
  /** Group member lists read at once. */
  concurrency: number;
  /** Share of a rate-limit window kept free for other API clients; below it we wait for reset. */
  rateLimitReserve: number;
  /** Largest answer read from Okta, in bytes (option `maxResponseMegabytes`, default 32). */
  maxResponseBytes: number;
  /** Plain http:// org URLs are accepted (a local test org); default false. */
  allowHttp: boolean;
};

export const DEFAULT_OKTA_OPTIONS = {
  stagedUsers: 'skip',
  fullSyncEveryHours: 24,
  maxRetries: 4,
  retryBaseDelayMs: 1000,
  requestTimeoutMs: 60_000,
  pageSize: 200,
  overlapSeconds: 60,
  concurrency: 4,
  rateLimitReserve: 0.05,
  maxResponseBytes: 32 * 1024 * 1024,
  allowHttp: false,
} satisfies OktaOptions;

/**
 * The org URL as the SDK needs it: origin only, no trailing slash (the SDK would call
 * `//api/v1/...`), HTTPS (plain HTTP only with the `allowHttp` option: the API token would travel
 * unencrypted), and the org domain rather than the `-admin` console domain admins often paste.
 */
export const normalizeOrgUrl = (raw: unknown, allowHttp = false): string => {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!text) {
    throw new StopSyncError('okta-org-url', 'Enter the Okta org URL, e.g. https://acme.okta.com.');
  }
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new StopSyncError(
      'okta-org-url',
      `"${text}" is not a URL: enter the Okta org URL, e.g. https://acme.okta.com.`
    );
  }
  if (url.protocol === 'http:' && !allowHttp) {
    throw new StopSyncError(
      'okta-org-url',
      `The Okta org URL ${url.protocol}//${url.host} is plain http://: the API token and the directory would travel unencrypted. Use https://, or set the allowHttp option for a local test org.`
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new StopSyncError(
      'okta-org-url',
      `The Okta org URL must start with https:// (got ${url.protocol}//${url.host}).`
    );
  }
  const host = url.host.replace(
    /^([^.]+)-admin\.(okta|oktapreview|okta-emea|okta-gov|okta-mil)\./i,
    '$1.$2.'
  );
  return `${url.protocol}//${host}`;
};

const numberOption = (
  options: Record<string, unknown>,
  key: keyof OktaOptions | 'maxResponseMegabytes',
  fallback: number,
  min: number,
  max: number
): number => {
  const value = options[key];
  if (value === undefined || value === null || value === '') return fallback;
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new StopSyncError(
      'okta-options',
      `The Okta option "${key}" must be a number from ${min} to ${max} (got ${JSON.stringify(value)}).`
    );
  }
  return parsed;
};

/** Reads and checks the options; unknown keys are ignored (they may belong to the engine). */
export const readOktaOptions = (options: Record<string, unknown> = {}): OktaOptions => {
  const staged = options.stagedUsers ?? DEFAULT_OKTA_OPTIONS.stagedUsers;
  if (staged !== 'skip' && staged !== 'create-disabled') {
    throw new StopSyncError(
      'okta-options',
      `The Okta option "stagedUsers" must be "skip" or "create-disabled" (got ${JSON.stringify(staged)}).`
    );
  }
  const d = DEFAULT_OKTA_OPTIONS;
  return {
    stagedUsers: staged,
    fullSyncEveryHours: numberOption(
      options,
      'fullSyncEveryHours',
      d.fullSyncEveryHours,
      0,
      24 * 365
    ),
    maxRetries: Math.floor(numberOption(options, 'maxRetries', d.maxRetries, 0, 20)),
    retryBaseDelayMs: numberOption(options, 'retryBaseDelayMs', d.retryBaseDelayMs, 0, 60_000),
    requestTimeoutMs: numberOption(options, 'requestTimeoutMs', d.requestTimeoutMs, 100, 600_000),
    pageSize: Math.floor(numberOption(options, 'pageSize', d.pageSize, 1, 200)),
    overlapSeconds: numberOption(options, 'overlapSeconds', d.overlapSeconds, 0, 86_400),
    concurrency: Math.floor(numberOption(options, 'concurrency', d.concurrency, 1, 16)),
    rateLimitReserve: numberOption(options, 'rateLimitReserve', d.rateLimitReserve, 0, 0.9),
    maxResponseBytes: Math.round(
      numberOption(options, 'maxResponseMegabytes', d.maxResponseBytes / 1048576, 0.01, 512) *
        1048576
    ),
    allowHttp: options.allowHttp === true,
  };
};
