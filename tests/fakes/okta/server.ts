/**
 * A fake Okta org over HTTP (or HTTPS with tests/fakes/certs): the management API a directory sync
 * reads (users, groups, members, app group assignments, apps), both credential modes (SSWS API token
 * and OAuth 2.0 service apps with private_key_jwt), Link-header paging, rate-limit headers and
 * budgets, Okta's error bodies, a controllable clock and fault injection. The real
 * @okta/okta-sdk-nodejs talks to it unchanged.
 */
import { readFileSync } from 'fs';
import http from 'http';
import https from 'https';
import type { AddressInfo } from 'net';
import path from 'path';
import { OktaAuth, READ_SCOPES, type ServiceAppCredentials } from './auth';
import {
  compileExpression,
  ExpressionError,
  GROUP_FILTER,
  GROUP_SEARCH,
  USER_FILTER,
  USER_SEARCH,
  type Grammar,
} from './expression';
import { FaultQueue } from '../faults';
import { renderApp, renderAssignment, renderError, renderGroup, renderUser } from './render';
import {
  OktaStore,
  upperBound,
  type StoreOptions,
  type StoredGroup,
  type StoredUser,
} from './store';

export type RateLimit = { limit: number; windowMs: number };

/**
 * A fault for the next matching request(s): a status (429 with its reset, 500, 503, or a refusal
 * `400` E0000001), a slow answer, a body cut half way (`cut`), an empty page that still links to a
 * next one, the access tokens handed out so far expiring now (`expire-token`: OAuth mode; an SSWS
 * token is refused for good), or a page whose first user has a profile with wrong types.
 */
export type Fault =
  | { kind: '429'; resetSeconds?: number }
  | { kind: '500' }
  | { kind: '503' }
  | { kind: '400' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'cut' }
  | { kind: 'empty-page' }
  | { kind: 'expire-token' }
  | { kind: 'malformed' };

export type FaultOptions = {
  /** Only requests whose path (without query) contains this string or matches this RegExp. */
  path?: string | RegExp;
  /** Let this many matching requests through first ("500 mid-way"). */
  skip?: number;
};

export type RequestLogEntry = {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  auth: 'ssws' | 'bearer' | 'none' | 'invalid';
  bucket: string;
  fault?: Fault['kind'];
};

/** Which admin permissions the credentials carry (both modes): false -> 403 E0000006. */
export type Permissions = { users: boolean; groups: boolean; apps: boolean };

export type OktaFakeOptions = StoreOptions & {
  /** 0 (default): an ephemeral port. */
  port?: number;
  /** Serve HTTPS with tests/fakes/certs/localhost.pem (true) or the given key and certificate. */
  https?: boolean | { key: string | Buffer; cert: string | Buffer };
  /** The SSWS API token (default: random). */
  apiToken?: string;
  /** Rate limits per bucket (`GET /api/v1/users`, `GET /api/v1/groups/*\/users`, ...) or `default`. */
  rateLimits?: Record<string, RateLimit>;
};

export type OktaFake = {
  /** The org URL, without a trailing slash. */
  url: string;
  port: number;
  apiToken: string;
  /** The app whose assigned groups are synced (an OIDC web app). */
  appId: string;
  store: OktaStore;
  auth: OktaAuth;
  /** Registers an OAuth service app (RSA key pair generated here); default scopes: the 3 read ones. */
  createServiceApp(options?: { scopes?: string[]; requireDpop?: boolean }): ServiceAppCredentials;
  /** The next `count` matching requests get `fault`. */
  failNext(count: number, fault: Fault | Fault['kind'], options?: FaultOptions): void;
  /** Drops pending faults. */
  clearFaults(): void;
  /** Faults queued and not yet served. */
  pendingFaults(): number;
  setPermissions(permissions: Partial<Permissions>): void;
  setRateLimit(bucket: string, limit: RateLimit): void;
  /** Moves the org's clock (timestamps, Date header) forward. */
  advanceClock(ms: number): void;
  /** The org's clock, ms since epoch. */
  now(): number;
  requests: RequestLogEntry[];
  /** Requests whose path contains `pathPart` (all when omitted). */
  requestCount(pathPart?: string): number;
  clearRequests(): void;
  close(): Promise<void>;
};

type Reply = {
  status: number;
  body: unknown;
  headers?: Record<string, string | string[]>;
};

/** The paged list endpoints (where the empty-page fault applies). */
const LIST_PATH = /^\/api\/v1\/(users|groups|groups\/[^/]+\/users|apps\/[^/]+\/groups)$/;

