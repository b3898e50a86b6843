/**
 * The scim-push scenario: the people of the Graph round pushed as Entra ID's provisioning service
 * pushes them, over HTTP to a Strapi in a child process: for each person a filter GET on userName
 * then a POST, on 4 concurrent connections; then 1,000 PATCHes of a job title. Reports requests per
 * second and p50 / p95 / p99 latency of each phase, after checking that Strapi holds exactly the
 * people and the titles that were pushed.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { GraphStore, type FakeUser } from '../../tests/fakes/graph';
import { GraphModel } from './model';
import type { DbKind } from './protocol';
import type { ScimAgentCommands } from './scim-agent';

const CONNECTIONS = 4;
const PATCHES = 1000;
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type LatencyFigures = {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
};

export type ScimPushResult = {
  scenario: 'scim-push';
  db: DbKind;
  users: number;
  connections: number;
  initial: LatencyFigures;
  patches: LatencyFigures;
  /** users per second of the initial push, next to the Graph full sync of the same people. */
  usersPerSecond: number;
  graphFullUsersPerSecond: number | null;
  correct: boolean;
  problems: string[];
};

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0;

const figures = (latencies: number[], seconds: number): LatencyFigures => {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    requests: latencies.length,
    seconds: Math.round(seconds * 100) / 100,
    requestsPerSecond: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
  };
};

/** The child process, spoken to over IPC. */
const startAgent = (logFile: string) => {
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = fork(path.join(__dirname, 'scim-agent.js'), [], {
    stdio: ['ignore', log, log, 'ipc'],
  });
  let next = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (reply: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const entry = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.ok) entry?.resolve(reply.result);
    else entry?.reject(new Error(`scim agent: ${reply.error}`));
  });
  child.on('exit', (code) => {
    for (const entry of waiting.values()) entry.reject(new Error(`scim agent exited (${code})`));
  });
  return {
    call<K extends keyof ScimAgentCommands>(cmd: K, args: ScimAgentCommands[K]['args']) {
      const id = next++;
      return new Promise<ScimAgentCommands[K]['result']>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, args });
      });
    },
    async stop() {
      await this.call('stop', {}).catch(() => undefined);
      if (child.exitCode === null) child.kill();
    },
  };
};

/** A SCIM client on a keep-alive pool of CONNECTIONS sockets; resolves status, body and time. */
const scimHttp = (url: string, base: string, token: string) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const target = new URL(url);
  return (method: string, pathAndQuery: string, body?: unknown) =>
    new Promise<{ status: number; body: Record<string, unknown>; ms: number }>(
      (resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const started = process.hrtime.bigint();
        const req = http.request(
          {
            agent,
            host: target.hostname,
            port: target.port,
            method,
            path: `${base}${pathAndQuery}`,
            headers: {
              Authorization: `Bearer ${token}`,
              ...(payload
                ? {
                    'Content-Type': 'application/scim+json',
                    'Content-Length': Buffer.byteLength(payload),
                  }
                : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({
                status: res.statusCode ?? 0,
                body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
                ms: Number(process.hrtime.bigint() - started) / 1e6,
              });
            });
          }
        );
        req.on('error', reject);
        req.end(payload);
      }
    );
};

/** Runs `work` over the items on CONNECTIONS concurrent lanes. */
const lanes = async <T>(items: T[], work: (item: T) => Promise<void>) => {
  let index = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (index < items.length) await work(items[index++]);
    })
  );
};

/** A person as Entra ID's default attribute mappings send them. */
const scimUser = (user: FakeUser, managerScimId: string | undefined) => ({
  schemas: [CORE, ENTERPRISE],
  externalId: user.id,
  userName: user.userPrincipalName,
  active: user.accountEnabled,
  displayName: user.displayName,
  title: user.jobTitle ?? undefined,
  name: { givenName: user.givenName, familyName: user.surname },
  emails: [{ type: 'work', primary: true, value: user.mail }],
  [ENTERPRISE]: {
    department: user.department ?? undefined,
    employeeNumber: user.employeeId ?? undefined,
    ...(managerScimId ? { manager: { value: managerScimId } } : {}),
  },
});

