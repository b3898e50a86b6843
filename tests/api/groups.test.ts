/**
 * Groups as data (issue 15) on a real Strapi, with the test-only 'memory' directory: each synced
 * user carries its directory groups as a relation Strapi's own API populates; the group -> role map
 * picks the first matching rule, the default otherwise, and many roles for admin users; nested
 * groups are visible transitively; the in-group route policy; group events reach a webhook.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryDirectory, person, registerMemoryProvider } from '../helpers/memory-provider';
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';

const USER_UID = 'plugin::users-permissions.user';
const ROLE_UID = 'plugin::users-permissions.role';

describe('groups as data', () => {
  let app: TestApp;
  let api: PluginApi;
  let directoryId: number;
  let hook: http.Server;
  const received: { event: string; entry: { subject: string } }[] = [];
  const store = memoryDirectory('groups-data');

  const signIn = async (username: string) => {
    const res = await app
      .http()
      .post('/api/auth/local')
      .send({ identifier: username, password: 'Shared-pass-1' });
    expect(res.status).toBe(200);
    return res.body.jwt as string;
  };
  const me = async (jwt: string) =>
    (
      await app
        .http()
        .get('/api/users/me?populate=directoryGroups')
        .set('Authorization', `Bearer ${jwt}`)
    ).body as { directoryGroups: { name: string }[]; role?: unknown };
  const roleOf = async (username: string) =>
    (await app.strapi.db.query(USER_UID).findOne({ where: { username }, populate: ['role'] })).role
      .name as string;

  beforeAll(async () => {
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    app = await startApp();
    registerMemoryProvider(app.strapi);
    api = pluginApi(app);
    const port = (hook.address() as AddressInfo).port;
    const webhook = await api.post('/admin/webhooks', {
      name: 'groups',
      url: `http://127.0.0.1:${port}/hook`,
      headers: {},
      events: [
        'user-directory-sync.group.create',
        'user-directory-sync.group.member.add',
        'user-directory-sync.group.member.remove',
      ],
    });
    expect([webhook.status, webhook.body]).toEqual([201, expect.anything()]);
    for (const name of ['Editor', 'Sales Role'])
      await app.strapi.db
        .query(ROLE_UID)
        .create({ data: { name, type: name.toLowerCase().replace(' ', '-'), description: name } });
    // Signed-in users (whatever their role) may call the example routes of
    // playground/src/api/intranet and read directory groups (populate, /groups/mine).
    const roles = await app.strapi.db
      .query(ROLE_UID)
      .findMany({ where: { type: { $in: ['authenticated', 'editor', 'sales-role'] } } });
    for (const role of roles)
      for (const action of [
        'api::intranet.intranet.editors',
        'api::intranet.intranet.staff',
        'plugin::user-directory-sync.group.find',
        'plugin::user-directory-sync.group.mine',
        'plugin::users-permissions.user.me',
      ])
        await app.strapi.db
          .query('plugin::users-permissions.permission')
          .create({ data: { action, role: role.id } });

    store.users = [person(1), person(2), person(3), person(4)];
    store.groups = [
      {
        externalId: 'g-ed',
        name: 'Intranet Editors',
        description: null,
        members: ['ext-1', 'ext-2'],
        parents: ['g-all'],
      },
      { externalId: 'g-sales', name: 'Sales', description: 'Sales team', members: ['ext-1'] },
      { externalId: 'g-eng', name: 'Engineering', description: null, members: ['ext-1', 'ext-3'] },
      {
        externalId: 'g-all',
        name: 'All Staff',
        description: null,
        members: ['ext-4', 'ext-1', 'ext-2'],
        directMembers: ['ext-4'],
      },
    ];
    directoryId = await api.createDirectory({
      name: 'Groups as data',
      type: 'memory',
      connection: { store: 'groups-data' },
      secrets: { token: 'right', defaultPassword: 'Shared-pass-1' },
      loginProvider: 'local',
      options: { passwordPolicy: 'shared' },
      groupSync: {
        mode: 'none',
        roles: [
          { group: 'Sales', role: 'Sales Role' },
          { pattern: '^Intranet', role: 'Editor' },
        ],
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await new Promise((resolve) => hook?.close(resolve));
  });

  it('gives each user its groups as a relation that /api/users/me populates, and roles by the first matching rule', async () => {
    const first = await api.run(directoryId);
    expect(first.status).toBe('succeeded');
    const u1 = await me(await signIn('user1'));
    expect(u1.directoryGroups.map((g) => g.name).sort()).toEqual([
      'Engineering',
      'Intranet Editors',
      'Sales',
    ]);
    expect((await me(await signIn('user4'))).directoryGroups.map((g) => g.name)).toEqual([
      'All Staff',
    ]);
    expect(await roleOf('user1')).toBe('Sales Role');
    expect(await roleOf('user2')).toBe('Editor');
    expect(await roleOf('user3')).toBe('Authenticated');
    const created = await api.get(
      `/audit?directory=${directoryId}&action=user.create&subject=user2`
    );
    expect(created.body.data[0].details.roleReason).toMatch(/rule 2 .*Intranet.* -> Editor/);
    // A second run writes nothing.
    const second = await api.run(directoryId);
    expect(second.counts).toMatchObject({ created: 0, updated: 0 });
  });

  it('shows a user its groups in the Content Manager, read-only', async () => {
    const [u1] = await app.strapi.db.query(USER_UID).findMany({ where: { username: 'user1' } });
    const cm = (path: string) =>
      app.http().get(`/content-manager${path}`).set('Authorization', `Bearer ${app.token}`);
    const relations = await cm(`/relations/${USER_UID}/${u1.documentId}/directoryGroups`);
    expect(relations.status).toBe(200);
    expect(relations.body.results.map((g: { name: string }) => g.name).sort()).toEqual([
      'Engineering',
      'Intranet Editors',
      'Sales',
    ]);
    const configuration = await cm(`/content-types/${USER_UID}/configuration`);
    expect(configuration.body.data.contentType.metadatas.directoryGroups.edit).toMatchObject({
      editable: false,
      mainField: 'name',
    });
  });

  it('answers nested membership transitively, and the in-group policy lets members through only', async () => {
    const groups = app.strapi.plugin('user-directory-sync').service('groups');
    const [u2] = await app.strapi.db.query(USER_UID).findMany({ where: { username: 'user2' } });
    const names = (await groups.ofUser(u2.id)).map((g: { name: string; direct: boolean }) => [
      g.name,
      g.direct,
    ]);
    expect(names).toEqual([
      ['All Staff', false],
      ['Intranet Editors', true],
    ]);
    const get = (path: string, jwt?: string) => {
      const req = app.http().get(path);
      return jwt ? req.set('Authorization', `Bearer ${jwt}`) : req;
    };
    const editor = await signIn('user2');
    const outsider = await signIn('user3');
    expect((await get('/api/intranet/editors', editor)).status).toBe(200);
    expect((await get('/api/intranet/staff', editor)).status).toBe(200);
    expect((await get('/api/intranet/editors', outsider)).status).toBe(403);
    expect((await get('/api/intranet/staff', outsider)).status).toBe(403);
    expect([401, 403]).toContain((await get('/api/intranet/editors')).status);
    // The content API answers the signed-in user's groups, nested ones included.
    const mine = await get('/api/user-directory-sync/groups/mine', editor);
    expect(mine.status).toBe(200);
    expect(
      mine.body.data.map((g: { name: string; direct: boolean }) => [g.name, g.direct])
    ).toEqual([
      ['All Staff', false],
      ['Intranet Editors', true],
    ]);
  });

  it('removes a membership removed at the source, with its audit entry and event', async () => {
    store.groups[0] = { ...store.groups[0], members: ['ext-1'] };
    const run = await api.run(directoryId);
    expect(run.status).toBe('succeeded');
    expect((await me(await signIn('user2'))).directoryGroups.map((g) => g.name)).toEqual([]);
    expect(await roleOf('user2')).toBe('Authenticated');
    const removed = await api.get(`/audit?directory=${directoryId}&action=group.member.remove`);
    expect(removed.body.data).toHaveLength(1);
    expect(removed.body.data[0].subject).toBe('Intranet Editors');
    for (let i = 0; i < 50 && !received.some((r) => r.event.endsWith('member.remove')); i += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.map((r) => r.event)).toEqual(
      expect.arrayContaining([
        'user-directory-sync.group.create',
        'user-directory-sync.group.member.remove',
      ])
    );
  });

  it('gives admin users a role for every matching rule', async () => {
    const adminStore = memoryDirectory('groups-admin');
    adminStore.users = [person(8, { email: 'eight@example.com' })];
    adminStore.groups = [
      { externalId: 'ga', name: 'Intranet Authors', description: null, members: ['ext-8'] },
      { externalId: 'gb', name: 'Reviewers', description: null, members: ['ext-8'] },
    ];
    const id = await api.createDirectory({
      name: 'Admin groups',
      type: 'memory',
      target: 'admin',
      connection: { store: 'groups-admin' },
      secrets: { token: 'right' },
      groupSync: {
        mode: 'none',
        roles: [
          { pattern: '^Intranet', role: 'strapi-author' },
          { group: 'Reviewers', role: 'strapi-editor' },
        ],
      },
    });
    expect((await api.run(id)).status).toBe('succeeded');
    const user = await app.strapi.db
      .query('admin::user')
      .findOne({ where: { email: 'eight@example.com' }, populate: ['roles'] });
    expect(user.roles.map((r: { code: string }) => r.code).sort()).toEqual([
      'strapi-author',
      'strapi-editor',
    ]);
    // Admin users' memberships are kept the same way, on the group's relation to admin users.
    const groups = await app.strapi.db.query('plugin::user-directory-sync.group').findMany({
      where: { directoryId: id },
      populate: { adminUsers: { select: ['email'] } },
      orderBy: { name: 'asc' },
    });
    expect(
      groups.map((g: { name: string; adminUsers: { email: string }[] }) => [
        g.name,
        g.adminUsers.map((u) => u.email),
      ])
    ).toEqual([
      ['Intranet Authors', ['eight@example.com']],
      ['Reviewers', ['eight@example.com']],
    ]);
  });
});