const DEFAULT_RATE_LIMIT: RateLimit = { limit: 100_000, windowMs: 60_000 };

const CERTS = path.resolve(__dirname, '..', 'certs');

const SCOPE_FOR: Record<string, string> = {
  users: 'okta.users.read',
  groups: 'okta.groups.read',
  apps: 'okta.apps.read',
};

/** The rate-limit bucket of a request, e.g. `GET /api/v1/groups/*\/users`. */
export const bucketOf = (method: string, pathname: string) =>
  `${method} ${pathname.replace(/\/(users|groups|apps)\/[^/]+/g, '/$1/*')}`;

const intParam = (value: string | null, fallback: number) => {
  if (value === null || value === '') return fallback;
  const parsed = Number.parseInt(value, 10);
  return Number.isNaN(parsed) ? Number.NaN : parsed;
};

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

class RateLimiter {
  private readonly buckets = new Map<string, RateLimit & { remaining: number; resetAt: number }>();

  constructor(readonly config: Record<string, RateLimit>) {}

  take(bucket: string): { allowed: boolean; limit: number; remaining: number; resetAt: number } {
    const config = this.config[bucket] ?? this.config.default ?? DEFAULT_RATE_LIMIT;
    let state = this.buckets.get(bucket);
    const now = Date.now();
    if (!state || now >= state.resetAt || state.limit !== config.limit) {
      state = { ...config, remaining: config.limit, resetAt: now + config.windowMs };
      this.buckets.set(bucket, state);
    }
    if (state.remaining <= 0) return { allowed: false, ...state, remaining: 0 };
    state.remaining -= 1;
    return { allowed: true, ...state };
  }
}

/** Gives the first user of a list page a profile whose fields have the wrong types (id kept). */
const malform = (reply: Reply) => {
  if (reply.status !== 200 || !Array.isArray(reply.body)) return;
  const first = reply.body[0] as { profile?: Record<string, unknown> } | undefined;
  if (!first?.profile) return;
  for (const key of ['login', 'email', 'firstName', 'lastName'])
    first.profile[key] = { unexpected: [42] };
};

