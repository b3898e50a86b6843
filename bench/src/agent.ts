/**
 * The Strapi side of the benchmark: a child process that boots the playground's Strapi in-process on
 * a fresh database (a temporary SQLite file or a fresh PostgreSQL schema) and runs what the
 * orchestrator asks, measuring each operation. One process per database, so each peak RSS is the
 * Strapi process's own (the fake directories live in the orchestrator).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { createStrapi, type Core } from '@strapi/strapi';
import { Meter } from './meter';
import { profiled } from './profile';
import { playgroundDir } from './paths';
import type {
  AgentCommands,
  CommandName,
  DbKind,
  GraphAccess,
  PlainUser,
  Reply,
  Request,
  StoredUser,
} from './protocol';
import { postgresQuery } from '../../tests/helpers/postgres';
import {
  memoryDirectory,
  person,
  registerMemoryProvider,
} from '../../tests/helpers/memory-provider';

process.env.APP_KEYS ??= 'benchKeyA,benchKeyB';
process.env.API_TOKEN_SALT ??= 'bench-api-token-salt';
process.env.ADMIN_JWT_SECRET ??= 'bench-admin-jwt-secret';
process.env.TRANSFER_TOKEN_SALT ??= 'bench-transfer-token-salt';
process.env.JWT_SECRET ??= 'bench-jwt-secret';
process.env.ENCRYPTION_KEY ??= 'bench-encryption-key';
process.env.USER_DIRECTORY_SYNC_SCHEDULER = 'false';
process.env.STRAPI_TELEMETRY_DISABLED = 'true';
process.env.STRAPI_DISABLE_UPDATE_NOTIFICATION = 'true';
process.env.BROWSER = 'none';
process.env.STRAPI_LOG_LEVEL ??= 'info';
// A million CSV rows are about 160 MB, beyond the plugin's default limit of 50 MB.
process.env.USER_DIRECTORY_SYNC_CSV_MAX_BYTES ??= String(1024 * 1024 * 1024);

const USER_UID = 'plugin::users-permissions.user';
const ROLE_UID = 'plugin::users-permissions.role';
const IDENTITY_UID = 'plugin::user-directory-sync.identity';
const RUN_UID = 'plugin::user-directory-sync.sync-run';

type Attribute = { columnName?: string; joinTable?: { name: string } };
type Runner = {
  start(id: number, options: object): Promise<{ id: number }>;
  wait(runId: number): Promise<void>;
};

let strapi: Core.Strapi | null = null;
let meter: Meter | null = null;
let cleanup: () => Promise<void> = async () => undefined;

const app = () => {
  if (!strapi) throw new Error('Strapi is not booted');
  return strapi;
};
const knex = () => app().db.connection;
const userMeta = () =>
  app().db.metadata.get(USER_UID) as unknown as {
    tableName: string;
    attributes: Record<string, Attribute>;
  };
const column = (name: string) => userMeta().attributes[name]?.columnName ?? name;
const measure = () => {
  if (!meter) throw new Error('Strapi is not booted');
  return meter;
};

const boot = async ({ db, memory }: { db: DbKind; memory?: boolean }) => {
  const started = Date.now();
  const appDir = playgroundDir();
  const id = `${process.pid}_${randomUUID().slice(0, 8)}`;
  process.env.DATABASE_CLIENT = db;
  if (db === 'sqlite') {
    const relative = `.tmp/bench-${id}.db`;
    process.env.DATABASE_FILENAME = relative;
    const file = path.join(appDir, relative);
    cleanup = async () => {
      for (const suffix of ['', '-journal', '-wal', '-shm'])
        fs.rmSync(file + suffix, { force: true });
    };
  } else {
    const schema = `bench_${id}`;
    process.env.DATABASE_SCHEMA = schema;
    await postgresQuery(`CREATE SCHEMA "${schema}"`);
    cleanup = () => postgresQuery(`DROP SCHEMA "${schema}" CASCADE`);
  }
  // The orchestrator compiled the app (compileStrapi) before starting this process, so the
  // TypeScript compiler's memory is not counted in this process's RSS.
  strapi = createStrapi({
    appDir,
    distDir: path.join(appDir, 'dist'),
    autoReload: false,
    serveAdminPanel: false,
  });
  try {
    await strapi.load();
  } catch (error) {
    await strapi.destroy().catch(() => undefined);
    await cleanup();
    throw error;
  }
  if (memory) registerMemoryProvider(strapi);
  meter = new Meter(knex() as never);
  const versionSql = db === 'sqlite' ? 'select sqlite_version() as v' : 'select version() as v';
  const raw = (await knex().raw(versionSql)) as unknown;
  const rows = (Array.isArray(raw) ? raw : (raw as { rows: unknown[] }).rows) as { v: string }[];
  const dbVersion = db === 'sqlite' ? `SQLite ${rows[0].v}` : rows[0].v.split(' on ')[0];
  return {
    seconds: (Date.now() - started) / 1000,
    rssMB: Math.round(process.memoryUsage.rss() / 1048576),
    dbVersion,
    commitMs: await commitLatency(),
  };
};

/** The machine's state: median time of a one-row transaction (its commit flushes to disk). */
const commitLatency = async () => {
  const db = knex();
  await db.schema.createTable('bench_probe', (table) => table.integer('x'));
  const times: number[] = [];
  for (let i = 0; i < 40; i += 1) {
    const t = process.hrtime.bigint();
    await db.transaction((trx) => trx('bench_probe').insert({ x: i }));
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  await db.schema.dropTable('bench_probe');
  times.sort((a, b) => a - b);
  return Math.round(times[times.length >> 1] * 100) / 100;
};

const createDirectory = async ({ body }: { body: Record<string, unknown> }) => {
  const directories = app().plugin('user-directory-sync').service('directories') as {
    create(body: Record<string, unknown>): Promise<{ id: number }>;
  };
  const created = await directories.create(body);
  return { id: created.id };
};

const run = async ({
  directoryId,
  full,
  confirm,
  profile,
}: {
  directoryId: number;
  full?: boolean;
  confirm?: boolean;
  profile?: string;
}) => {
  const runner = app().plugin('user-directory-sync').service('runner') as unknown as Runner;
  const work = async (hooks?: { heapAt(mark: string): void }) => {
    if (hooks) measure().onMark = (mark) => mark !== 'firstApplying' && hooks.heapAt(mark);
    measure().start();
    const started = await runner.start(directoryId, {
      trigger: 'api',
      actor: 'bench',
      forceFull: !!full,
      confirm: !!confirm,
    });
    await runner.wait(started.id);
    measure().onMark = null;
    return { measured: measure().stop(), runId: started.id };
  };
  const outcome = profile ? await profiled(profile, work) : { value: await work() };
  const { measured, runId } = outcome.value;
  const row = (await app()
    .db.query(RUN_UID)
    .findOne({ where: { id: runId } })) as Record<string, unknown>;
  return {
    ...measured,
    profile: 'profile' in outcome ? outcome.profile : undefined,
    run: {
      status: String(row.status),
      mode: String(row.mode),
      counts: (row.counts as Record<string, number>) ?? {},
      error: (row.error as { code: string; message: string } | null) ?? null,
    },
  };
};

/** The users behind these ids, with their role, manager and whether a password is set. */
const storedUsers = async (ids: number[]) => {
  const users: StoredUser[] = [];
  for (let i = 0; i < ids.length; i += 900) {
    const rows = (await app()
      .db.query(USER_UID)
      .findMany({
        where: { id: { $in: ids.slice(i, i + 900) } },
        select: ['username', 'email', 'blocked', 'jobTitle', 'password'],
        populate: { role: { select: ['name'] }, manager: { select: ['username'] } },
      })) as {
      username: string;
      email: string | null;
      blocked: boolean | null;
      jobTitle: string | null;
      password: string | null;
      role: { name: string } | null;
      manager: { username: string } | null;
    }[];
    for (const row of rows) {
      users.push({
        username: row.username,
        email: row.email,
        blocked: Boolean(row.blocked),
        role: row.role?.name ?? null,
        jobTitle: row.jobTitle ?? null,
        manager: row.manager?.username ?? null,
        hasPassword: typeof row.password === 'string' && row.password.startsWith('$2'),
      });
    }
  }
  return users;
};

const targetIds = (links: { targetId: number | null }[]) =>
  links.map((link) => link.targetId).filter((id): id is number => id !== null);

const snapshot = async ({ directoryId }: { directoryId: number }) => {
  const links = (await app()
    .db.query(IDENTITY_UID)
    .findMany({ where: { directoryId, kind: 'user' }, select: ['targetId'] })) as {
    targetId: number | null;
  }[];
  return { users: await storedUsers(targetIds(links)), identities: links.length };
};

/**
 * A page of links by primary key alone (a range scan on either database, whatever the other
 * directories and group links in the table), the directory's user links kept from it.
 */
const snapshotPage = async ({
  directoryId,
  after,
  limit,
}: {
  directoryId: number;
  after: number;
  limit: number;
}) => {
  const page = (await app()
    .db.query(IDENTITY_UID)
    .findMany({
      where: { id: { $gt: after } },
      select: ['id', 'directoryId', 'kind', 'targetId'],
      orderBy: { id: 'asc' },
      limit,
    })) as { id: number; directoryId: number; kind: string; targetId: number | null }[];
  const links = page.filter((link) => link.directoryId === directoryId && link.kind === 'user');
  return {
    users: await storedUsers(targetIds(links)),
    identities: links.length,
    last: page.length ? page[page.length - 1].id : null,
  };
};

/** The directory's users without relations (npm run faults: many snapshots, fast). */
const users = async ({ directoryId }: { directoryId: number }) => {
  const links = (await app()
    .db.query(IDENTITY_UID)
    .findMany({ where: { directoryId, kind: 'user' }, select: ['targetId'] })) as {
    targetId: number | null;
  }[];
  const ids = links.map((link) => link.targetId).filter((id): id is number => id !== null);
  const found: StoredUser[] = [];
  for (let i = 0; i < ids.length; i += 900) {
    const rows = (await knex()(userMeta().tableName)
      .select({
        username: column('username'),
        email: column('email'),
        blocked: column('blocked'),
        jobTitle: column('jobTitle'),
      })
      .whereIn('id', ids.slice(i, i + 900))) as {
      username: string;
      email: string | null;
      blocked: boolean | number | null;
      jobTitle: string | null;
    }[];
    for (const row of rows)
      found.push({
        username: row.username,
        email: row.email,
        blocked: Boolean(row.blocked),
        role: null,
        jobTitle: row.jobTitle ?? null,
        manager: null,
        hasPassword: false,
      });
  }
  return { users: found, identities: links.length };
};

/** GET or POST over HTTPS with the test CA, JSON back. */
const fetchJson = (
  agent: https.Agent,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {}
) =>
  new Promise<Record<string, unknown>>((resolve, reject) => {
    const request = https.request(
      url,
      { agent, method: options.method ?? 'GET', headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((response.statusCode ?? 0) >= 300)
            reject(new Error(`${url}: ${response.statusCode} ${text.slice(0, 200)}`));
          else resolve(JSON.parse(text) as Record<string, unknown>);
        });
        response.on('error', reject);
      }
    );
    request.on('error', reject);
    request.end(options.body);
  });

