/**
 * The sync engine through the admin API on a real Strapi, with the test-only 'memory' directory.
 */
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';
import { memoryDirectory, person, registerMemoryProvider } from '../helpers/memory-provider';

const USER_UID = 'plugin::users-permissions.user';

describe('sync engine (users-permissions target)', () => {
  let app: TestApp;
  let api: PluginApi;
  let logs: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    api = pluginApi(app);
    registerMemoryProvider(app.strapi);
    for (const level of ['info', 'warn', 'error', 'debug'] as const) {
      const original = app.strapi.log[level].bind(app.strapi.log);
      (app.strapi.log as unknown as Record<string, (m: unknown) => void>)[level] = (
        message: unknown
      ) => {
        logs.push(String(message));
        original(message as string);
      };
    }
  });
  afterAll(async () => {
    await app?.stop();
  });

  const run = (directoryId: number, body: object = {}) => api.run(directoryId, body);

  const createDirectory = async (store: string, extra: object = {}) => {
    const res = await api.post('/directories', {
      name: `Directory ${store}`,
      type: 'memory',
      connection: { store },
      secrets: { token: 'right' },
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body.data as { id: number };
  };

  const usersOf = async (usernames: string[]) =>
    app.strapi.db.query(USER_UID).findMany({
      where: { username: { $in: usernames } },
      orderBy: { username: 'asc' },
      populate: ['role', 'manager'],
    });

  it('creates the directory users on the first run, and a second run writes nothing', async () => {
    const store = memoryDirectory('first');
    store.users = Array.from({ length: 120 }, (_, i) => person(i + 1));
    const directory = await createDirectory('first');

    const first = await run(directory.id);
    expect(first.status).toBe('succeeded');
    expect(first.counts).toMatchObject({
      seen: 120,
      created: 120,
      updated: 0,
      disabled: 0,
      skipped: 0,
    });
    const [one, two] = await usersOf(['user1', 'user2']);
    expect(one).toMatchObject({
      email: 'user1@example.com',
      firstname: 'First1',
      lastname: 'Last1',
      jobTitle: 'Job 1',
      confirmed: true,
      blocked: false,
      provider: 'local',
    });
    expect(one.role.type).toBe('authenticated');
    expect(two.manager.id).toBe(one.id);

    const second = await run(directory.id);
    expect(second.status).toBe('succeeded');
    expect(second.counts).toMatchObject({
      seen: 120,
      created: 0,
      updated: 0,
      disabled: 0,
      enabled: 0,
      unchanged: 120,
    });
  });

  it('updates only the changed field, disables a leaver and re-enables the returner with the same id', async () => {
    const store = memoryDirectory('changes');
    store.users = Array.from({ length: 20 }, (_, i) => person(11001 + i));
    const directory = await createDirectory('changes');
    await run(directory.id);
    const [before] = await usersOf(['user11005']);

    store.users[4] = person(11005, { attributes: { jobTitle: 'Promoted', department: 'Sales' } });
    const updated = await run(directory.id);
    expect(updated.counts).toMatchObject({ updated: 1, unchanged: 19 });
    const plan = await api.get(`/runs/${updated.id}/plan`);
    expect(plan.body.data).toEqual([
      expect.objectContaining({
        action: 'user.update',
        subject: 'user11005',
        details: expect.objectContaining({
          changes: { jobTitle: { from: 'Job 11005', to: 'Promoted' } },
        }),
      }),
    ]);

    const leaver = store.users.splice(2, 1)[0];
    const left = await run(directory.id);
    expect(left.counts).toMatchObject({ disabled: 1 });
    expect((await usersOf(['user11003']))[0].blocked).toBe(true);

    store.users.push(leaver);
    const back = await run(directory.id);
    expect(back.counts).toMatchObject({ enabled: 1, created: 0 });
    const [returned] = await usersOf(['user11003']);
    expect(returned.blocked).toBe(false);
    const audit = await api.get(`/audit?directory=${directory.id}&subject=user11003`);
    expect(audit.body.data.map((entry: { action: string }) => entry.action)).toEqual(
      expect.arrayContaining(['user.create', 'user.disable', 'user.enable'])
    );
    expect(before.id).toBe((await usersOf(['user11005']))[0].id);
  });

  it('disables nobody when the source fails half way', async () => {
    const store = memoryDirectory('failing');
    store.users = Array.from({ length: 100 }, (_, i) => person(1000 + i));
    const directory = await createDirectory('failing');
    await run(directory.id);
    store.failAfterPages = 1;
    const failed = await run(directory.id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/went away half way/);
    const blocked = await app.strapi.db
      .query(USER_UID)
      .count({ where: { username: { $startsWith: 'user1' }, blocked: true } });
    expect(blocked).toBe(0);
  });

  it('holds a run that would disable more than the threshold, and applies it when confirmed', async () => {
    const store = memoryDirectory('threshold');
    store.users = Array.from({ length: 10 }, (_, i) => person(2000 + i));
    const directory = await createDirectory('threshold');
    await run(directory.id);
    store.users = store.users.slice(0, 5);
    const held = await run(directory.id);
    expect(held.status).toBe('held-safety-threshold');
    expect(held.error?.message).toMatch(/would disable 5 of 10 users/);
    expect(
      await app.strapi.db
        .query(USER_UID)
        .count({ where: { username: { $startsWith: 'user20' }, blocked: true } })
    ).toBe(0);
    const plan = await api.get(`/runs/${held.id}/plan`);
    expect(
      plan.body.data.filter((entry: { action: string }) => entry.action === 'user.disable')
    ).toHaveLength(5);

    const confirmed = await run(directory.id, { confirm: true });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.counts.disabled).toBe(5);
  });

  it('stops creating at the licence limit and names who was not created', async () => {
    const active = await app.strapi.db.query(USER_UID).count({ where: { blocked: false } });
    const store = memoryDirectory('licence');
    store.users = Array.from({ length: 10 }, (_, i) => person(3000 + i));
    const directory = await createDirectory('licence', { safety: { licenceLimit: active + 7 } });
    const limited = await run(directory.id);
    expect(limited.status).toBe('stopped-licence-limit');
    expect(limited.counts.created).toBe(7);
    expect(limited.error?.message).toMatch(
      /3 users were not created \(user3007, user3008, user3009\)/
    );
  });

  it('skips a record missing a required field or duplicating another, with the reason', async () => {
    const store = memoryDirectory('skips');
    store.users = [
      person(4000),
      person(4001, { email: null }),
      person(4002, { externalId: 'ext-dup', username: 'user4000' }),
    ];
    const directory = await createDirectory('skips');
    const result = await run(directory.id);
    expect(result.counts).toMatchObject({ created: 1, skipped: 2 });
    const audit = await api.get(`/audit?directory=${directory.id}&action=user.skip`);
    const reasons = audit.body.data.map(
      (entry: { details: { reason: string } }) => entry.details.reason
    );
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/missing email \(record 4001\)/),
        expect.stringMatching(
          /duplicate username 'user4000' \(record 4002, first seen on record 4000\)/
        ),
      ])
    );
  });

  it('leaves a local user with the same email alone until it is adopted, then updates it', async () => {
    const local = await app.strapi.db.query(USER_UID).create({
      data: {
        username: 'user5000',
        email: 'user5000@example.com',
        provider: 'local',
        confirmed: true,
        blocked: false,
        firstname: 'Old',
      },
    });
    const store = memoryDirectory('adopt');
    store.users = [person(5000)];
    const directory = await createDirectory('adopt');
    const conflicted = await run(directory.id);
    expect(conflicted.counts).toMatchObject({ created: 0, skipped: 1 });
    expect((await usersOf(['user5000']))[0].firstname).toBe('Old');

    const preview = await api.get(`/directories/${directory.id}/adoption`);
    expect(preview.body.data).toEqual([
      expect.objectContaining({ localUser: expect.objectContaining({ id: local.id }) }),
    ]);
    const adopted = await api.post(`/directories/${directory.id}/adoption`, { users: [local.id] });
    expect(adopted.status).toBe(200);
    const after = await run(directory.id);
    expect(after.counts).toMatchObject({ updated: 1, created: 0 });
    expect((await usersOf(['user5000']))[0]).toMatchObject({
      id: local.id,
      firstname: 'First5000',
    });
  });

  it('unblocks a user blocked by hand and recreates one deleted by hand', async () => {
    const store = memoryDirectory('hand');
    store.users = [person(6000), person(6001)];
    const directory = await createDirectory('hand');
    await run(directory.id);
    const [blocked, deleted] = await usersOf(['user6000', 'user6001']);
    await app.strapi.db
      .query(USER_UID)
      .update({ where: { id: blocked.id }, data: { blocked: true } });
    await app.strapi.db.query(USER_UID).delete({ where: { id: deleted.id } });
    const healed = await run(directory.id);
    expect(healed.counts).toMatchObject({ enabled: 1, created: 1 });
    const [unblocked, recreated] = await usersOf(['user6000', 'user6001']);
    expect(unblocked).toMatchObject({ id: blocked.id, blocked: false });
    expect(recreated.id).not.toBe(deleted.id);
  });

  it("gives synced users the directory's login provider, so users-permissions' SSO sign-in finds them", async () => {
    const store = memoryDirectory('sso');
    store.users = [person(7000)];
    const directory = await createDirectory('sso', { loginProvider: 'microsoft' });
    await run(directory.id);
    const [synced] = await usersOf(['user7000']);
    // Stand in for Microsoft: the registry's 'microsoft' entry returns the profile a token gives.
    const registry = app.strapi.plugin('users-permissions').service('providers-registry');
    const original = registry.get('microsoft');
    registry.add('microsoft', {
      ...original,
      authCallback: async () => ({ username: 'someone', email: 'USER7000@example.com' }),
    });
    try {
      const providers = app.strapi.plugin('users-permissions').service('providers');
      const user = await providers.connect('microsoft', { access_token: 'token-from-microsoft' });
      expect(user.id).toBe(synced.id);
    } finally {
      registry.add('microsoft', original);
    }
  });

  it('computes a dry run plan and writes nothing', async () => {
    const store = memoryDirectory('dry');
    store.users = [person(8000), person(8001)];
    const directory = await createDirectory('dry');
    const dry = await run(directory.id, { dryRun: true });
    expect(dry).toMatchObject({ status: 'succeeded', dryRun: true });
    expect(dry.counts.created).toBe(2);
    expect(await usersOf(['user8000', 'user8001'])).toHaveLength(0);
    const plan = await api.get(`/runs/${dry.id}/plan`);
    expect(
      plan.body.data.map(
        (entry: { action: string; subject: string }) => `${entry.action} ${entry.subject}`
      )
    ).toEqual(['user.create user8000', 'user.create user8001']);
  });

  it('turns directory groups into roles of the same name', async () => {
    const store = memoryDirectory('groups');
    store.users = [person(9000), person(9001), person(9002)];
    store.groups = [
      {
        externalId: 'g-editors',
        name: 'Intranet Editors',
        description: null,
        members: ['ext-9000', 'ext-9001'],
      },
      { externalId: 'g-ignored', name: 'Printers', description: null, members: ['ext-9002'] },
    ];
    const directory = await createDirectory('groups', {
      groupSync: { mode: 'regex', pattern: '^Intranet' },
    });
    const result = await run(directory.id);
    expect(result.counts.groups).toBe(1);
    const [a, b, c] = await usersOf(['user9000', 'user9001', 'user9002']);
    expect(a.role.name).toBe('Intranet Editors');
    expect(b.role.id).toBe(a.role.id);
    expect(c.role.type).toBe('authenticated');
  });

  it('refuses bad settings with a 400 naming the field', async () => {
    const bad = await api.post('/directories', {
      name: 'Bad',
      type: 'memory',
      connection: { store: 'x' },
      schedule: 'every hour',
      mapping: [{ source: 'x', target: 'shoeSize' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/schedule: 'every hour' is not a valid cron expression/);
    expect(bad.body.error.message).toMatch(
      /mapping.0.target: 'shoeSize' is not an attribute of the user/
    );
    const unknown = await api.post('/directories', { name: 'Bad', type: 'ldap' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.errors[0].path).toEqual(['type']);
  });

  it('keeps secrets write-only: responses and logs say only set / not set', async () => {
    logs = [];
    const directory = await createDirectory('secrets');
    await api.put(`/directories/${directory.id}`, {
      secrets: { defaultPassword: 'Sup3r-Secret-Pa55' },
    });
    const res = await api.get(`/directories/${directory.id}`);
    expect(res.body.data.secrets).toEqual({ token: 'set', defaultPassword: 'set' });
    const everything = JSON.stringify([
      res.body,
      (await api.get('/directories')).body,
      (await api.get('/audit')).body,
      logs,
    ]);
    expect(everything).not.toMatch(/Sup3r-Secret-Pa55|"right"/);
    const test = await api.post(`/directories/${directory.id}/test-connection`);
    expect(test.body.data).toMatchObject({ ok: true, checks: [{ name: 'token', ok: true }] });
  });

  it('answers 401 without a token and 403 without the action, on every route', async () => {
    const directory = await createDirectory('rbac');
    const reader = await app.adminWith(['plugin::user-directory-sync.read']);
    const routes: [string, string, string | null][] = [
      ['get', '/directories', 'read'],
      ['post', '/directories', 'settings'],
      ['put', `/directories/${directory.id}`, 'settings'],
      ['delete', `/directories/${directory.id}`, 'settings'],
      ['post', `/directories/${directory.id}/test-connection`, 'settings'],
      ['post', `/directories/${directory.id}/runs`, 'run'],
      ['post', `/directories/${directory.id}/reset`, 'run'],
      ['post', `/directories/${directory.id}/adoption`, 'run'],
      ['post', '/runs/1/cancel', 'run'],
      ['get', '/audit', 'audit'],
      ['get', '/audit/export', 'audit'],
    ];
    type Call = (
      p: string
    ) => { set(h: object): Promise<{ status: number }> } & Promise<{ status: number }>;
    const call = (method: string, path: string) =>
      (app.http() as unknown as Record<string, Call>)[method](`/user-directory-sync${path}`);
    for (const [method, path, area] of routes) {
      const anonymous = await call(method, path);
      expect([path, anonymous.status]).toEqual([path, 401]);
      if (area !== 'read') {
        const res = await call(method, path).set({ Authorization: `Bearer ${reader}` });
        expect([path, res.status]).toEqual([path, 403]);
      }
    }
    const none = await app.adminWith([]);
    const read = await app
      .http()
      .get('/user-directory-sync/directories')
      .set({ Authorization: `Bearer ${none}` });
    expect(read.status).toBe(403);
  });

  it('answers 409 to a second start while a run is going on, and cancels between pages', async () => {
    const store = memoryDirectory('slow');
    store.users = Array.from({ length: 100 }, (_, i) => person(10000 + i));
    store.pageSize = 10;
    store.pageDelayMs = 100;
    const directory = await createDirectory('slow');
    const started = await api.post(`/directories/${directory.id}/runs`);
    const again = await api.post(`/directories/${directory.id}/runs`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already in progress/);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const progress = await api.get(`/runs/${started.body.data.id}`);
    expect(progress.body.data.progress.total).toBe(100);
    await api.post(`/runs/${started.body.data.id}/cancel`);
    await app.strapi.plugin('user-directory-sync').service('runner').wait(started.body.data.id);
    const cancelled = await api.get(`/runs/${started.body.data.id}`);
    expect(cancelled.body.data.status).toBe('cancelled');
    expect(cancelled.body.data.counts.created).toBeLessThan(100);
  });

  it('exports the audit log as CSV', async () => {
    const res = await api.get('/audit/export?action=user.create');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.text.split('\n')[0]).toBe(
      'id,at,category,action,directory,run,subject,actor,details'
    );
    expect(res.text).toMatch(/user\.create,\d+,\d+,user1,admin@example.com/);
  });
});
