/**
 * The wire: a client-credentials token from Entra ID (@azure/identity) and Microsoft Graph requests
 * (@microsoft/microsoft-graph-client) over one provider-owned HTTPS agent, with our own retries
 * (Retry-After honoured and capped), a fresh token once when Graph refuses one mid-run, a size cap
 * on every answer, page walking with a repeated-link guard, and `$batch` reads.
 */
import { Agent } from 'https';
import { rootCertificates } from 'tls';
import { ClientSecretCredential } from '@azure/identity';
import {
  AuthenticationHandler,
  Client,
  GraphError,
  type AuthenticationProvider,
} from '@microsoft/microsoft-graph-client';

import { CancelledError, StopSyncError } from '../errors';
import type { ProviderContext } from '../types';
import {
  classify,
  exhausted,
  pathOf,
  unknownTenant,
  untrustedCertificate,
  type CredentialContext,
  type Outcome,
} from './errors';
import { GraphNetworkError, HttpsHandler, sendHttps, TLS_ERROR_CODES } from './https-handler';
import { isObject, type RawObject } from './map';
import type { AzureOptions, ResolvedConnection } from './settings';

type RequestOptions = { headers?: Record<string, string>; body?: unknown; method?: 'GET' | 'POST' };

export class GraphConnection {
  private readonly agent: Agent;
  private credential: ClientSecretCredential;
  private readonly client: Client;
  private readonly scope: string;
  private readonly credentialContext: CredentialContext;

