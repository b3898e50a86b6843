/**
 * `npm run demo` boots the playground with DEMO_MODE=true: a ready admin and the demo CSV directory
 * (1,000 people from the Media Library) synced at start.
 */
import { startApp, type TestApp } from '../helpers/strapi';

describe('demo seed', () => {
  let app: TestApp;
  beforeAll(async () => {
    process.env.DEMO_MODE = 'true';
    process.env.DEMO_ADMIN_EMAIL = 'demo@example.com';
    process.env.DEMO_ADMIN_PASSWORD = 'Demo-password-1';
    app = await startApp();
  });
  afterAll(async () => {
    delete process.env.DEMO_MODE;
    await app?.stop();
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
});
