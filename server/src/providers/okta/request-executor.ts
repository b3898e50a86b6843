/**
 * The transport under the Okta SDK. The SDK's own DefaultRequestExecutor retries only a 429 that
 * carries exactly one X-Rate-Limit-Reset, never a 5xx, a cut or a slow response. This executor:
 *
 * - trusts an extra CA certificate (the directory's `caCertificate`) for all HTTPS traffic, the
 *   OAuth token request included, without touching Node's global agent;
 * - reads each body in full inside the retry loop, so a response cut half way (or a JSON body
 *   that does not parse) is retried, and refuses bodies over a size cap;
 * - retries 429 (waiting for X-Rate-Limit-Reset, measured against the server's Date header), 5xx
 *   and network errors with backoff, then throws TransientSyncError with a plain message;
 * - slows down before a rate-limit bucket runs dry (X-Rate-Limit-Remaining), leaving a share of the
 *   org's budget to other API clients;
 * - turns OAuth token endpoint refusals into StopSyncErrors that name the fix;
 * - remembers the server's Date header: the incremental cursor is taken from Okta's clock.
 */
import http from 'http';
import https from 'https';
import { rootCertificates } from 'tls';
import { RequestExecutor } from '@okta/okta-sdk-nodejs';
import { CancelledError, StopSyncError, TransientSyncError } from '../errors';
import type { ProviderLogger } from '../types';

/** The part of a node-fetch Response the executor and the SDK use. */
type FetchHeaders = {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
};
type FetchResponse = {
  url: string;
  status: number;
  statusText: string;
  headers: FetchHeaders;
  buffer(): Promise<Buffer>;
};
type FetchResponseClass = new (
  body: Buffer,
  init: { url: string; status: number; statusText: string; headers: FetchHeaders }
) => FetchResponse;

/** The request the SDK hands over: a plain object (token request) or its RequestContext. */
type OktaRequest = {
  url?: unknown;
  method?: string;
  agent?: unknown;
  timeout?: number;
  /** node-fetch's body size limit: over it, reading the body fails with type `max-size`. */
  size?: number;
  signal?: AbortSignal;
};
type SdkRequest = Parameters<RequestExecutor['fetch']>[0];

export type ExecutorOptions = {
  maxRetries: number;
  retryBaseDelayMs: number;
  requestTimeoutMs: number;
  rateLimitReserve: number;
  /** Largest body read, in bytes. */
  maxResponseBytes?: number;
  caCertificate?: string;
  log: ProviderLogger;
  signal?: AbortSignal;
};

/** A rate-limit bucket: what Okta last said, on our clock, and a pause shared by all requests. */
type Bucket = { limit: number; remaining: number; resetAt: number; pauseUntil: number };

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const MAX_WAIT_MS = 120_000;
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);
/** Errors raised before the request reached Okta: safe to retry even a token request. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The rate-limit bucket of a request, e.g. `GET /api/v1/groups/*\/users`. */
export const bucketOf = (method: string, pathname: string): string =>
  `${method.toUpperCase()} ${pathname.replace(/\/(users|groups|apps)\/[^/]+/g, '/$1/*')}`;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** `host` is listed in NO_PROXY (the SDK honours HTTPS_PROXY but not NO_PROXY). */
const bypassesProxy = (hostname: string): boolean => {
  const list = (process.env.NO_PROXY ?? process.env.no_proxy ?? '').split(',');
  return list.some((entry) => {
    const rule = entry.trim().toLowerCase().replace(/:\d+$/, '');
    if (!rule) return false;
    if (rule === '*') return true;
    const bare = rule.replace(/^\*?\./, '');
    return hostname === bare || hostname.endsWith(`.${bare}`);
  });
};

const errorCode = (error: unknown): string => {
  if (typeof error !== 'object' || error === null) return '';
  const record = error as { code?: unknown; type?: unknown; name?: unknown };
  if (typeof record.code === 'string') return record.code;
  if (typeof record.type === 'string') return record.type;
  return typeof record.name === 'string' ? record.name : '';
};

const parseJson = (body: Buffer): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

const isJson = (response: FetchResponse) =>
  /json/i.test(response.headers.get('content-type') ?? '');

const TOKEN_ADVICE: Record<string, string> = {
  invalid_client:
    'Check the Client ID, that the app uses "Public key / Private key" client authentication, that a public key with this Key ID is registered and active on the app, and that the private key saved here is its pair.',
  invalid_scope:
    'Grant okta.users.read, okta.groups.read and okta.apps.read on the app\'s "Okta API Scopes" tab.',
  unauthorized_client:
    'The app may not use the client credentials grant: create an "API Services" app for the sync.',
  use_dpop_nonce:
    'The app requires DPoP proofs: on its General tab, clear "Require Demonstrating Proof of Possession (DPoP) header in token requests".',
  invalid_dpop_proof:
    'The app requires DPoP proofs: on its General tab, clear "Require Demonstrating Proof of Possession (DPoP) header in token requests".',
};

