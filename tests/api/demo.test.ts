/**
 * `npm run demo` boots the playground with DEMO_MODE=true: a ready admin and the demo CSV directory
 * (1,000 people from the Media Library) synced at start.
 */
import path from 'node:path';
import { startGraphFake, type GraphFake } from '../fakes/graph';
import { startApp, type TestApp } from '../helpers/strapi';

describe('demo seed', () => {
  let app: TestApp;
  let fake: GraphFake;
  beforeAll(async () => {
    fake = await startGraphFake({ users: 200, seed: 9 });
    process.env.DEMO_AZURE_SANDBOX = JSON.stringify({
      url: fake.url,
      tenantId: fake.tenantId,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      caCertificate: path.join(__dirname, '../fakes/certs/ca.pem'),
    });
    process.env.DEMO_MODE = 'true';
    process.env.DEMO_ADMIN_EMAIL = 'demo@example.com';
    process.env.DEMO_ADMIN_PASSWORD = 'Demo-password-1';
    app = await startApp();
  });
  afterAll(async () => {
    delete process.env.DEMO_MODE;
    delete process.env.DEMO_AZURE_SANDBOX;
    await app?.stop();
    await fake?.close();
  });

  it('creates the demo admin and syncs the 1,000 demo people with managers, roles and some disabled', async () => {
    const login = await app
      .http()
      .post('/admin/login')
      .send({ email: 'demo@example.com', password: 'Demo-password-1' });
    expect(login.status).toBe(200);
    const users = app.strapi.db.query('plugin::users-permissions.user');
    expect(await users.count({})).toBe(1000);
    expect(await users.count({ where: { blocked: true } })).toBeGreaterThan(0);
    const withManager = await users.count({ where: { manager: { id: { $notNull: true } } } });
    expect(withManager).toBe(999);
    const editors = await users.count({ where: { role: { name: 'Intranet Editors' } } });
    expect(editors).toBeGreaterThan(0);
  });

  it('signs a synced demo person in to the intranet over plain http in production mode', async () => {
    // The playground runs `strapi start` (NODE_ENV=production) on http://localhost: the refresh
    // cookie of users-permissions' sessions must not be Secure there, or the sign-in answers 500.
    const mode = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const signIn = (password: string) =>
        app.http().post('/api/auth/local').send({ identifier: 'ada.becker', password });
      const wrong = await signIn('not-the-password');
      expect(wrong.status).toBe(400);
      const right = await signIn('Welcome-to-the-demo-1');
      expect(right.status).toBe(200);
      expect(right.body.jwt).toEqual(expect.any(String));
      expect(right.body.user).toMatchObject({ username: 'ada.becker', blocked: false });
      expect(String(right.headers['set-cookie'] ?? '')).not.toMatch(/;\s*secure/i);
      // The JWT names her account.
      const [, payload] = right.body.jwt.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      expect(claims).toMatchObject({ userId: String(right.body.user.id), type: 'access' });
    } finally {
      process.env.NODE_ENV = mode;
    }
  });

  it('serves the demo organisation as an org chart, once the public role is allowed', async () => {
    expect((await app.http().get('/api/user-directory-sync/org-chart')).status).toBe(403);
    const publicRole = await app.strapi.db
      .query('plugin::users-permissions.role')
      .findOne({ where: { type: 'public' } });
    await app.strapi.db.query('plugin::users-permissions.permission').create({
      data: { action: 'plugin::user-directory-sync.org-chart.index', role: publicRole.id },
    });
    const res = await app.http().get('/api/user-directory-sync/org-chart?depth=1');
    expect(res.status).toBe(200);
    const [ceo] = res.body.data;
    expect(ceo).toMatchObject({
      name: 'Ada Becker',
      jobTitle: 'Chief Executive Officer',
      managerId: null,
    });
    expect(ceo.reports.length).toBeGreaterThan(0);
    expect(ceo.reports[0]).toMatchObject({ managerId: ceo.id, reports: [] });
    expect(ceo).not.toHaveProperty('email');
  });

  it('offers an Azure AD sandbox directory, all groups selected, that syncs from the fake tenant', async () => {
    const auth = { Authorization: `Bearer ${app.token}` };
    const list = await app.http().get('/user-directory-sync/directories').set(auth);
    const azure = list.body.data.find((d: { name: string }) => d.name === 'Demo Azure AD');
    expect(azure).toMatchObject({
      type: 'azure',
      loginProvider: 'microsoft',
      secrets: { clientSecret: 'set' },
    });
    expect(azure.userGroups).toHaveLength(fake.store.listGroups().length);
    const test = await app
      .http()
      .post(`/user-directory-sync/directories/${azure.id}/test-connection`)
      .set(auth);
    expect(test.body.data.ok).toBe(true);
    const started = await app
      .http()
      .post(`/user-directory-sync/directories/${azure.id}/runs`)
      .set(auth);
    await app.strapi.plugin('user-directory-sync').service('runner').wait(started.body.data.id);
    const run = await app.http().get(`/user-directory-sync/runs/${started.body.data.id}`).set(auth);
    expect(run.body.data.status).toBe('succeeded');
    const { seen, created, skipped } = run.body.data.counts;
    expect(created + skipped).toBe(seen);
    expect(created).toBeGreaterThan(seen * 0.7);
  });
});
