import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { CancelledError, StopSyncError, TransientSyncError } from '../errors';
import { formatBytes, tooLarge } from './temp-file';

/** What a remote fetch needs besides the URL. */
export type RemoteRequest = {
  url: string;
  username?: string;
  password?: string | null;
  /** PEM text trusted, besides the usual roots, for this request only. */
  caCertificate?: string;
  allowHttp: boolean;
  timeoutMs: number;
  maxBytes: number;
  /** Validators from the last run: sent as If-None-Match / If-Modified-Since. */
  conditional?: { etag?: string | null; lastModified?: string | null };
  signal?: AbortSignal;
};

/** The outcome of a fetch: the body was handed to `consume`, or the server said 304. */
export type RemoteResponse = {
  notModified: boolean;
  status: number;
  etag: string | null;
  lastModified: string | null;
  /** The URL the file came from after redirects. */
  url: string;
};

/**
 * A failure worth another try (429, 5xx, a cut download, a timeout, a refused connection): the
 * provider downloads again after `retryAfterMs` (the server's Retry-After) or its own backoff.
 */
export class RetryableDownloadError extends TransientSyncError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterMs: number | null = null
  ) {
    super(code, message);
  }
}

/** Retry-After in ms: seconds (fractional too) or an HTTP date; null when absent or odd. */
export const parseRetryAfter = (
  value: string | null | undefined,
  now = Date.now()
): number | null => {
  const trimmed = (value ?? '').trim();
  if (!trimmed) return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
};

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** `https://host:port`, used to decide whether credentials may follow a redirect. */
const originOf = (url: URL) => `${url.protocol}//${url.host}`;

/** The URL without credentials, query or fragment, safe for messages. */
export const safeUrl = (value: string): string => {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return 'the URL';
  }
};

/** Checks a URL setting; returns the reason it cannot be fetched, or null. */
export const checkUrl = (value: string | undefined, allowHttp: boolean): StopSyncError | null => {
  if (!value) return new StopSyncError('csv-no-url', 'no file URL is set');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return new StopSyncError('csv-bad-url', `the file URL '${value}' is not a valid URL`);
  }
  if (url.protocol === 'http:' && !allowHttp) {
    return new StopSyncError(
      'csv-http-refused',
      `plain http:// is refused (the password and the file would travel unencrypted): use https://, or set the allowHttp option`
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return new StopSyncError(
      'csv-bad-url',
      `the file URL must start with https:// (got ${url.protocol})`
    );
  }
  if (url.username || url.password) {
    return new StopSyncError(
      'csv-bad-url',
      'the file URL must not hold credentials: use the username and password settings'
    );
  }
  return null;
};

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Turns a socket-level failure into a SyncError an admin can act on. */
const networkError = (
  error: NodeJS.ErrnoException,
  url: URL
): StopSyncError | TransientSyncError => {
  const code = error.code ?? 'unknown';
  if (TLS_CODES.has(code)) {
    return new StopSyncError(
      'csv-tls',
      `the certificate of ${url.host} is not trusted (${code}): if a proxy inspects TLS, paste its CA certificate in the connection's CA certificate setting`
    );
  }
  if (code === 'ECONNRESET' || error.message === 'aborted') {
    return new RetryableDownloadError(
      'csv-download-cut',
      `the connection to ${url.host} was cut before the whole file arrived (${code}); nothing was changed`
    );
  }
  const unreachable = `cannot reach ${url.host} (${code}): check the URL and that this server can reach that host`;
  return code === 'ENOTFOUND'
    ? new StopSyncError('csv-unreachable', unreachable)
    : new RetryableDownloadError('csv-unreachable', unreachable);
};

const statusError = (
  status: number,
  url: URL,
  sentCredentials: boolean,
  retryAfter: string | null
): StopSyncError | TransientSyncError => {
  if (status === 429 || status >= 500) {
    return new RetryableDownloadError(
      status === 429 ? 'csv-throttled' : 'csv-http-status',
      `the server answered HTTP ${status}${status === 429 ? ' (too many requests)' : ''} for ${safeUrl(url.href)}; nothing was changed`,
      parseRetryAfter(retryAfter)
    );
  }
  if (status === 401) {
    return sentCredentials
      ? new StopSyncError('csv-unauthorized', 'the server refused the username or password (401)')
      : new StopSyncError(
          'csv-unauthorized',
          'the server asks for a username and password (401): set them in the connection'
        );
  }
  if (status === 403) {
    return new StopSyncError(
      'csv-forbidden',
      'the server refused access to the file (403): the account may not read it'
    );
  }
  if (status === 404) {
    return new StopSyncError(
      'csv-not-found',
      `the file was not found at ${safeUrl(url.href)} (404): check the URL`
    );
  }
  return new StopSyncError(
    'csv-http-status',
    `the server answered HTTP ${status} for ${safeUrl(url.href)}; nothing was changed`
  );
};

