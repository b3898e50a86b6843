/**
 * A fake Microsoft Entra ID + Microsoft Graph v1.0 over HTTPS, for tests, benchmark and demo.
 *
 *   const fake = await startGraphFake({ users: 200 });
 *   // fake.url, fake.tenantId, fake.clientId, fake.clientSecret; trust tests/fakes/certs/ca.pem
 *   fake.store.disableUser(fake.userId(3)); fake.inject({ kind: 429, times: 2, retryAfter: 0.05 });
 *   await fake.close();
 */
import { existsSync, readFileSync } from 'fs';
import { createServer, type Server } from 'https';
import type { IncomingMessage, ServerResponse } from 'http';
import type { AddressInfo, Socket } from 'net';
import { dirname, join } from 'path';
import { randomUUID } from 'crypto';

import { Faults, RequestLog, type FaultRule } from './faults';
import {
  ALL_PERMISSIONS,
  faultResponse,
  GraphApi,
  graphError,
  type ApiResponse,
  type Permission,
} from './graph-api';
import { IdentityEndpoints, type IdentityResponse } from './identity';
import { fakeGuid, GraphStore, type StoreOptions } from './store';

export type { FaultRule } from './faults';
export type { Permission } from './graph-api';
export type { FakeGroup, FakeUser } from './store';
export { GraphStore } from './store';

export type GraphFakeOptions = StoreOptions & {
  /** 0 (default) for an ephemeral port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  clientId?: string;
  clientSecret?: string;
  /** Application permissions granted with admin consent (default: all three). */
  permissions?: Permission[];
  /** Members per `members@delta` entry in groups delta (default 500). */
  deltaMemberChunk?: number;
  /** Every `$count` answers 403, as for an app or a tenant that may not count (default false). */
  refuseCount?: boolean;
  tokenLifetimeSeconds?: number;
};

export type GraphFake = {
  /** `https://localhost:PORT`: both the authority host and the Graph base URL. */
  url: string;
  port: number;
  tenantId: string;
  tenantDomain: string;
  clientId: string;
  clientSecret: string;
  /** The directory: read it, and change it between rounds (addUser, deleteUser, addMember...). */
  store: GraphStore;
  log: RequestLog;
  faults: Faults;
  /** The Graph object id of the generated person / group with this org index. */
  userId(index: number): string;
  groupId(index: number): string;
  /** Queues a fault for the next matching Graph request(s). */
  inject(rule: FaultRule): void;
  /** Paged responses on matching paths return the same nextLink forever (until clearFaults). */
  repeatNextLink(path?: string | RegExp): void;
  clearFaults(): void;
  /** From now on every `$count` answers 403 Authorization_RequestDenied (false: counts again). */
  refuseCount(refused?: boolean): void;
  grant(permission: Permission): void;
  revoke(permission: Permission): void;
  /** Changes the app's secret (the old one stops working). */
  setClientSecret(secret: string): void;
  /** The current secret now answers AADSTS7000222 (expired). */
  expireClientSecret(expired?: boolean): void;
  /** Every access token handed out so far is refused by Graph (401 InvalidAuthenticationToken). */
  expireAccessTokens(): void;
  /** Every delta token handed out so far answers 410 syncStateNotFound. */
  expireDeltaTokens(): void;
  close(): Promise<void>;
};

/** tests/fakes/certs, found from here upwards (also when this file is compiled elsewhere). */
const findCerts = (): string => {
  if (process.env.GRAPH_FAKE_CERTS) return process.env.GRAPH_FAKE_CERTS;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'certs'), join(dir, 'tests', 'fakes', 'certs')]) {
      if (existsSync(join(candidate, 'localhost.pem'))) return candidate;
    }
    if (dirname(dir) === dir) throw new Error('tests/fakes/certs not found (set GRAPH_FAKE_CERTS)');
  }
};

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