const GRAPH_FIELDS =
  'id,userPrincipalName,mail,givenName,surname,displayName,jobTitle,department,employeeId,mobilePhone,accountEnabled,userType';

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);

/** The floor: page Graph's /users and batch-insert the rows into up_users, nothing else. */
const floor = async ({ graph }: { graph: GraphAccess }) => {
  const agent = new https.Agent({ keepAlive: true, ca: graph.ca });
  const db = knex();
  const table = userMeta().tableName;
  measure().start();
  let fetchSeconds = 0;
  let users = 0;
  let pages = 0;
  let t = Date.now();
  const token = await fetchJson(agent, `${graph.url}/${graph.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: graph.clientId,
      client_secret: graph.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  const headers = { Authorization: `Bearer ${String(token.access_token)}` };
  let next: string | null = `${graph.url}/v1.0/users?$top=999&$select=${GRAPH_FIELDS}`;
  while (next) {
    t = Date.now();
    const page = await fetchJson(agent, next, { headers });
    fetchSeconds += (Date.now() - t) / 1000;
    pages += 1;
    const now = new Date();
    const rows = ((page.value as Record<string, unknown>[]) ?? [])
      .filter((user) => user.userType === 'Member' && text(user.mail))
      .map((user) => ({
        [column('documentId')]: randomBytes(12).toString('hex').slice(0, 24),
        [column('username')]: user.userPrincipalName,
        [column('email')]: String(user.mail).toLowerCase(),
        [column('provider')]: 'local',
        [column('confirmed')]: true,
        [column('blocked')]: user.accountEnabled === false,
        [column('firstname')]: text(user.givenName),
        [column('lastname')]: text(user.surname),
        [column('displayName')]: text(user.displayName),
        [column('jobTitle')]: text(user.jobTitle),
        [column('department')]: text(user.department),
        [column('employeeId')]: text(user.employeeId),
        [column('phone')]: text(user.mobilePhone),
        [column('createdAt')]: now,
        [column('updatedAt')]: now,
        [column('publishedAt')]: now,
      }));
    if (rows.length) await db.batchInsert(table, rows as never, 500);
    users += rows.length;
    next = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : null;
  }
  agent.destroy();
  return {
    ...measure().stop(),
    users,
    pages,
    fetchSeconds: Math.round(fetchSeconds * 1000) / 1000,
  };
};

/** The naive way: one document service create per user. */
const naive = async ({ users }: { users: PlainUser[] }) => {
  const role = (await app()
    .db.query(ROLE_UID)
    .findOne({ where: { type: 'authenticated' } })) as { documentId: string };
  const documents = app().documents(USER_UID as never) as unknown as {
    create(params: { data: Record<string, unknown> }): Promise<unknown>;
  };
  measure().start();
  for (const user of users) {
    await documents.create({
      data: { ...user, provider: 'local', confirmed: true, role: role.documentId },
    });
  }
  const measured = measure().stop();
  const link = userMeta().attributes.role?.joinTable?.name;
  const [{ n: stored }] = (await knex()(userMeta().tableName).count({ n: 'id' })) as {
    n: number;
  }[];
  const [{ n: linked }] = link
    ? ((await knex()(link).count({ n: '*' })) as { n: number }[])
    : [{ n: 0 }];
  return { ...measured, users: users.length, stored: Number(stored), linked: Number(linked) };
};

/** Deletes every user row and its links (after the floor and naive loads). */
const clearUsers = async () => {
  const meta = userMeta();
  const db = knex();
  for (const attribute of Object.values(meta.attributes)) {
    if (attribute.joinTable) await db(attribute.joinTable.name).delete();
  }
  const deleted = (await db(meta.tableName).delete()) as number;
  return { deleted };
};

/** The memory directory's store lives in this process: the orchestrator sets it through here. */
const memory = async (args: AgentCommands['memory']['args']) => {
  const store = memoryDirectory(args.store);
  if (args.users !== undefined)
    store.users = Array.from({ length: args.users }, (_, i) =>
      person(i + 1, { managerExternalId: null })
    );
  if (args.pageSize !== undefined) store.pageSize = args.pageSize;
  if (args.failAfterPages !== undefined) store.failAfterPages = args.failAfterPages;
  return { users: store.users.length };
};

const stop = async () => {
  if (strapi) await strapi.destroy();
  strapi = null;
  const drop = cleanup;
  cleanup = async () => undefined;
  await drop();
  return { ok: true as const };
};

const handlers: { [K in CommandName]: (args: never) => Promise<AgentCommands[K]['result']> } = {
  boot,
  createDirectory,
  run,
  snapshot,
  snapshotPage,
  users,
  floor,
  naive,
  clearUsers,
  memory,
  stop,
};

process.on('message', (message: Request) => {
  const handler = handlers[message.cmd] as (args: unknown) => Promise<unknown>;
  handler(message.args)
    .then((result) => {
      const reply: Reply = { id: message.id, ok: true, result };
      process.send?.(reply);
      if (message.cmd === 'stop') setTimeout(() => process.exit(0), 50);
    })
    .catch((error: unknown) => {
      const reply: Reply = {
        id: message.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
      process.send?.(reply);
    });
});
process.on('disconnect', () => {
  stop()
    .catch(() => undefined)
    .finally(() => process.exit(1));
});