/**
 * Fetches a CSV file over HTTPS (basic auth, CA, timeout, size limit, up to 5 redirects with the
 * credentials dropped when a redirect leaves the origin) and hands the 200 body to `consume`, which
 * must read it to the end. The timeout covers the whole download.
 */
export const fetchRemoteFile = async (
  request: RemoteRequest,
  consume: (body: http.IncomingMessage) => Promise<void>
): Promise<RemoteResponse> => {
  const invalid = checkUrl(request.url, request.allowHttp);
  if (invalid) throw invalid;
  const agent = new https.Agent({
    ca: request.caCertificate ? [...rootCertificates, request.caCertificate] : undefined,
    keepAlive: false,
  });
  const controller = new AbortController();
  let reason: 'timeout' | 'cancelled' | null = null;
  const timer = setTimeout(() => {
    reason = 'timeout';
    controller.abort();
  }, request.timeoutMs);
  const onCancel = () => {
    reason = 'cancelled';
    controller.abort();
  };
  request.signal?.addEventListener('abort', onCancel);
  if (request.signal?.aborted) onCancel();

  let url = new URL(request.url);
  try {
    let authorization =
      request.username || request.password
        ? `Basic ${Buffer.from(`${request.username ?? ''}:${request.password ?? ''}`).toString('base64')}`
        : null;
    for (let hop = 0; ; hop += 1) {
      const headers: Record<string, string> = { accept: 'text/csv, text/plain;q=0.9, */*;q=0.1' };
      if (authorization) headers.authorization = authorization;
      if (request.conditional?.etag) headers['if-none-match'] = request.conditional.etag;
      if (request.conditional?.lastModified) {
        headers['if-modified-since'] = request.conditional.lastModified;
      }
      const response = await send(url, headers, agent, controller.signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location) {
        response.resume();
        if (hop >= MAX_REDIRECTS) {
          throw new StopSyncError(
            'csv-too-many-redirects',
            `the server redirected more than ${MAX_REDIRECTS} times: check the URL`
          );
        }
        const next = new URL(location, url);
        const invalidNext = checkUrl(next.href, request.allowHttp);
        if (invalidNext) throw invalidNext;
        if (originOf(next) !== originOf(url)) authorization = null;
        url = next;
        continue;
      }
      const validators = {
        etag: header(response.headers.etag),
        lastModified: header(response.headers['last-modified']),
        url: url.href,
        status,
      };
      if (status === 304 && request.conditional) {
        response.resume();
        return { notModified: true, ...validators };
      }
      if (status !== 200) {
        response.resume();
        throw statusError(
          status,
          url,
          authorization !== null,
          header(response.headers['retry-after'])
        );
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxBytes) {
        response.destroy();
        throw tooLarge(request.maxBytes);
      }
      controller.signal.addEventListener('abort', () => response.destroy(new Error('aborted')));
      await consume(response);
      if (Number.isFinite(declared) && response.complete === false) {
        throw new RetryableDownloadError(
          'csv-download-cut',
          `the download stopped before the ${formatBytes(declared)} the server announced; nothing was changed`
        );
      }
      return { notModified: false, ...validators };
    }
  } catch (error) {
    if (reason === 'timeout') {
      throw new RetryableDownloadError(
        'csv-timeout',
        `the file did not arrive within ${Math.round(request.timeoutMs / 1000)} s (timeoutMs): the server at ${url.host} is too slow or the file too large`
      );
    }
    if (reason === 'cancelled') throw new CancelledError();
    if (error instanceof StopSyncError || error instanceof TransientSyncError) throw error;
    throw networkError(error as NodeJS.ErrnoException, url);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onCancel);
    agent.destroy();
  }
};

const header = (value: string | string[] | undefined): string | null =>
  (Array.isArray(value) ? value[0] : value) ?? null;

/** One GET, resolved with the response head; the body is left to the caller. */
const send = (
  url: URL,
  headers: Record<string, string>,
  agent: https.Agent,
  signal: AbortSignal
): Promise<http.IncomingMessage> =>
  new Promise((resolve, reject) => {
    const options = { method: 'GET', headers, signal };
    const request =
      url.protocol === 'https:'
        ? https.request(url, { ...options, agent })
        : http.request(url, { ...options, agent: false });
    request.once('response', resolve);
    request.once('error', reject);
    request.end();
  });