/** Gives the first record of a collection page fields of the wrong types (its id stays). */
const malform = (answer: ApiResponse) => {
  const body = answer.body as { value?: unknown } | undefined;
  const first = Array.isArray(body?.value) ? (body.value[0] as Record<string, unknown>) : null;
  if (!first || typeof first !== 'object') return;
  for (const key of ['userPrincipalName', 'mail', 'givenName', 'surname', 'displayName'])
    if (key in first) first[key] = { unexpected: [42] };
  if ('accountEnabled' in first) first.accountEnabled = 'maybe';
};

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Starts the fake on HTTPS with the committed test certificate. */
export const startGraphFake = async (options: GraphFakeOptions = {}): Promise<GraphFake> => {
  const store = new GraphStore(options);
  const faults = new Faults();
  const log = new RequestLog();
  const permissions = new Set<Permission>(options.permissions ?? ALL_PERMISSIONS);
  const switches = { refuseCount: options.refuseCount ?? false };
  const identity = new IdentityEndpoints({
    tenantId: store.tenantId,
    tenantDomain: store.tenantDomain,
    clientId: (options.clientId ?? fakeGuid('app', store.seed, 0)).toLowerCase(),
    clientSecret: options.clientSecret ?? `Fake~Secret.${store.seed}_not-for-production`,
    secretExpired: false,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
  });
  const api = new GraphApi({
    store,
    faults,
    log,
    permissions,
    deltaMemberChunk: options.deltaMemberChunk ?? 500,
    switches,
  });
  const sockets = new Set<Socket>();
  let port = options.port ?? 0;

  const send = (
    response: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: unknown
  ) => {
    const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
    response.writeHead(status, {
      ...headers,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache',
    });
    response.end(text);
  };

  const sendIdentity = (response: ServerResponse, result: IdentityResponse) =>
    send(
      response,
      result.status,
      { 'Content-Type': 'application/json; charset=utf-8' },
      result.body
    );

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const origin = `https://${request.headers.host ?? `localhost:${port}`}`;
    const url = new URL(request.url ?? '/', origin);
    const method = request.method ?? 'GET';
    const body = method === 'GET' ? '' : await readBody(request);
    let status = 0;
    const logIt = () =>
      log.add({ method, path: url.pathname, query: url.search, status, batched: false });

    const identityMatch =
      /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token|discovery\/v2\.0\/keys)$/.exec(
        url.pathname
      );
    if (identityMatch) {
      const [, tenant, endpoint] = identityMatch;
      let result: IdentityResponse;
      if (endpoint.startsWith('oauth2') && method === 'POST') {
        result = identity.token(decodeURIComponent(tenant), new URLSearchParams(body));
      } else if (endpoint.startsWith('v2.0') && method === 'GET') {
        result = identity.openidConfiguration(origin, decodeURIComponent(tenant));
      } else if (endpoint.startsWith('discovery') && method === 'GET') {
        result = identity.keys(decodeURIComponent(tenant));
      } else {
        result = {
          status: 405,
          body: { error: 'invalid_request', error_description: 'Method not allowed.' },
        };
      }
      status = result.status;
      logIt();
      sendIdentity(response, result);
      return;
    }

    if (!url.pathname.startsWith('/v1.0/')) {
      status = 404;
      logIt();
      send(response, 404, { 'Content-Type': 'text/plain' }, 'Not found');
      return;
    }

    const requestId = randomUUID();
    const graphHeaders = {
      'request-id': requestId,
      'client-request-id': String(request.headers['client-request-id'] ?? requestId),
      'x-ms-ags-diagnostic': JSON.stringify({
        ServerInfo: { DataCenter: 'Local Fake', Slice: 'E', Ring: '0' },
      }),
      'x-ms-resource-unit': '1',
      'Strict-Transport-Security': 'max-age=31536000',
    };
    const reply = (result: ApiResponse) => {
      status = result.status;
      logIt();
      send(response, result.status, { ...graphHeaders, ...result.headers }, result.body);
    };

    const authProblem = identity.checkBearer(request.headers.authorization);
    if (authProblem) {
      reply(graphError(401, 'InvalidAuthenticationToken', authProblem));
      return;
    }
    const fault = faults.take(`${url.pathname}${url.search}`, () => true);
    if (fault?.kind === 'cut') {
      logIt();
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') await delay(fault.delayMs ?? 2000);
    if (fault?.kind === 'expire-token') {
      identity.expireAccessTokens();
      reply(
        graphError(
          401,
          'InvalidAuthenticationToken',
          'Lifetime validation failed, the token is expired.'
        )
      );
      return;
    }
    if (fault && typeof fault.kind === 'number') {
      reply(faultResponse(fault.kind, fault.retryAfter));
      return;
    }
    let parsed: unknown = null;
    if (body) {
      try {
        parsed = JSON.parse(body);
      } catch {
        reply(graphError(400, 'BadRequest', 'Unable to read JSON request payload.'));
        return;
      }
    }
    const headers: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(request.headers)) {
      headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    const answer = api.handle({
      method,
      path: url.pathname.slice('/v1.0/'.length),
      query: url.searchParams,
      headers,
      body: parsed,
      origin,
      url: `${origin}${request.url ?? ''}`,
    });
    if (fault?.kind === 'malformed') malform(answer);
    if (fault?.kind === 'truncate') {
      // Headers and half the body, then the connection drops (a proxy or a server crash mid-write).
      status = answer.status;
      logIt();
      const text = JSON.stringify(answer.body);
      response.writeHead(answer.status, {
        ...graphHeaders,
        ...answer.headers,
        'Content-Length': Buffer.byteLength(text),
      });
      response.write(text.slice(0, Math.floor(text.length / 2)), () => response.destroy());
      return;
    }
    reply(answer);
  };

  const certs = findCerts();
  const server: Server = createServer(
    {
      key: readFileSync(join(certs, 'localhost-key.pem')),
      cert: readFileSync(join(certs, 'localhost.pem')),
    },
    (request, response) => {
      handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) {
          send(
            response,
            500,
            { 'Content-Type': 'application/json' },
            {
              error: {
                code: 'generalException',
                message: error instanceof Error ? error.message : String(error),
              },
            }
          );
        }
      });
    }
  );
  server.keepAliveTimeout = 5000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket) => {
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host ?? '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `https://localhost:${port}`,
    port,
    tenantId: store.tenantId,
    tenantDomain: store.tenantDomain,
    clientId: identity.config.clientId,
    get clientSecret() {
      return identity.config.clientSecret;
    },
    store,
    log,
    faults,
    userId: (index) => store.userIds[index],
    groupId: (index) => store.groupIds[index],
    inject: (rule) => faults.add(rule),
    repeatNextLink: (path) => {
      faults.repeatedNextLink = { path };
    },
    clearFaults: () => faults.clear(),
    refuseCount: (refused = true) => {
      switches.refuseCount = refused;
    },
    grant: (permission) => {
      permissions.add(permission);
    },
    revoke: (permission) => {
      permissions.delete(permission);
    },
    setClientSecret: (secret) => {
      identity.config.clientSecret = secret;
      identity.config.secretExpired = false;
    },
    expireClientSecret: (expired = true) => {
      identity.config.secretExpired = expired;
    },
    expireAccessTokens: () => identity.expireAccessTokens(),
    expireDeltaTokens: () => store.expireDeltaTokens(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
