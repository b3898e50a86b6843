/**
 * Turns what Entra ID, Microsoft Graph and the network answer into the sync's error kinds, with a
 * message that tells an admin what to fix: retry (throttling, 5xx, network), stop (credentials,
 * permissions, certificates), or fall back to a full sync (an expired delta token).
 */
import { GraphError } from '@microsoft/microsoft-graph-client';

import { DeltaExpiredError, StopSyncError, TransientSyncError } from '../errors';
import { GraphNetworkError, ResponseTooLargeError, TLS_ERROR_CODES } from './https-handler';

/** What to do about one failed request. */
export type Outcome =
  | {
      kind: 'retry';
      /** What went wrong, for the final message if retries run out. */
      reason: 'throttled' | 'unavailable' | 'server-error' | 'network';
      status: number | null;
      /** Server-requested wait (Retry-After) in ms; null: back off exponentially. */
      retryAfterMs: number | null;
      detail: string;
    }
  | { kind: 'not-found' }
  | { kind: 'fail'; error: Error };

/** The names @azure/identity gives its failures (GraphError.code carries them through). */
const IDENTITY_ERRORS = new Set([
  'AuthenticationRequiredError',
  'AuthenticationError',
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
]);

export type CredentialContext = {
  tenantId: string;
  clientId: string;
  authorityHost: string;
  /** The Graph origin, e.g. https://graph.microsoft.com (the host of relative `$batch` paths). */
  graphBaseUrl: string;
};