export const startOktaFake = async (options: OktaFakeOptions = {}): Promise<OktaFake> => {
  let offset = 0;
  const now = () => Date.now() + offset;
  const store = new OktaStore({ ...options, now });
  const auth = new OktaAuth(options.apiToken);
  const limiter = new RateLimiter({ ...options.rateLimits });
  const permissions: Permissions = { users: true, groups: true, apps: true };
  const faults = new FaultQueue<Fault>();
  const requests: RequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const serviceApps = new Map<string, number>();
  let requestSeq = 0;

  const tls =
    options.https === true
      ? {
          key: readFileSync(path.join(CERTS, 'localhost-key.pem')),
          cert: readFileSync(path.join(CERTS, 'localhost.pem')),
        }
      : options.https || null;

  const takeFault = (method: string, pathname: string): Fault | undefined => {
    const isList = method === 'GET' && LIST_PATH.test(pathname);
    return (
      faults.take(
        pathname,
        (fault) => isList || (fault.kind !== 'empty-page' && fault.kind !== 'malformed')
      ) ?? undefined
    );
  };

  const error = (status: number, code: string, summary: string, causes?: string[]): Reply => ({
    status,
    body: renderError(code, summary, causes),
  });

  const notFound = (what: string, type: string) =>
    error(404, 'E0000007', `Not found: Resource not found: ${what} (${type})`);

  const badQuery = (cause: string) => error(400, 'E0000031', 'Invalid search criteria.', [cause]);

  /** A page with Link headers: `self` is the URL called, `next` (when more) carries the cursor. */
  const page = (
    base: string,
    url: URL,
    items: unknown[],
    next: { after: string; limit: number } | null
  ): Reply => {
    const links = [`<${base}${url.pathname}${url.search}>; rel="self"`];
    if (next) {
      const params = new URLSearchParams(url.searchParams);
      params.set('after', next.after);
      params.set('limit', String(next.limit));
      links.push(`<${base}${url.pathname}?${params.toString()}>; rel="next"`);
    }
    return { status: 200, body: items, headers: { Link: links } };
  };

  const userGetter = (user: StoredUser, attribute: string): unknown => {
    if (attribute.startsWith('profile.')) return user.profile[attribute.slice(8)];
    if (attribute === 'type.id') return 'oty1defaultUserType0';
    return (user as unknown as Record<string, unknown>)[attribute];
  };

  const groupGetter = (group: StoredGroup, attribute: string): unknown => {
    if (attribute.startsWith('profile.')) {
      return (group.profile as Record<string, unknown>)[attribute.slice(8)];
    }
    if (attribute === 'source.id') return group.type === 'APP_GROUP' ? store.appId : null;
    return (group as unknown as Record<string, unknown>)[attribute];
  };

  const compile = <T>(
    text: string,
    grammar: Grammar,
    get: (record: T, attribute: string) => unknown
  ): ((record: T) => boolean) | Reply => {
    try {
      return compileExpression(text, grammar, get);
    } catch (cause) {
      if (cause instanceof ExpressionError) return badQuery(cause.message);
      throw cause;
    }
  };

  /** Scans `records` from `start`, returns up to `limit` matches and whether another follows. */
  const scan = <T>(records: T[], start: number, limit: number, keep: (record: T) => boolean) => {
    const found: T[] = [];
    let more = false;
    for (let i = start; i < records.length; i += 1) {
      if (!keep(records[i])) continue;
      if (found.length === limit) {
        more = true;
        break;
      }
      found.push(records[i]);
    }
    return { found, more };
  };

  const listUsers = (base: string, url: URL): Reply => {
    const params = url.searchParams;
    const q = params.get('q');
    const filter = params.get('filter');
    const search = params.get('search');
    const limit = intParam(params.get('limit'), q ? 10 : 200);
    if (Number.isNaN(limit) || limit < 1) return badQuery('limit must be a positive number');
    if (q !== null) {
      const prefix = q.toLowerCase();
      const { found } = scan(
        store.users,
        0,
        Math.min(limit, 200),
        (user) =>
          !user.deleted &&
          user.status !== 'DEPROVISIONED' &&
          ['firstName', 'lastName', 'email'].some((key) =>
            String(user.profile[key] ?? '')
              .toLowerCase()
              .startsWith(prefix)
          )
      );
      return page(
        base,
        url,
        found.map((user) => renderUser(user, base)),
        null
      );
    }
    let keep: (user: StoredUser) => boolean = (user) => user.status !== 'DEPROVISIONED';
    if (filter !== null || search !== null) {
      const compiled = compile(
        (search ?? filter) as string,
        search !== null ? USER_SEARCH : USER_FILTER,
        userGetter
      );
      if (typeof compiled !== 'function') return compiled;
      keep = compiled;
    }
    let start = 0;
    const after = params.get('after');
    if (after) {
      const position = store.userPosition(after);
      if (position === undefined) return badQuery(`Invalid paging cursor: ${after}`);
      start = position + 1;
    }
    const size = clamp(limit, 1, 200);
    const { found, more } = scan(store.users, start, size, (user) => !user.deleted && keep(user));
    const last = found[found.length - 1];
    return page(
      base,
      url,
      found.map((user) => renderUser(user, base)),
      more && last ? { after: last.id, limit: size } : null
    );
  };

  const listGroups = (base: string, url: URL): Reply => {
    const params = url.searchParams;
    const q = params.get('q');
    const filter = params.get('filter');
    const search = params.get('search');
    const limit = intParam(params.get('limit'), q ? 300 : 10_000);
    if (Number.isNaN(limit) || limit < 1) return badQuery('limit must be a positive number');
    const size = clamp(limit, 1, 10_000);
    if (q !== null) {
      const prefix = q.toLowerCase();
      const found = store.groups
        .filter((group) => !group.deleted && group.profile.name.toLowerCase().startsWith(prefix))
        .sort((a, b) => a.profile.name.localeCompare(b.profile.name))
        .slice(0, size);
      return page(
        base,
        url,
        found.map((group) => renderGroup(group, base, store.appId)),
        null
      );
    }
    let keep: (group: StoredGroup) => boolean = () => true;
    if (filter !== null || search !== null) {
      const compiled = compile(
        (search ?? filter) as string,
        search !== null ? GROUP_SEARCH : GROUP_FILTER,
        groupGetter
      );
      if (typeof compiled !== 'function') return compiled;
      keep = compiled;
    }
    let start = 0;
    const after = params.get('after');
    if (after) {
      const position = store.groupPosition(after);
      if (position === undefined) return badQuery(`Invalid paging cursor: ${after}`);
      start = position + 1;
    }
    const { found, more } = scan(
      store.groups,
      start,
      size,
      (group) => !group.deleted && keep(group)
    );
    const last = found[found.length - 1];
    return page(
      base,
      url,
      found.map((group) => renderGroup(group, base, store.appId)),
      more && last ? { after: last.id, limit: size } : null
    );
  };

  const listGroupUsers = (base: string, url: URL, group: StoredGroup): Reply => {
    const params = url.searchParams;
    const limit = intParam(params.get('limit'), 1000);
    if (Number.isNaN(limit) || limit < 1) return badQuery('limit must be a positive number');
    const members = store.memberPositions(group);
    let start = 0;
    const after = params.get('after');
    if (after) {
      const position = store.userPosition(after);
      if (position === undefined) return badQuery(`Invalid paging cursor: ${after}`);
      start = upperBound(members, position);
    }
    const slice = members.slice(start, start + limit).map((pos) => store.users[pos]);
    const more = start + limit < members.length;
    const last = slice[slice.length - 1];
    return page(
      base,
      url,
      slice.map((user) => renderUser(user, base)),
      more && last ? { after: last.id, limit } : null
    );
  };

  const listAppGroups = (base: string, url: URL): Reply => {
    const params = url.searchParams;
    const limit = intParam(params.get('limit'), 20);
    if (Number.isNaN(limit)) return badQuery('limit must be a number');
    const size = clamp(limit, 20, 200);
    const expandGroup = (params.get('expand') ?? '').split(',').includes('group');
    const q = params.get('q')?.toLowerCase();
    const after = Number(params.get('after') ?? 0);
    const assignments = store
      .appAssignments()
      .filter((assignment) => assignment.seq > after)
      .filter(
        (assignment) =>
          !q || store.groups[assignment.groupPos].profile.name.toLowerCase().startsWith(q)
      );
    const slice = assignments.slice(0, size);
    const more = assignments.length > size;
    const last = slice[slice.length - 1];
    return page(
      base,
      url,
      slice.map((assignment) => renderAssignment(store, assignment, base, expandGroup)),
      more && last ? { after: String(last.seq), limit: size } : null
    );
  };

  const getApp = (base: string, appId: string): Reply => {
    if (appId === store.appId) {
      return {
        status: 200,
        body: renderApp(
          {
            id: appId,
            label: 'Strapi Intranet',
            created: store.appCreated,
            lastUpdated: store.appLastUpdated,
            service: false,
          },
          base
        ),
      };
    }
    const created = serviceApps.get(appId);
    if (created !== undefined) {
      return {
        status: 200,
        body: renderApp(
          {
            id: appId,
            label: 'Strapi Directory Sync',
            created,
            lastUpdated: created,
            service: true,
          },
          base
        ),
      };
    }
    return notFound(appId, 'AppInstance');
  };

  /** Routes an authenticated management API GET. */
  const route = (base: string, url: URL): Reply => {
    const segments = url.pathname.split('/').filter(Boolean).slice(2);
    const [resource, id, sub, ...rest] = segments;
    if (rest.length > 0) return notFound(url.pathname, 'Resource');
    if (resource === 'users') {
      if (!id) return listUsers(base, url);
      const user = store.user(decodeURIComponent(id));
      if (!user) return notFound(id, 'User');
      if (!sub) return { status: 200, body: renderUser(user, base) };
      if (sub === 'groups') {
        const everyone = store.groups.filter((group) => group.everyone);
        const groups = [...everyone, ...[...user.groups].map((pos) => store.groups[pos])];
        return page(
          base,
          url,
          groups.map((group) => renderGroup(group, base, store.appId)),
          null
        );
      }
    }
    if (resource === 'groups') {
      if (!id) return listGroups(base, url);
      const group = store.group(id);
      if (!group) return notFound(id, 'UserGroup');
      if (!sub) return { status: 200, body: renderGroup(group, base, store.appId) };
      if (sub === 'users') return listGroupUsers(base, url, group);
    }
    if (resource === 'apps' && id) {
      if (!sub) return getApp(base, id);
      if (sub === 'groups') {
        if (id !== store.appId) {
          return serviceApps.has(id) ? page(base, url, [], null) : notFound(id, 'AppInstance');
        }
        return listAppGroups(base, url);
      }
    }
    return notFound(url.pathname, 'Resource');
  };

  const readBody = (req: http.IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const handle = async (
    req: http.IncomingMessage,
    base: string,
    url: URL,
    entry: RequestLogEntry
  ): Promise<Reply> => {
    const method = req.method ?? 'GET';
    if (url.pathname === '/oauth2/v1/token') {
      if (method !== 'POST') {
        return error(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
      }
      const form = new URLSearchParams(await readBody(req));
      const dpop = req.headers.dpop;
      const result = auth.issueToken(
        form,
        `${base}/oauth2/v1/token`,
        Array.isArray(dpop) ? dpop[0] : dpop
      );
      const noStore = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };
      if (result.kind === 'token') return { status: 200, body: result.body, headers: noStore };
      return {
        status: result.status,
        body: { error: result.error, error_description: result.description },
        headers: { ...noStore, ...result.headers },
      };
    }
    if (!url.pathname.startsWith('/api/v1/')) return notFound(url.pathname, 'Resource');
    const identity = auth.authenticate(req.headers.authorization);
    if (identity.mode === 'invalid') {
      entry.auth = req.headers.authorization ? 'invalid' : 'none';
      const reply = error(401, 'E0000011', 'Invalid token provided');
      if (req.headers.authorization?.toLowerCase().startsWith('bearer')) {
        reply.headers = {
          'WWW-Authenticate': `Bearer authorization_uri="${base}/oauth2/v1/authorize", realm="${base}", scope="${READ_SCOPES.join(' ')}", error="invalid_token", error_description="${identity.expired ? 'The token has expired.' : 'The access token is invalid.'}", resource="${url.pathname}"`,
        };
      }
      return reply;
    }
    entry.auth = identity.mode;
    if (method !== 'GET') {
      return error(405, 'E0000022', 'The endpoint does not support the provided HTTP method');
    }
    const resource = url.pathname.split('/')[3] as keyof Permissions;
    const scope = SCOPE_FOR[resource];
    if (scope && identity.mode === 'bearer' && !identity.token.scopes.has(scope)) {
      const reply = error(
        403,
        'E0000006',
        'You do not have permission to perform the requested action'
      );
      reply.headers = {
        'WWW-Authenticate': `Bearer authorization_uri="${base}/oauth2/v1/authorize", realm="${base}", scope="${scope}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="${url.pathname}"`,
      };
      return reply;
    }
    if (scope && !permissions[resource]) {
      return error(403, 'E0000006', 'You do not have permission to perform the requested action');
    }
    return route(base, url);
  };

  const deliver = (res: http.ServerResponse, reply: Reply, fault: Fault | undefined) => {
    const body = Buffer.from(
      typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
    );
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(reply.status, {
        'Content-Type': typeof reply.body === 'string' ? 'text/html' : 'application/json',
        'Content-Length': String(body.length),
        ...reply.headers,
      });
      if (fault?.kind === 'cut') {
        res.write(body.subarray(0, Math.floor(body.length / 2)));
        const timer = setTimeout(() => {
          timers.delete(timer);
          res.socket?.destroy();
        }, 5);
        timers.add(timer);
        return;
      }
      res.end(body);
    };
    if (fault?.kind === 'slow') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, fault.delayMs);
      timers.add(timer);
    } else {
      send();
    }
  };

  /**
   * Test controls for a fake running in another process (demo, e2e): `POST /__fake/<op>` with a
   * JSON array of arguments, e.g. `/__fake/suspend` `["00u..."]`. Not part of Okta's API.
   */
  const control = async (req: http.IncomingMessage, res: http.ServerResponse, op: string) => {
    const ops: Record<string, (...args: never[]) => unknown> = {
      addUser: (input: Parameters<OktaStore['addUser']>[0]) => store.addUser(input).id,
      updateProfile: (id: string, changes: Record<string, string | null>) => {
        store.updateProfile(id, changes);
      },
      suspend: (id: string) => void store.suspend(id),
      unsuspend: (id: string) => void store.unsuspend(id),
      deactivate: (id: string) => void store.deactivate(id),
      reactivate: (id: string) => void store.reactivate(id),
      deleteUser: (id: string) => store.deleteUser(id),
      addMember: (groupId: string, userId: string) => store.addMember(groupId, userId),
      removeMember: (groupId: string, userId: string) => store.removeMember(groupId, userId),
      assignGroupToApp: (groupId: string) => store.assignGroupToApp(groupId),
      unassignGroupFromApp: (groupId: string) => store.unassignGroupFromApp(groupId),
      advanceClock: (ms: number) => {
        offset += ms;
      },
      failNext: (
        count: number,
        fault: Fault | Fault['kind'],
        faultOptions?: { path?: string; skip?: number }
      ) => fake.failNext(count, fault, faultOptions),
    };
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const handler = ops[op];
    if (req.method !== 'POST' || !handler) {
      send(404, { error: `Unknown control ${op}; known: ${Object.keys(ops).join(', ')}` });
      return;
    }
    try {
      const text = await readBody(req);
      const args = text ? (JSON.parse(text) as never[]) : [];
      send(200, { result: handler(...args) ?? null });
    } catch (cause) {
      send(400, { error: cause instanceof Error ? cause.message : String(cause) });
    }
  };

  const onRequest = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const scheme = tls ? 'https' : 'http';
    const base = `${scheme}://${req.headers.host}`;
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith('/__fake/')) {
      await control(req, res, url.pathname.slice('/__fake/'.length));
      return;
    }
    const bucket = bucketOf(method, url.pathname);
    const entry: RequestLogEntry = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      auth: 'none',
      bucket,
    };
    requests.push(entry);
    requestSeq += 1;
    const budget = limiter.take(bucket);
    res.setHeader('Date', new Date(now()).toUTCString());
    res.setHeader('x-okta-request-id', `X${requestSeq.toString(36).padStart(6, '0')}fakeOkta`);
    res.setHeader('X-Rate-Limit-Limit', String(budget.limit));
    res.setHeader('X-Rate-Limit-Remaining', String(budget.remaining));
    res.setHeader('X-Rate-Limit-Reset', String(Math.ceil((budget.resetAt + offset) / 1000)));

    let reply: Reply;
    // Status faults stand in for the real answer (the request is not processed, as when a
    // gateway answers); slow and cut responses carry the real answer.
    const fault = budget.allowed ? takeFault(method, url.pathname) : undefined;
    if (fault) entry.fault = fault.kind;
    if (!budget.allowed) {
      reply = error(429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
    } else if (fault?.kind === '429') {
      const reset = Math.ceil((now() + (fault.resetSeconds ?? 1) * 1000) / 1000);
      res.setHeader('X-Rate-Limit-Remaining', '0');
      res.setHeader('X-Rate-Limit-Reset', String(reset));
      reply = error(429, 'E0000047', 'API call exceeded rate limit due to too many requests.');
    } else if (fault?.kind === '500') {
      reply = error(500, 'E0000009', 'Internal Server Error');
    } else if (fault?.kind === '400') {
      reply = error(400, 'E0000001', 'Api validation failed: limit', ['limit: Invalid value.']);
    } else if (fault?.kind === 'expire-token') {
      auth.revokeAccessTokens();
      reply = await handle(req, base, url, entry);
    } else if (fault?.kind === '503') {
      reply = {
        status: 503,
        body: '<html><body><h1>503 Service Unavailable</h1>The service is temporarily unavailable.</body></html>',
      };
    } else if (fault?.kind === 'empty-page') {
      const self = `${base}${url.pathname}${url.search}`;
      reply = {
        status: 200,
        body: [],
        headers: { Link: [`<${self}>; rel="self"`, `<${self}>; rel="next"`] },
      };
    } else {
      try {
        reply = await handle(req, base, url, entry);
      } catch (cause) {
        reply = error(500, 'E0000009', 'Internal Server Error', [String(cause)]);
      }
      if (fault?.kind === 'malformed') malform(reply);
    }
    entry.status = reply.status;
    deliver(res, reply, fault);
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;

  const fake: OktaFake = {
    url,
    port,
    apiToken: auth.apiToken,
    appId: store.appId,
    store,
    auth,
    createServiceApp: (serviceOptions) => {
      const credentials = auth.createServiceApp(serviceOptions);
      serviceApps.set(credentials.clientId, now());
      return credentials;
    },
    failNext: (count, fault, faultOptions = {}) => {
      faults.add(typeof fault === 'string' ? ({ kind: fault, delayMs: 5000 } as Fault) : fault, {
        times: count,
        skip: faultOptions.skip,
        path: faultOptions.path,
      });
    },
    clearFaults: () => faults.clear(),
    pendingFaults: () => faults.size(),
    setPermissions: (changes) => Object.assign(permissions, changes),
    setRateLimit: (bucket, limit) => {
      limiter.config[bucket] = limit;
    },
    advanceClock: (ms) => {
      offset += ms;
    },
    now,
    requests,
    requestCount: (pathPart) =>
      pathPart === undefined
        ? requests.length
        : requests.filter((entry) => entry.path.includes(pathPart)).length,
    clearRequests: () => {
      requests.length = 0;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
};