export const scimPushRound = async (options: {
  size: number;
  db: DbKind;
  seed: number;
  graphFullUsersPerSecond: number | null;
  say: (line: string) => void;
}): Promise<ScimPushResult> => {
  const { size, db, say } = options;
  const store = new GraphStore({
    users: size,
    groups: Math.max(3, Math.round(size * 0.05)),
    seed: options.seed,
  });
  const people = new GraphModel(store).inScopeUsers();
  say(`\n== ${people.length.toLocaleString('en-US')} users pushed over SCIM (Entra ID style) ==`);
  const logFile = path.join(os.tmpdir(), `uds-bench-scim-${db}-${process.pid}.log`);
  const agent = startAgent(logFile);
  const problems: string[] = [];
  try {
    const { url, base, token } = await agent.call('boot', { db });
    const request = scimHttp(url, base, token);
    const scimIds = new Map<string, string>();
    const initial: number[] = [];
    const unexpected = (what: string, status: number, body: unknown) => {
      if (problems.length < 10)
        problems.push(`${what}: ${status} ${JSON.stringify(body).slice(0, 200)}`);
    };

    const pushStarted = Date.now();
    await lanes(people, async (user) => {
      const filter = encodeURIComponent(`userName eq "${user.userPrincipalName}"`);
      const found = await request('GET', `/Users?filter=${filter}`);
      initial.push(found.ms);
      if (found.status !== 200 || found.body.totalResults !== 0)
        unexpected(`GET ${user.userPrincipalName}`, found.status, found.body);
      const manager = user.managerId ? scimIds.get(user.managerId) : undefined;
      const created = await request('POST', '/Users', scimUser(user, manager));
      initial.push(created.ms);
      if (created.status !== 201)
        unexpected(`POST ${user.userPrincipalName}`, created.status, created.body);
      else scimIds.set(user.id, created.body.id as string);
    });
    const pushSeconds = (Date.now() - pushStarted) / 1000;

    const step = Math.max(1, Math.floor(people.length / PATCHES));
    const patched = people.filter((_, i) => i % step === 0).slice(0, PATCHES);
    const patchLatencies: number[] = [];
    const patchStarted = Date.now();
    await lanes(patched, async (user) => {
      const res = await request('PATCH', `/Users/${scimIds.get(user.id)}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Replace', path: 'title', value: `Bench ${user.id.slice(0, 8)}` }],
      });
      patchLatencies.push(res.ms);
      if (res.status !== 200) unexpected(`PATCH ${user.userPrincipalName}`, res.status, res.body);
    });
    const patchSeconds = (Date.now() - patchStarted) / 1000;

    // Correctness before speed: exactly the pushed people, with the patched titles.
    const { users } = await agent.call('stored', {});
    const byName = new Map(users.map((user) => [user.username, user]));
    if (users.length !== people.length)
      problems.push(`Strapi holds ${users.length} users, ${people.length} were pushed`);
    for (const user of people) {
      const row = byName.get(user.userPrincipalName);
      if (!row) problems.push(`${user.userPrincipalName} missing`);
      else if (row.blocked === user.accountEnabled)
        problems.push(`${user.userPrincipalName}: blocked ${row.blocked}`);
      if (problems.length >= 10) break;
    }
    for (const user of patched) {
      const row = byName.get(user.userPrincipalName);
      if (row?.jobTitle !== `Bench ${user.id.slice(0, 8)}`) {
        problems.push(`${user.userPrincipalName}: title ${row?.jobTitle} after the PATCH`);
        break;
      }
    }
    const result: ScimPushResult = {
      scenario: 'scim-push',
      db,
      users: people.length,
      connections: CONNECTIONS,
      initial: figures(initial, pushSeconds),
      patches: figures(patchLatencies, patchSeconds),
      usersPerSecond: Math.round(people.length / pushSeconds),
      graphFullUsersPerSecond: options.graphFullUsersPerSecond,
      correct: problems.length === 0,
      problems,
    };
    const line = (name: string, f: LatencyFigures) =>
      `  ${name.padEnd(15)} ${f.requests.toLocaleString('en-US').padStart(7)} requests  ${f.seconds.toFixed(1).padStart(6)} s  ` +
      `${String(f.requestsPerSecond).padStart(5)} req/s  p50 ${f.p50Ms} ms  p95 ${f.p95Ms} ms  p99 ${f.p99Ms} ms  max ${f.maxMs} ms`;
    say(line('scim-initial', result.initial));
    say(line('scim-patch', result.patches));
    say(
      `  scim-push       ${result.usersPerSecond} users/s over ${CONNECTIONS} connections, next to graph-full ` +
        `${options.graphFullUsersPerSecond ?? 'n/a'} users/s  ${result.correct ? 'correct' : 'WRONG'}`
    );
    for (const problem of problems) say(`      PROBLEM: ${problem}`);
    return result;
  } finally {
    await agent.stop();
  }
};