  constructor(
    private readonly connection: ResolvedConnection,
    private readonly options: AzureOptions,
    private readonly context: ProviderContext
  ) {
    // `ca` replaces Node's bundled roots, so the public roots stay in and the extra CA is added.
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 8,
      ca: connection.caCertificate ? [...rootCertificates, connection.caCertificate] : undefined,
    });
    this.credential = this.newCredential();
    this.scope = `${connection.graphBaseUrl}/.default`;
    const authProvider: AuthenticationProvider = {
      getAccessToken: async () => {
        const token = await this.credential.getToken(this.scope);
        if (!token)
          throw new StopSyncError('azure-token-refused', 'Entra ID returned no access token.');
        return token.token;
      },
    };
    // Our own chain: no RetryHandler (we retry ourselves), and HTTPS through our agent.
    const chain = [
      new AuthenticationHandler(authProvider),
      new HttpsHandler(this.agent, options.requestTimeoutSeconds * 1000, options.maxResponseBytes),
    ];
    this.client = Client.initWithMiddleware({
      middleware: chain,
      baseUrl: `${connection.graphBaseUrl}/`,
      defaultVersion: 'v1.0',
      customHosts: new Set([new URL(connection.graphBaseUrl).hostname]),
    });
    this.credentialContext = {
      tenantId: connection.tenantId,
      clientId: connection.clientId,
      authorityHost: connection.authorityHost,
      graphBaseUrl: connection.graphBaseUrl,
    };
  }

  /** A credential with an empty token cache (MSAL keeps a token until it expires). */
  private newCredential(): ClientSecretCredential {
    const { connection } = this;
    return new ClientSecretCredential(
      connection.tenantId,
      connection.clientId,
      connection.clientSecret,
      {
        authorityHost: connection.authorityHost,
        disableInstanceDiscovery: true,
        // Token requests go through the same agent (core-rest-pipeline's agent policy).
        agent: this.agent,
        retryOptions: { maxRetries: 2, retryDelayInMs: 500, maxRetryDelayInMs: 2000 },
      }
    );
  }

  /** The origin every Graph link must share (delta links from another cloud are not reused). */
  get graphOrigin(): string {
    return this.connection.graphBaseUrl;
  }

  /** Acquires a token now (for the connection test); throws the classified error. */
  async acquireToken(): Promise<void> {
    await this.withRetries(
      `${this.connection.authorityHost}/${this.connection.tenantId}`,
      async () => {
        const token = await this.credential.getToken(this.scope);
        if (!token)
          throw new StopSyncError('azure-token-refused', 'Entra ID returned no access token.');
      }
    );
  }

  /** GET one resource; null on 404 when allowed. */
  async get(
    url: string,
    options: RequestOptions & { allowNotFound: true }
  ): Promise<RawObject | null>;
  async get(url: string, options?: RequestOptions): Promise<RawObject>;
  async get(
    url: string,
    options: RequestOptions & { allowNotFound?: boolean } = {}
  ): Promise<RawObject | null> {
    const result = await this.withRetries(
      url,
      () => this.send(url, options),
      options.allowNotFound
    );
    if (result === null) return null;
    if (!isObject(result)) {
      throw new StopSyncError(
        'azure-graph-response',
        `Microsoft Graph sent an answer that is not a JSON object for ${pathOf(url)}; the run stopped so that nobody is disabled on a partial read. Run the sync again; if it keeps happening, check that the Graph base URL points at Microsoft Graph and not at a proxy's error page.`
      );
    }
    return result;
  }

  /**
   * The integer a `$count` segment answers (`/users/$count`, `.../microsoft.graph.user/$count`).
   * Graph counts directory objects only with `ConsistencyLevel: eventual` (without it: 400
   * Request_UnsupportedQuery) and answers `text/plain`, e.g. `2043`. At most `retries` retries:
   * a count is worth less than the listing it announces.
   */
  async count(url: string, retries = 1): Promise<number> {
    const answer = await this.withRetries(
      url,
      () => this.send(url, { headers: { ConsistencyLevel: 'eventual' } }),
      false,
      Math.min(retries, this.options.maxRetries)
    );
    // Tolerate a byte order mark or white space around the digits.
    const match = /^\uFEFF?\s*(\d+)\s*$/.exec(
      typeof answer === 'number' ? String(answer) : `${answer}`
    );
    if (!match) {
      throw new StopSyncError(
        'azure-graph-response',
        `Microsoft Graph answered ${pathOf(url)} without a count.`
      );
    }
    return Number(match[1]);
  }

  /**
   * Walks a collection page by page, following `@odata.nextLink` itself (so the caller can await
   * work between pages). The last page carries `@odata.deltaLink` on delta queries.
   */
  async *pages(first: string, headers: Record<string, string> = {}): AsyncGenerator<RawObject> {
    const seen = new Set<string>();
    let link: string | null = first;
    while (link !== null) {
      this.throwIfCancelled();
      const page: RawObject = await this.get(link, { headers });
      const next = page['@odata.nextLink'];
      if (typeof next === 'string') {
        if (seen.has(next) || next === link) {
          throw new StopSyncError(
            'graph-repeated-link',
            `Microsoft Graph returned the same next-page link twice while reading ${pathOf(first)}; the run stopped instead of looping forever. Try again later; if it keeps happening, report it to Microsoft support with the link ${next.slice(0, 200)}.`
          );
        }
        seen.add(next);
      }
      yield page;
      link = typeof next === 'string' ? next : null;
    }
  }

  /** Every item of a collection (for small ones: members of one group, memberships of one user). */
  async readAll(first: string, headers: Record<string, string> = {}): Promise<RawObject[]> {
    const items: RawObject[] = [];
    for await (const page of this.pages(first, headers)) items.push(...values(page));
    return items;
  }

  /** Like readAll, but null when the resource does not exist (404). */
  async readAllOrNull(first: string): Promise<RawObject[] | null> {
    const firstPage = await this.get(first, { allowNotFound: true });
    if (firstPage === null) return null;
    const items = values(firstPage);
    const next = firstPage['@odata.nextLink'];
    // A loop, not push(...): a group of a million members is past the engine's argument limit.
    if (typeof next === 'string') for (const item of await this.readAll(next)) items.push(item);
    return items;
  }

  /**
   * GETs many relative URLs through `$batch` (20 per request). Throttled items are retried after
   * their Retry-After; 404 items give null; results keep the order of `paths`.
   */
  async batchGet(paths: string[]): Promise<Array<RawObject | null>> {
    const results: Array<RawObject | null> = new Array(paths.length).fill(null);
    for (let start = 0; start < paths.length; start += 20) {
      let pending = paths.slice(start, start + 20).map((_, offset) => start + offset);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        this.throwIfCancelled();
        const body = {
          requests: pending.map((index) => ({
            id: String(index),
            method: 'GET',
            url: paths[index],
          })),
        };
        const answer = await this.withRetries('/$batch', () =>
          this.send('/$batch', { method: 'POST', body })
        );
        const responses =
          isObject(answer) && Array.isArray(answer.responses) ? answer.responses : [];
        const retry: number[] = [];
        let wait: Outcome | null = null;
        const answered = new Set<number>();
        for (const item of responses) {
          if (!isObject(item)) continue;
          const index = Number(item.id);
          if (!pending.includes(index)) continue;
          answered.add(index);
          const status = typeof item.status === 'number' ? item.status : 500;
          if (status >= 200 && status < 300) {
            results[index] = isObject(item.body) ? item.body : null;
            continue;
          }
          const outcome = await this.classifyError(batchItemError(status, item), paths[index]);
          if (outcome.kind === 'not-found') results[index] = null;
          else if (outcome.kind === 'fail') throw outcome.error;
          else {
            retry.push(index);
            if (
              !wait ||
              (outcome.retryAfterMs ?? 0) > (wait.kind === 'retry' ? (wait.retryAfterMs ?? 0) : 0)
            ) {
              wait = outcome;
            }
          }
        }
        for (const index of pending) if (!answered.has(index)) retry.push(index);
        if (retry.length === 0) break;
        const outcome: Outcome = wait ?? {
          kind: 'retry',
          reason: 'server-error',
          status: null,
          retryAfterMs: null,
          detail: '$batch left items unanswered',
        };
        if (outcome.kind !== 'retry') break;
        if (attempt >= this.options.maxRetries) throw exhausted(outcome, this.options.maxRetries);
        await this.pause(outcome, attempt, 'a $batch');
        pending = retry;
      }
    }
    return results;
  }

  /** Frees the sockets. */
  close(): void {
    this.agent.destroy();
  }

  private async send(url: string, options: RequestOptions): Promise<unknown> {
    let request = this.client.api(url);
    for (const [key, value] of Object.entries(options.headers ?? {}))
      request = request.header(key, value);
    if (this.context.signal) request = request.option('signal', this.context.signal);
    return options.method === 'POST' ? request.post(options.body) : request.get();
  }

  private async withRetries<T>(
    url: string,
    action: () => Promise<T>,
    allowNotFound = false,
    maxRetries = this.options.maxRetries
  ): Promise<T | null> {
    let renewed = false;
    for (let attempt = 0; ; attempt += 1) {
      this.throwIfCancelled();
      try {
        return await action();
      } catch (error) {
        this.throwIfCancelled();
        // A token Graph refuses before its time (revoked, rotated keys, a clock ahead): ask Entra
        // ID for a fresh one, once; a second refusal is a real problem.
        if (!renewed && error instanceof GraphError && error.statusCode === 401) {
          renewed = true;
          this.context.log.info(
            `Microsoft Graph refused the access token on ${pathOf(url)} (${error.code ?? '401'}); asking Entra ID for a new one.`
          );
          this.credential = this.newCredential();
          attempt -= 1;
          continue;
        }
        const outcome = await this.classifyError(error, url);
        if (outcome.kind === 'not-found') {
          if (allowNotFound) return null;
          throw new StopSyncError(
            'azure-not-found',
            `Microsoft Graph has no ${pathOf(url)} (404).`
          );
        }
        if (outcome.kind === 'fail') throw outcome.error;
        if (attempt >= maxRetries) throw exhausted(outcome, maxRetries);
        await this.pause(outcome, attempt, pathOf(url), maxRetries);
      }
    }
  }

  private classifyError(error: unknown, url: string): Promise<Outcome> {
    return classify(error, url, this.credentialContext, () => this.explainAuthority());
  }

  /** Waits as Graph asked (Retry-After), or backs off exponentially; both capped. */
  private async pause(
    outcome: Extract<Outcome, { kind: 'retry' }>,
    attempt: number,
    what: string,
    maxRetries = this.options.maxRetries
  ) {
    const capMs = this.options.maxRetryAfterSeconds * 1000;
    const wanted = outcome.retryAfterMs ?? 1000 * 2 ** attempt;
    const waitMs = Math.max(0, Math.min(capMs, wanted));
    const message = `Microsoft Graph: ${outcome.detail} on ${what}; retry ${attempt + 1} of ${maxRetries} in ${(waitMs / 1000).toFixed(2)} s.`;
    if (outcome.reason === 'network' || outcome.reason === 'server-error')
      this.context.log.warn(message);
    else this.context.log.info(message);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      const signal = this.context.signal;
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done);
    });
    this.throwIfCancelled();
  }

  /**
   * @azure/identity says only "endpoints_resolution_error" when the OpenID configuration cannot be
   * read: ask for it ourselves to tell an unknown tenant from an untrusted certificate or a network
   * failure (null: retry as a network problem).
   */
  private async explainAuthority(): Promise<Error | null> {
    const { authorityHost, tenantId } = this.connection;
    const url = `${authorityHost}/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`;
    try {
      const response = await sendHttps(url, { method: 'GET', headers: {} }, this.agent, 15_000);
      const text = await response.text();
      if (response.status === 400 && /invalid_tenant|AADSTS90002|AADSTS900023/.test(text)) {
        return unknownTenant(
          this.credentialContext,
          /AADSTS900023/.test(text) ? '900023' : '90002'
        );
      }
      if (response.status >= 400 && response.status < 500) {
        return new StopSyncError(
          'azure-authority',
          `${authorityHost} did not serve an OpenID configuration for tenant "${tenantId}" (HTTP ${response.status}). Check the authority host and the tenant id.`
        );
      }
      return null;
    } catch (error) {
      if (error instanceof GraphNetworkError && TLS_ERROR_CODES.has(error.errorCode)) {
        return untrustedCertificate(new URL(authorityHost).host, error.errorCode);
      }
      return null;
    }
  }

  private throwIfCancelled() {
    if (this.context.signal?.aborted) throw new CancelledError();
  }
}

const values = (page: RawObject): RawObject[] =>
  Array.isArray(page.value) ? page.value.filter(isObject) : [];

/** A `$batch` item's failure as the GraphError the SDK would have thrown for a lone request. */
const batchItemError = (status: number, item: RawObject): GraphError => {
  const body = isObject(item.body) ? item.body : {};
  const inner = isObject(body.error) ? body.error : {};
  const error = new GraphError(
    status,
    typeof inner.message === 'string' ? inner.message : `HTTP ${status}`
  );
  error.code = typeof inner.code === 'string' ? inner.code : null;
  const headers = new Headers();
  if (isObject(item.headers)) {
    for (const [key, value] of Object.entries(item.headers)) {
      if (typeof value === 'string' || typeof value === 'number') headers.set(key, String(value));
    }
  }
  error.headers = headers;
  return error;
};
