/**
 * Schedules and run control: the node-cron ticker's pass, reset, two Strapi instances on one
 * database (separate processes), a crash mid-apply and the restart that converges.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startCsvFileServer, type CsvFileServer } from '../fakes/csv/server';
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';

const USER_UID = 'plugin::users-permissions.user';
const RUN_UID = 'plugin::user-directory-sync.sync-run';
const CA = fs.readFileSync(path.join(__dirname, '../fakes/certs/ca.pem'), 'utf8');

const csv = (count: number, prefix: string) => {
  const rows = ['username,email,firstname,lastname'];
  for (let n = 0; n < count; n += 1)
    rows.push(`${prefix}${n},${prefix}${n}@example.com,Given${n},Family${n}`);
  return rows.join('\n') + '\n';
};

type Instance = { child: ChildProcess; ask(message: object): Promise<Record<string, unknown>> };

/** Forks another Strapi instance on the same database as the test's app. */
const startInstance = async (): Promise<Instance> => {
  const child = fork(path.join(__dirname, '../helpers/instance.js'), [], {
    env: { ...process.env },
    // Its log (warnings and errors, STRAPI_LOG_LEVEL) shows in the test's output.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      child.once('message', (message) => resolve(message as Record<string, unknown>));
      child.once('exit', (code) => reject(new Error(`instance exited (${code})`)));
    });
  const ready = await next();
  if (!ready.ready) throw new Error(`instance failed: ${JSON.stringify(ready)}`);
  return {
    child,
    ask: async (message) => {
      const answer = next();
      child.send(message);
      return answer;
    },
  };
};