export class OktaRequestExecutor extends RequestExecutor {
  /** Date header of the first response: the server's time when this run started reading. */
  firstServerDate: Date | null = null;
  private readonly buckets = new Map<string, Bucket>();
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: ExecutorOptions) {
    super();
    const ca = options.caCertificate?.trim();
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      ...(ca ? { ca: [...rootCertificates, ca] } : {}),
    });
  }

  /** Sends one request with retries; resolves with a response whose body is fully read. */
  async fetch(sdkRequest: SdkRequest): Promise<FetchResponse> {
    const request = sdkRequest as OktaRequest;
    const url = new URL(String(request.url));
    const isToken = url.pathname === '/oauth2/v1/token';
    const bucket = bucketOf(request.method ?? 'GET', url.pathname);
    if (!request.agent || bypassesProxy(url.hostname)) {
      request.agent = url.protocol === 'https:' ? this.httpsAgent : this.httpAgent;
    }
    request.timeout = this.options.requestTimeoutMs;
    if (this.options.maxResponseBytes) request.size = this.options.maxResponseBytes;
    if (this.options.signal) request.signal = this.options.signal;

    for (let attempt = 0; ; attempt += 1) {
      await this.throttle(bucket);
      let response: FetchResponse;
      let body: Buffer;
      try {
        response = (await super.fetch(sdkRequest)) as FetchResponse;
        body = await response.buffer();
      } catch (error) {
        if (this.options.signal?.aborted) throw new CancelledError();
        const code = errorCode(error);
        if (code === 'max-size') {
          throw new StopSyncError(
            'okta-response-too-large',
            `Okta sent more than ${((this.options.maxResponseBytes ?? 0) / 1048576).toFixed(2)} MB for ${url.pathname}; the run stopped without reading it. Lower the page size, or raise the option maxResponseMegabytes if the org really needs it.`
          );
        }
        const reason = error instanceof Error ? error.message : String(error);
        if (TLS_CODES.has(code)) {
          throw new StopSyncError(
            'okta-tls',
            `The TLS certificate of ${url.host} is not trusted (${code}). If a proxy inspects TLS traffic, paste its CA certificate (PEM) in "CA certificate" on the Connection tab.`
          );
        }
        if (code === 'ENOTFOUND') {
          throw new StopSyncError(
            'okta-host-not-found',
            `The host ${url.hostname} was not found: check the Okta org URL (e.g. https://acme.okta.com).`
          );
        }
        const retryable = !isToken || NOT_SENT_CODES.has(code);
        if (!retryable || attempt >= this.options.maxRetries) {
          throw new TransientSyncError(
            'okta-network',
            `Okta could not be reached at ${url.host} (${code || reason}) after ${attempt + 1} attempt(s). The next run will try again.`
          );
        }
        const delay = this.backoff(attempt);
        this.options.log.warn(
          `Okta: ${request.method ?? 'GET'} ${url.pathname} failed (${code || reason}); retry ${attempt + 1} of ${this.options.maxRetries} in ${Math.round(delay)} ms.`
        );
        await sleep(delay, this.options.signal);
        continue;
      }

      this.record(bucket, response);
      if (response.status < 300 && isJson(response) && parseJson(body) === null) {
        // A body cut short inside complete HTTP framing (a proxy, a crash mid-write): read again.
        if (attempt >= this.options.maxRetries) {
          throw new TransientSyncError(
            'okta-bad-answer',
            `Okta sent an answer for ${url.pathname} that is not valid JSON (cut short?) ${attempt + 1} times; nobody was disabled. The next run will try again.`
          );
        }
        const delay = this.backoff(attempt);
        this.options.log.warn(
          `Okta: ${request.method ?? 'GET'} ${url.pathname} sent a body that is not valid JSON; retry ${attempt + 1} of ${this.options.maxRetries} in ${Math.round(delay)} ms.`
        );
        await sleep(delay, this.options.signal);
        continue;
      }
      if (RETRYABLE_STATUS.has(response.status)) {
        if (attempt >= this.options.maxRetries) throw this.exhausted(url, response, body, attempt);
        const delay =
          response.status === 429 ? this.rateLimitDelay(response) : this.backoff(attempt);
        this.options.log.warn(
          `Okta: ${request.method ?? 'GET'} ${url.pathname} answered ${response.status}; retry ${attempt + 1} of ${this.options.maxRetries} in ${Math.round(delay)} ms.`
        );
        await sleep(delay, this.options.signal);
        continue;
      }
      if (isToken && response.status >= 400) throw this.tokenError(response.status, body);
      // The body was consumed here; hand the SDK an equal response it can read again.
      const Response = response.constructor as FetchResponseClass;
      return new Response(body, {
        url: response.url,
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }
  }

  /** Closes idle keep-alive sockets. */
  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private backoff(attempt: number): number {
    const base = this.options.retryBaseDelayMs * 2 ** attempt;
    return Math.min(30_000, base * (0.75 + Math.random() * 0.5));
  }

  /** Until X-Rate-Limit-Reset, measured on the server's clock (Date), plus a margin. */
  private rateLimitDelay(response: FetchResponse): number {
    const resets = (response.headers.get('x-rate-limit-reset') ?? '')
      .split(',')
      .map((value) => Number.parseInt(value, 10))
      .filter((value) => Number.isFinite(value));
    const date = Date.parse(response.headers.get('date') ?? '');
    if (resets.length === 0 || Number.isNaN(date)) return Math.max(1000, this.backoff(0));
    const delay = Math.max(...resets) * 1000 - date + 250;
    return Math.min(MAX_WAIT_MS, Math.max(250, delay));
  }

  private record(bucket: string, response: FetchResponse) {
    const date = Date.parse(response.headers.get('date') ?? '');
    if (!Number.isNaN(date) && !this.firstServerDate) this.firstServerDate = new Date(date);
    const limit = Number.parseInt(response.headers.get('x-rate-limit-limit') ?? '', 10);
    const remaining = Number.parseInt(response.headers.get('x-rate-limit-remaining') ?? '', 10);
    const reset = Number.parseInt(response.headers.get('x-rate-limit-reset') ?? '', 10);
    if ([limit, remaining, reset, date].some((value) => Number.isNaN(value))) return;
    // Reset is on the server's clock: convert through the Date header to ours.
    const pauseUntil = this.buckets.get(bucket)?.pauseUntil ?? 0;
    this.buckets.set(bucket, {
      limit,
      remaining,
      resetAt: Date.now() + (reset * 1000 - date),
      pauseUntil,
    });
  }

  /** Waits for the window to reset when the bucket is down to its reserve. */
  private async throttle(bucket: string) {
    const state = this.buckets.get(bucket);
    if (!state) return;
    const now = Date.now();
    if (state.pauseUntil <= now) {
      const reserve = Math.max(1, Math.floor(state.limit * this.options.rateLimitReserve));
      // Date has a one-second resolution: a second more makes sure the window has turned.
      if (state.remaining <= reserve && state.resetAt + 1000 > now) {
        state.pauseUntil = state.resetAt + 1000;
        this.options.log.info(
          `Okta: rate limit for ${bucket} nearly used (${state.remaining} of ${state.limit} left); waiting ${Math.ceil((state.pauseUntil - now) / 1000)} s for the window to reset.`
        );
      }
    }
    if (state.pauseUntil > now)
      await sleep(Math.min(state.pauseUntil - now, MAX_WAIT_MS), this.options.signal);
    // Counted down here so concurrent requests see each other; the next response corrects it.
    state.remaining -= 1;
  }

  private exhausted(url: URL, response: FetchResponse, body: Buffer, attempt: number) {
    const json = parseJson(body);
    const summary = typeof json?.errorSummary === 'string' ? ` (${json.errorSummary})` : '';
    const errorId = typeof json?.errorId === 'string' ? ` Okta error id: ${json.errorId}.` : '';
    if (response.status === 429) {
      return new TransientSyncError(
        'okta-rate-limited',
        `Okta kept answering 429 Too Many Requests for ${url.pathname} after ${attempt + 1} attempts: the org's rate limit is used up, maybe by other API clients. The next run will try again.${errorId}`
      );
    }
    return new TransientSyncError(
      'okta-unavailable',
      `Okta answered ${response.status}${summary} for ${url.pathname} ${attempt + 1} times; Okta may be having trouble (see status.okta.com). The next run will try again.${errorId}`
    );
  }

  private tokenError(status: number, body: Buffer) {
    const json = parseJson(body);
    const error = typeof json?.error === 'string' ? json.error : `http_${status}`;
    const description =
      typeof json?.error_description === 'string'
        ? json.error_description
        : body.toString('utf8').slice(0, 200);
    const advice = TOKEN_ADVICE[error] ?? "Check the app's settings in the Okta Admin Console.";
    return new StopSyncError(
      `okta-oauth-${error}`,
      `Okta refused the access token request (${error}: ${description}). ${advice}`
    );
  }
}