/** Parses Retry-After: seconds (integer or fractional) or an HTTP date; null when absent or odd. */
export const parseRetryAfter = (
  value: string | null | undefined,
  now = Date.now()
): number | null => {
  if (value === null || value === undefined || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
};

/**
 * The path of a Graph URL without origin, version or query, for messages: `/users/delta`. Works on
 * the absolute links Graph sends and on the relative paths of `$batch` items alike (never throws).
 */
export const pathOf = (url: string): string =>
  url
    .replace(/^[a-z]+:\/\/[^/]+/i, '')
    .replace(/^\/v1\.0(?=\/)/, '')
    .split('?')[0] || '/';

/** The host of an absolute URL, or `fallback` for a relative one. */
const hostOf = (url: string, fallback: string): string =>
  /^[a-z]+:\/\/([^/?#]+)/i.exec(url)?.[1] ?? fallback;

/** The permission a Graph path needs, for a 403's message. */
export const permissionFor = (url: string): string => {
  const path = pathOf(url);
  return /\/groups|\/members|memberOf/i.test(path) ? 'GroupMember.Read.All' : 'User.Read.All';
};

/** What the app reads with a permission, for messages. */
const PERMISSION_USE: Record<string, string> = {
  'User.Read.All': 'read users, their managers and user changes',
  'GroupMember.Read.All': 'read groups, their members and group changes',
};

export const missingPermission = (permission: string) =>
  new StopSyncError(
    'azure-permission-missing',
    `${permission} is not granted: Microsoft Graph answered "Insufficient privileges to complete the operation." The app needs it to ${PERMISSION_USE[permission] ?? 'read the directory'}. In Entra ID, open the app registration > API permissions, add the Microsoft Graph application permission ${permission} and click "Grant admin consent".`
  );

/** Maps a token failure (an AADSTS code in the message) to a StopSyncError, or null if unknown. */
export const tokenProblem = (message: string, context: CredentialContext): StopSyncError | null => {
  const code = /AADSTS(\d+)/.exec(message)?.[1];
  if (
    code === '7000215' ||
    code === '7000222' ||
    code === '7000216' ||
    /invalid_client/.test(message)
  ) {
    const expired = code === '7000222';
    return new StopSyncError(
      'azure-bad-secret',
      `The client secret is wrong or expired (AADSTS${code ?? '7000215'}${expired ? ': expired' : ''}). In Entra ID, open the app registration > Certificates & secrets, create a new client secret and paste its Value (not its Secret ID) in the Connection tab.`
    );
  }
  if (code === '700016' || /unauthorized_client/.test(message)) {
    return new StopSyncError(
      'azure-unknown-client',
      `The client id "${context.clientId}" is not registered in the tenant ${context.tenantId} (AADSTS700016). Copy the Application (client) ID from the app registration's Overview page, and check that the app was registered in this tenant.`
    );
  }
  if (code === '90002' || code === '900023' || /invalid_tenant/.test(message)) {
    return unknownTenant(context, code ?? '90002');
  }
  if (code !== undefined) {
    return new StopSyncError(
      'azure-token-refused',
      `Entra ID refused to issue a token (AADSTS${code}): ${firstLine(message)}`
    );
  }
  return null;
};

export const unknownTenant = (context: CredentialContext, code = '90002') =>
  new StopSyncError(
    'azure-unknown-tenant',
    `The tenant id "${context.tenantId}" was not found at ${context.authorityHost} (AADSTS${code}). Copy the Directory (tenant) ID from the app registration's Overview page; for a national cloud, also set its authority host.`
  );

export const untrustedCertificate = (host: string, errorCode: string) =>
  new StopSyncError(
    'azure-untrusted-certificate',
    `The TLS certificate of ${host} is not trusted (${errorCode}). If a proxy inspects HTTPS traffic, paste its CA certificate (PEM) in the Connection tab's CA certificate field.`
  );

const firstLine = (message: string) => {
  const description = /Description: (.*?)(?:\r?\n| Trace ID:|$)/.exec(message)?.[1];
  return (description ?? message.split(/\r?\n/)[0]).slice(0, 300);
};

/** The size cap an answer went over (the SDK wraps our error into a GraphError), or null. */
const sizeCapOf = (error: unknown): number | null => {
  if (error instanceof ResponseTooLargeError) return error.maxBytes;
  if (error instanceof GraphError && error.code === 'ResponseTooLargeError') {
    return Number(/larger than (\d+) bytes/.exec(error.message ?? '')?.[1] ?? 0);
  }
  return null;
};

/** Classifies a failed Graph request. `probe` explains an `endpoints_resolution_error`. */
export const classify = async (
  error: unknown,
  url: string,
  credential: CredentialContext,
  probe: () => Promise<Error | null>
): Promise<Outcome> => {
  if (error instanceof DeltaExpiredError || error instanceof StopSyncError)
    return { kind: 'fail', error };
  const cap = sizeCapOf(error);
  if (cap !== null) {
    return {
      kind: 'fail',
      error: new StopSyncError(
        'azure-response-too-large',
        `Microsoft Graph sent more than ${(cap / 1048576).toFixed(2)} MB for ${pathOf(url)}; the run stopped without reading it. Lower the page size, or raise the option maxResponseMegabytes if the directory really needs it.`
      ),
    };
  }
  if (error instanceof GraphNetworkError)
    return networkOutcome(error, hostOf(url, graphHost(credential)));
  const identityName =
    error instanceof GraphError ? error.code : error instanceof Error ? error.name : null;
  if (identityName && IDENTITY_ERRORS.has(identityName) && error instanceof Error) {
    return tokenOutcome(error.message, credential, probe);
  }
  if (!(error instanceof GraphError)) {
    if (error instanceof Error && error.name === 'AbortError') return { kind: 'fail', error };
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'retry', reason: 'network', status: null, retryAfterMs: null, detail: message };
  }
  const status = error.statusCode;
  const message = error.message ?? '';
  if (status === -1 || status === undefined) {
    if (error.code === 'GraphNetworkError') {
      const errorCode = /\(([A-Z_]+)\)$/.exec(message)?.[1] ?? '';
      if (TLS_ERROR_CODES.has(errorCode) || /certificate|self[- ]signed/i.test(message)) {
        return {
          kind: 'fail',
          error: untrustedCertificate(hostOf(url, graphHost(credential)), errorCode || 'TLS'),
        };
      }
      return {
        kind: 'retry',
        reason: 'network',
        status: null,
        retryAfterMs: null,
        detail: message,
      };
    }
    if (error.name === 'AbortError' || error.code === 'AbortError') return { kind: 'fail', error };
    return { kind: 'retry', reason: 'network', status: null, retryAfterMs: null, detail: message };
  }
  const retryAfterMs = parseRetryAfter(error.headers?.get('Retry-After'));
  const detail = `${status}${error.code ? ` ${error.code}` : ''}: ${message}`.slice(0, 300);
  if (status === 429) return { kind: 'retry', reason: 'throttled', status, retryAfterMs, detail };
  if (status === 503 || status === 504) {
    return { kind: 'retry', reason: 'unavailable', status, retryAfterMs, detail };
  }
  if (status >= 500) return { kind: 'retry', reason: 'server-error', status, retryAfterMs, detail };
  if (status === 404) return { kind: 'not-found' };
  if (status === 410) {
    return {
      kind: 'fail',
      error: new DeltaExpiredError(
        `Microsoft Graph no longer knows the delta token (410 ${error.code ?? 'Gone'}); a full sync is needed.`
      ),
    };
  }
  if (status === 403) return { kind: 'fail', error: missingPermission(permissionFor(url)) };
  if (status === 401) {
    return {
      kind: 'fail',
      error: new StopSyncError(
        'azure-token-rejected',
        `Microsoft Graph refused the access token (${error.code ?? '401'}: ${message}). Check that the Graph base URL belongs to the same cloud as the authority host.`
      ),
    };
  }
  return { kind: 'fail', error: refused(status, error, url) };
};

/** What to do about a 4xx Graph answered for one request (400, 405, 409, 412, 422...). */
const REFUSAL_ADVICE: Record<number, string> = {
  400: 'the request is not one this Graph endpoint accepts (a national cloud or a tenant without the feature may refuse it)',
  405: 'this Graph endpoint does not allow the request',
  409: 'the object changed while it was read; run the sync again',
  412: 'the object changed while it was read; run the sync again',
  413: 'the request was too large',
  422: 'Graph could not process the request',
};

/** A StopSyncError naming what Graph refused, its words, and what to do. */
export const refused = (status: number, error: GraphError, url: string): StopSyncError => {
  const code = error.code ? ` ${error.code}` : '';
  const said = (error.message ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
  const requestId = error.requestId ? ` Graph request id: ${error.requestId}.` : '';
  const advice = REFUSAL_ADVICE[status] ?? 'Graph refused the request';
  return new StopSyncError(
    'azure-graph-refused',
    `Microsoft Graph refused ${pathOf(url)} with ${status}${code}${said ? ` ("${said}")` : ''}: ${advice}. Check the tenant's settings and the app's permissions, then run the sync again; if it keeps happening, report it with the request id.${requestId}`
  );
};

const tokenOutcome = async (
  message: string,
  credential: CredentialContext,
  probe: () => Promise<Error | null>
): Promise<Outcome> => {
  const known = tokenProblem(message, credential);
  if (known) return { kind: 'fail', error: known };
  if (/endpoints_resolution_error/.test(message)) {
    const explained = await probe();
    if (explained) return { kind: 'fail', error: explained };
  }
  return {
    kind: 'retry',
    reason: 'network',
    status: null,
    retryAfterMs: null,
    detail: `could not get a token from ${credential.authorityHost}: ${firstLine(message)}`,
  };
};

const graphHost = (credential: CredentialContext) =>
  hostOf(credential.graphBaseUrl, 'Microsoft Graph');

const networkOutcome = (error: GraphNetworkError, host: string): Outcome =>
  TLS_ERROR_CODES.has(error.errorCode)
    ? { kind: 'fail', error: untrustedCertificate(host, error.errorCode) }
    : { kind: 'retry', reason: 'network', status: null, retryAfterMs: null, detail: error.message };

/** The error for retries that ran out. */
export const exhausted = (outcome: Extract<Outcome, { kind: 'retry' }>, retries: number) => {
  const after = `after ${retries} ${retries === 1 ? 'retry' : 'retries'}`;
  switch (outcome.reason) {
    case 'throttled':
      return new TransientSyncError(
        'azure-throttled',
        `Microsoft Graph kept throttling (429) ${after}; try again later.`
      );
    case 'unavailable':
      return new TransientSyncError(
        'azure-unavailable',
        `Microsoft Graph stayed unavailable (${outcome.status}) ${after}; try again later.`
      );
    case 'server-error':
      return new TransientSyncError(
        'azure-server-error',
        `Microsoft Graph kept failing (${outcome.detail}) ${after}; try again later.`
      );
    default:
      return new TransientSyncError(
        'azure-network',
        `Could not reach Microsoft Graph or Entra ID (${outcome.detail}) ${after}; check the network or proxy and try again.`
      );
  }
};
