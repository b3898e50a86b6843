/**
 * Security of what a run writes (issue 14, items 2, 3 and 9), through the admin API on a real
 * Strapi with the test-only 'memory' directory: a directory record cannot hand out a known
 * password, give an admin user a password, or take the Super Admin role away; password digests
 * kept for change detection are keyed.
 */
import { createHash } from 'node:crypto';
import { memoryDirectory, person, registerMemoryProvider } from '../helpers/memory-provider';
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';

const USER_UID = 'plugin::users-permissions.user';
const ADMIN_UID = 'admin::user';
const IDENTITY_UID = 'plugin::user-directory-sync.identity';

describe('security of a run', () => {
  let app: TestApp;
  let api: PluginApi;

  beforeAll(async () => {
    app = await startApp();
    registerMemoryProvider(app.strapi);
    api = pluginApi(app);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const directory = (store: string, extra: object = {}) =>
    api.createDirectory({
      name: `Directory ${store}`,
      type: 'memory',
      connection: { store },
      secrets: { token: 'right' },
      ...extra,
    });
  const signIn = (identifier: string, password: string) =>
    app.http().post('/api/auth/local').send({ identifier, password });
  const rowsOf = (usernames: string[]) =>
    app.strapi.db.query(USER_UID).findMany({ where: { username: { $in: usernames } } });

  it('gives local users of a directory a random password nobody knows, different for each', async () => {
    memoryDirectory('random').users = [person(1), person(2)];
    const id = await directory('random', { loginProvider: 'local' });
    expect((await api.run(id)).status).toBe('succeeded');
    const rows = await rowsOf(['user1', 'user2']);
    expect(rows).toHaveLength(2);
    expect(rows[0].password).toMatch(/^\$2a\$10\$/);
    expect(rows[0].password).not.toBe(rows[1].password);
    for (const guess of ['', 'password', 'user1', 'Demo-password-1']) {
      const res = await signIn('user1', guess || 'x');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('Invalid identifier or password');
    }
  });

  it('gives users who sign in through a provider (SSO) no password at all, whatever the source sends', async () => {
    memoryDirectory('sso-pw').users = [person(3, { password: 'Source-pass-1' })];
    const id = await directory('sso-pw', { loginProvider: 'microsoft' });
    expect((await api.run(id)).status).toBe('succeeded');
    const [row] = await rowsOf(['user3']);
    expect(row.password).toBeNull();
    expect((await signIn('user3', 'Source-pass-1')).status).toBe(400);
  });

  it('uses one shared password only when the admin chose it, and keeps CSV password digests keyed', async () => {
    memoryDirectory('shared').users = [person(4), person(5, { password: 'Own-pass-5' })];
    const id = await directory('shared', {
      loginProvider: 'local',
      options: { passwordPolicy: 'shared' },
      secrets: { token: 'right', defaultPassword: 'Shared-pass-1' },
    });
    expect((await api.run(id)).status).toBe('succeeded');
    expect((await signIn('user4', 'Shared-pass-1')).status).toBe(200);
    expect((await signIn('user5', 'Own-pass-5')).status).toBe(200);
    expect((await signIn('user5', 'Shared-pass-1')).status).toBe(400);

    const links = (await app.strapi.db
      .query(IDENTITY_UID)
      .findMany({ where: { directoryId: id, externalId: 'ext-5' } })) as {
      profile: { passwordDigest?: string } | string;
    }[];
    const profile =
      typeof links[0].profile === 'string' ? JSON.parse(links[0].profile) : links[0].profile;
    const plain = createHash('sha256').update('Own-pass-5').digest('hex');
    expect(profile.passwordDigest).toMatch(/^hmac:[0-9a-f]{64}$/);
    expect(profile.passwordDigest).not.toContain(plain);
    // Unchanged password: the second run writes nothing.
    const second = await api.run(id);
    expect(second.counts).toMatchObject({ updated: 0, created: 0 });
  });

  it('never gives an admin user a password, and never takes the Super Admin role away', async () => {
    const superRole = await app.strapi.service('admin::role').getSuperAdmin();
    const store = memoryDirectory('admins');
    store.groups = [
      { externalId: 'g-admins', name: 'Admins', description: null, members: ['ext-6'] },
    ];
    store.users = [
      person(6, { password: 'Admin-pass-6', email: 'six@example.com' }),
      person(7, { password: 'Admin-pass-7', email: 'seven@example.com' }),
    ];
    // Mapping the Super Admin role is allowed here: the admin saving it is a Super Admin.
    const id = await directory('admins', {
      target: 'admin',
      groupSync: { mode: 'none', roles: [{ group: 'g-admins', role: 'strapi-super-admin' }] },
    });
    expect((await api.run(id)).status).toBe('succeeded');
    const six = await app.strapi.db
      .query(ADMIN_UID)
      .findOne({ where: { email: 'six@example.com' }, populate: ['roles'] });
    const seven = await app.strapi.db
      .query(ADMIN_UID)
      .findOne({ where: { email: 'seven@example.com' } });
    expect(six.password).toBeNull();
    expect(seven.password).toBeNull();
    expect(six.roles.map((role: { id: number }) => role.id)).toContain(superRole.id);

    store.groups[0].members = [];
    store.users[0] = { ...store.users[0], password: 'Changed-pass-6' };
    expect((await api.run(id)).status).toBe('succeeded');
    const after = await app.strapi.db
      .query(ADMIN_UID)
      .findOne({ where: { email: 'six@example.com' }, populate: ['roles'] });
    expect(after.password).toBeNull();
    expect(after.roles.map((role: { id: number }) => role.id)).toContain(superRole.id);
  });
});
