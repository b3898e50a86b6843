/**
 * What the admin panel relies on from the server, on a real Strapi: the directory key in audit
 * entries and webhook events, the adoption preview's changes and refusals, the admin user fields
 * of the meta, and the Content Manager's user list configured at bootstrap.
 */
import { configureUserList, SYNCED_USER_LIST } from '../../server/src/bootstrap';
import { pluginApi, type PluginApi } from '../helpers/api';
import { memoryDirectory, person, registerMemoryProvider } from '../helpers/memory-provider';
import { startApp, type TestApp } from '../helpers/strapi';

const USER_UID = 'plugin::users-permissions.user';

describe('what the panel needs from the server', () => {
  let app: TestApp;
  let api: PluginApi;

  beforeAll(async () => {
    app = await startApp();
    api = pluginApi(app);
    registerMemoryProvider(app.strapi);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const createDirectory = async (store: string) => {
    const res = await api.post('/directories', {
      name: `Directory ${store}`,
      type: 'memory',
      connection: { store },
      secrets: { token: 'right' },
    });
    expect(res.status).toBe(201);
    return res.body.data as { id: number; directoryKey: string };
  };

  it('names the directory by its key in audit entries and in webhook events', async () => {
    const events: { name: string; payload: Record<string, unknown> }[] = [];
    const unsubscribe = app.strapi.eventHub.subscribe(async (name, payload) => {
      if (name.startsWith('user-directory-sync.'))
        events.push({ name, payload: payload as Record<string, unknown> });
    });
    try {
      memoryDirectory('keyed').users = [person(100)];
      const directory = await createDirectory('keyed');
      expect(directory.directoryKey).toMatch(/^[0-9a-f-]{36}$/);
      const run = await api.run(directory.id);
      expect(run.status).toBe('succeeded');

      const audit = await api.get(`/audit?directory=${directory.id}&pageSize=100`);
      const actions = audit.body.data.map((entry: { action: string }) => entry.action);
      expect(actions).toEqual(expect.arrayContaining(['settings.update', 'user.create']));
      for (const entry of audit.body.data) expect(entry.directoryKey).toBe(directory.directoryKey);

      const created = events.find((event) => event.name === 'user-directory-sync.user.create');
      expect(created?.payload).toMatchObject({
        directoryId: directory.id,
        directoryKey: directory.directoryKey,
        subject: 'user100',
      });
      const finished = events.find((event) => event.name === 'user-directory-sync.run.finish');
      expect(finished?.payload).toMatchObject({ directoryKey: directory.directoryKey });
    } finally {
      unsubscribe();
    }
  });

  it('previews adoption with what would change, and refuses users another directory owns', async () => {
    const local = await app.strapi.db.query(USER_UID).create({
      data: {
        username: 'user200',
        email: 'user200@example.com',
        provider: 'local',
        confirmed: true,
        blocked: false,
        firstname: 'Old',
      },
    });
    memoryDirectory('owner').users = [person(201)];
    const owner = await createDirectory('owner');
    await api.run(owner.id);
    const owned = await app.strapi.db.query(USER_UID).findOne({ where: { username: 'user201' } });

    // The second directory has both people: one local user by email, one the first one owns.
    memoryDirectory('adopter').users = [
      person(200, { username: 'ann200' }),
      person(201, { externalId: 'other-201' }),
    ];
    const adopter = await createDirectory('adopter');
    const preview = await api.get(`/directories/${adopter.id}/adoption`);
    expect(preview.status).toBe(200);
    const byId = new Map(
      preview.body.data.map((c: { localUser: { id: number } }) => [c.localUser.id, c])
    );
    expect(byId.get(local.id)).toMatchObject({
      match: 'email',
      changes: {
        username: { from: 'user200', to: 'ann200' },
        firstname: { from: 'Old', to: 'First200' },
      },
    });
    expect(byId.get(local.id)).not.toHaveProperty('refused');
    expect(byId.get(owned.id)).toMatchObject({
      match: 'username',
      refused: 'already synced by the directory "Directory owner"',
    });

    const adopted = await api.post(`/directories/${adopter.id}/adoption`, { users: 'all' });
    expect(adopted.status).toBe(200);
    expect(adopted.body.data.map((c: { localUser: { id: number } }) => c.localUser.id)).toEqual([
      local.id,
    ]);
    const audit = await api.get(`/audit?directory=${adopter.id}&action=user.adopt`);
    expect(audit.body.data).toEqual([
      expect.objectContaining({ subject: 'user200', directoryKey: adopter.directoryKey }),
    ]);
  });

  it('lists the admin user fields a mapping of the admin target may write', async () => {
    const meta = await api.get('/meta');
    expect(meta.body.data.userFields.admin).toEqual(
      expect.arrayContaining(['firstname', 'lastname', 'email'])
    );
    expect(meta.body.data.userFields.admin).not.toContain('department');
    expect(meta.body.data.userFields['users-permissions']).toContain('department');
  });

  it("shows blocked, department and job title in the Content Manager's user list by default", async () => {
    const service = app.strapi.plugin('content-manager').service('content-types');
    const configuration = await service.findConfiguration({ uid: USER_UID });
    expect(configuration.layouts.list).toEqual(SYNCED_USER_LIST);

    // A list an admin customised is kept, even when the plugin configures again.
    const custom = ['id', 'email', 'username'];
    const { uid: _uid, ...rest } = configuration;
    await service.updateConfiguration(
      { uid: USER_UID },
      { ...rest, layouts: { ...configuration.layouts, list: custom } }
    );
    await app.strapi
      .store({ type: 'plugin', name: 'user-directory-sync', key: 'content-manager-user-list' })
      .delete({});
    await configureUserList(app.strapi);
    expect((await service.findConfiguration({ uid: USER_UID })).layouts.list).toEqual(custom);
  });
});