describe('scheduler and run control', () => {
  let app: TestApp;
  let api: PluginApi;
  let server: CsvFileServer;
  const instances: Instance[] = [];
  const scheduler = () => app.strapi.plugin('user-directory-sync').service('scheduler');
  const runner = () => app.strapi.plugin('user-directory-sync').service('runner');

  const directory = async (name: string, file: string, extra: object = {}) => {
    const res = await api.post('/directories', {
      name,
      type: 'csv',
      enabled: true,
      schedule: '0 * * * *',
      connection: {
        location: 'remote',
        url: `${server.url}${file}`,
        matchField: 'username',
        caCertificate: CA,
      },
      secrets: { defaultPassword: 'Welcome-1' },
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body.data as { id: number; nextRunAt: string };
  };
  const runsOf = (id: number) =>
    app.strapi.db.query(RUN_UID).findMany({ where: { directoryId: id }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    process.env.USER_DIRECTORY_SYNC_LEASE_SECONDS = '3';
    server = await startCsvFileServer({
      files: {
        '/small.csv': csv(30, 'sched'),
        '/twins.csv': csv(30, 'twin'),
        '/big.csv': csv(20000, 'crash'),
      },
    });
    app = await startApp();
    api = pluginApi(app);
  });
  afterAll(async () => {
    for (const instance of instances) instance.child.kill('SIGKILL');
    await app?.stop();
    await server?.close();
    delete process.env.USER_DIRECTORY_SYNC_LEASE_SECONDS;
  });

  it('starts a due directory once, leaves one that is not due, and reset makes it due', async () => {
    const due = await directory('Due', '/small.csv');
    const notDue = await directory('Not due', '/small.csv', { enabled: false });
    const nextHour = new Date(due.nextRunAt);
    expect(nextHour.getTime()).toBeGreaterThan(Date.now());

    expect(await scheduler().tick(new Date())).toEqual([]);
    const started = await scheduler().tick(new Date(nextHour.getTime() + 1000));
    expect(started).toHaveLength(1);
    await runner().wait(started[0]);
    expect(await scheduler().tick(new Date(nextHour.getTime() + 2000))).toEqual([]);
    const [run] = await runsOf(due.id);
    expect(run).toMatchObject({ trigger: 'schedule', status: 'succeeded' });
    expect(await runsOf(notDue.id)).toHaveLength(0);

    const reset = await api.post(`/directories/${due.id}/reset`);
    expect(reset.body.data.lastRunAt).toBeNull();
    const again = await scheduler().tick(new Date(Date.now() + 1000));
    expect(again).toHaveLength(1);
    await runner().wait(again[0]);
    expect((await runsOf(due.id)).map((r: { trigger: string }) => r.trigger)).toEqual([
      'schedule',
      'reset',
    ]);
  });

  it('registers the sync events with the webhook store and emits them', async () => {
    const store = app.strapi.get('webhookStore') as { allowedEvents: Map<string, string> };
    expect([...store.allowedEvents.values()]).toEqual(
      expect.arrayContaining([
        'user-directory-sync.user.create',
        'user-directory-sync.user.disable',
        'user-directory-sync.run.finish',
      ])
    );
    const seen: string[] = [];
    const unsubscribe = app.strapi.eventHub.subscribe(async (event: string) => {
      if (event.startsWith('user-directory-sync.')) seen.push(event);
    });
    const { id } = await directory('Events', '/small.csv', { enabled: false });
    await app.strapi.db
      .query(USER_UID)
      .deleteMany({ where: { username: { $startsWith: 'sched' } } });
    const run = (await api.post(`/directories/${id}/runs`)).body.data;
    await runner().wait(run.id);
    unsubscribe();
    expect(seen).toEqual(
      expect.arrayContaining(['user-directory-sync.user.create', 'user-directory-sync.run.finish'])
    );
  });

  it('runs a due directory exactly once when two instances tick at the same time', async () => {
    instances.push(await startInstance(), await startInstance());
    const twins = await directory('Twins', '/twins.csv');
    const when = new Date(new Date(twins.nextRunAt).getTime() + 1000).toISOString();
    const answers = await Promise.all(instances.map((instance) => instance.ask({ tick: when })));
    const started = answers.flatMap((answer) => answer.ticked as number[]);
    const twinRuns = (await runsOf(twins.id)).map((run: { id: number }) => run.id);
    expect(twinRuns).toHaveLength(1);
    expect(started).toContain(twinRuns[0]);
    for (let i = 0; i < 100; i += 1) {
      const [run] = await runsOf(twins.id);
      if (run?.status === 'succeeded') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await runsOf(twins.id)).map((r: { status: string }) => r.status)).toEqual([
      'succeeded',
    ]);
    expect(
      await app.strapi.db.query(USER_UID).count({ where: { username: { $startsWith: 'twin' } } })
    ).toBe(30);
  });

  it('gives a due time back when its run could not start: the next tick starts it, once', async () => {
    server.setFile('/retry.csv', csv(5, 'retry'));
    const dir = await directory('Retry', '/retry.csv');
    const when = new Date(new Date(dir.nextRunAt).getTime() + 1000);
    // Other directories may be due at the same time: their runs are awaited, not looked at.
    const tick = async () => {
      const started = await scheduler().tick(when);
      for (const id of started) await runner().wait(id);
      return started;
    };
    type Entry = { directoryId: number; action: string };
    const audit = app.strapi.plugin('user-directory-sync').service('audit') as {
      record(entries: Entry[]): Promise<void>;
    };
    const record = audit.record;
    let refused = 0;
    // The run.start entry cannot be written once (as when SQLite answers "database is locked").
    const failing = jest.spyOn(audit, 'record').mockImplementation(async (entries) => {
      if (!refused && entries.some((e) => e.directoryId === dir.id && e.action === 'run.start')) {
        refused += 1;
        throw new Error('database is locked');
      }
      return record.call(audit, entries);
    });
    await tick();
    failing.mockRestore();
    expect(refused).toBe(1);
    // Nothing of the failed start stays: no queued run, no lease, the due time unchanged.
    expect(await runsOf(dir.id)).toEqual([]);
    expect((await api.get(`/directories/${dir.id}`)).body.data.nextRunAt).toBe(dir.nextRunAt);

    const started = await tick();
    await tick();
    const runs = await runsOf(dir.id);
    expect(runs.map((run: { id: number; status: string }) => [run.id, run.status])).toEqual([
      [expect.any(Number), 'succeeded'],
    ]);
    expect(started).toContain(runs[0].id);
  });

  it('after a crash mid-apply, the lease expires, the run is marked interrupted and a restart converges without duplicates', async () => {
    const [crashing] = instances;
    const big = await directory('Crash', '/big.csv', { enabled: false });
    const answer = await crashing.ask({ start: big.id });
    const runId = answer.started as number;
    for (let i = 0; i < 300; i += 1) {
      const count = await app.strapi.db
        .query(USER_UID)
        .count({ where: { username: { $startsWith: 'crash' } } });
      if (count > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    crashing.child.kill('SIGKILL');
    const partial = await app.strapi.db
      .query(USER_UID)
      .count({ where: { username: { $startsWith: 'crash' } } });
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(20000);

    // A second start while the dead instance's lease is still valid is refused...
    const refused = await api.post(`/directories/${big.id}/runs`);
    expect(refused.status).toBe(409);
    // ...and once it expires, the run is marked interrupted and the next run starts clean.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const restarted = await api.post(`/directories/${big.id}/runs`);
    expect(restarted.status).toBe(202);
    await runner().wait(restarted.body.data.id);
    const crashed = await app.strapi.db.query(RUN_UID).findOne({ where: { id: runId } });
    expect(crashed).toMatchObject({ status: 'failed', error: { code: 'interrupted' } });
    const finished = (await api.get(`/runs/${restarted.body.data.id}`)).body.data;
    expect(finished.status).toBe('succeeded');
    expect(finished.counts.created).toBe(20000 - partial);
    const rows = await app.strapi.db
      .connection('up_users')
      .where('username', 'like', 'crash%')
      .count({ n: 'id' })
      .countDistinct({ d: 'username' });
    expect(Number(rows[0].n)).toBe(20000);
    expect(Number(rows[0].d)).toBe(20000);
  });

  it('on shutdown, a running sync stops after its current page: no half-written page, the lease is free', async () => {
    const [, stopping] = instances;
    server.setFile('/shutdown.csv', csv(20000, 'halt'));
    const dir = await directory('Shutdown', '/shutdown.csv', { enabled: false });
    const answer = await stopping.ask({ start: dir.id });
    const runId = answer.started as number;
    for (let i = 0; i < 300; i += 1) {
      const count = await app.strapi.db
        .query(USER_UID)
        .count({ where: { username: { $startsWith: 'halt' } } });
      if (count > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const exited = new Promise((resolve) => stopping.child.once('exit', resolve));
    stopping.child.send({ stop: true });
    await exited;
    const run = await app.strapi.db.query(RUN_UID).findOne({ where: { id: runId } });
    expect(run.status).toBe('cancelled');
    const users = await app.strapi.db
      .query(USER_UID)
      .count({ where: { username: { $startsWith: 'halt' } } });
    const links = await app.strapi.db
      .query('plugin::user-directory-sync.identity')
      .count({ where: { directoryId: dir.id, kind: 'user' } });
    expect(users).toBeLessThan(20000);
    expect(links).toBe(users);
    const next = await api.post(`/directories/${dir.id}/runs`);
    expect(next.status).toBe(202);
    await runner().wait(next.body.data.id);
  });

  it('cancels a run that another instance is executing', async () => {
    const other = await startInstance();
    instances.push(other);
    server.setFile('/remote-cancel.csv', csv(20000, 'far'));
    const dir = await directory('Remote cancel', '/remote-cancel.csv', { enabled: false });
    const answer = await other.ask({ start: dir.id });
    const runId = answer.started as number;
    const cancel = await api.post(`/runs/${runId}/cancel`);
    expect(cancel.status).toBe(202);
    let status = 'running';
    for (let i = 0; i < 100 && status === 'running'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await api.get(`/runs/${runId}`)).body.data.status;
    }
    expect(status).toBe('cancelled');
    expect(
      await app.strapi.db.query(USER_UID).count({ where: { username: { $startsWith: 'far' } } })
    ).toBeLessThan(20000);
  });
});
