/**
 * The second target: Strapi admin users and admin roles, from an Azure (fake) directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startGraphFake, type GraphFake } from '../fakes/graph';
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';

const CA = fs.readFileSync(path.join(__dirname, '../fakes/certs/ca.pem'), 'utf8');
const ADMIN_UID = 'admin::user';

describe('admin users target', () => {
  let app: TestApp;
  let api: PluginApi;
  const run = () => api.run(directoryId);
  let fake: GraphFake;
  let directoryId: number;
  /** An admin (not a Super Admin) who runs syncs, and is also a person of the directory. */
  let runnerToken: string;
  const RUNNER_EMAIL = 'editor1@example.com';
  const adminByEmail = async (email: string) =>
    app.strapi.db.query(ADMIN_UID).findOne({ where: { email }, populate: ['roles'] });
  const roleNames = (user: { roles: { name: string }[] }) =>
    user.roles.map((role) => role.name).sort();

  beforeAll(async () => {
    fake = await startGraphFake({ users: 60, groups: 6, seed: 3 });
    app = await startApp();
    api = pluginApi(app);
    // The Super Admin is also in the directory (same email): never adopted, so never touched.
    fake.store.addUser({
      givenName: 'Ada',
      surname: 'Admin',
      mail: 'admin@example.com',
      groupIds: [fake.groupId(0)],
    });
    // So is the admin who runs the syncs, to be adopted below.
    runnerToken = await app.adminWith([
      'plugin::user-directory-sync.read',
      'plugin::user-directory-sync.run',
    ]);
    fake.store.addUser({
      givenName: 'Ed',
      surname: 'Itor1',
      mail: RUNNER_EMAIL,
      groupIds: [fake.groupId(0)],
    });
    const res = await api.post('/directories', {
      name: 'Editors from Entra ID',
      type: 'azure',
      target: 'admin',
      connection: {
        tenantId: fake.tenantId,
        clientId: fake.clientId,
        authorityHost: fake.url,
        graphBaseUrl: fake.url,
        caCertificate: CA,
      },
      secrets: { clientSecret: fake.clientSecret },
      userGroups: Array.from({ length: 6 }, (_, i) => fake.groupId(i)),
      groupSync: { mode: 'regex', pattern: '^Intranet' },
      options: { orgChart: true },
    });
    expect(res.status).toBe(201);
    directoryId = res.body.data.id;
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  /** Every member with a mail address is in scope (each person is in a team group). */
  const inScope = () =>
    fake.store
      .listUsers()
      .filter(
        (user) =>
          user.userType === 'Member' &&
          user.mail &&
          !['admin@example.com', RUNNER_EMAIL].includes(user.mail)
      );

  it('creates admin users, active and without a password, with roles from their groups', async () => {
    const first = await run();
    expect(first.status).toBe('succeeded');
    expect(first.counts.created).toBe(inScope().length);
    expect(first.counts.conflicts ?? first.counts.skipped).toBeGreaterThanOrEqual(1);
    const editor = inScope().find(
      (user) =>
        fake.store.transitiveMemberOf(user.id).includes(fake.groupId(0)) && user.accountEnabled
    )!;
    const row = await adminByEmail(editor.mail!.toLowerCase());
    expect(row).toMatchObject({
      isActive: true,
      password: null,
      firstname: editor.givenName,
      lastname: editor.surname,
    });
    expect(roleNames(row)).toContain('Intranet Editors');
    const role = await app.strapi.db
      .query('admin::role')
      .findOne({ where: { name: 'Intranet Editors' }, populate: ['permissions'] });
    expect(role.permissions).toEqual([]);
    const identity = await app.strapi.db
      .query('plugin::user-directory-sync.identity')
      .findOne({ where: { directoryId, targetId: row.id, kind: 'user' } });
    expect(identity.profile.attributes).toMatchObject({
      jobTitle: editor.jobTitle,
      department: editor.department,
    });
  });

  it('keeps a role given by hand, and the Settings > Users filter isActive=false finds the leavers', async () => {
    const [keeper, leaver] = inScope().filter((user) => user.accountEnabled);
    const keeperRow = await adminByEmail(keeper.mail!.toLowerCase());
    const author = await app.strapi.db
      .query('admin::role')
      .findOne({ where: { code: 'strapi-author' } });
    await app.strapi.db.query(ADMIN_UID).update({
      where: { id: keeperRow.id },
      data: { roles: [...keeperRow.roles.map((r: { id: number }) => r.id), author.id] },
    });
    fake.store.disableUser(leaver.id);
    const second = await run();
    expect(second.counts).toMatchObject({ disabled: 1, created: 0 });
    expect(roleNames(await adminByEmail(keeper.mail!.toLowerCase()))).toContain('Author');

    const list = await api.get('/admin/users?filters[$and][0][isActive][$eq]=false&pageSize=100');
    expect(list.status).toBe(200);
    const disabled = [
      ...new Set(
        [...inScope().filter((user) => !user.accountEnabled), leaver].map((user) =>
          user.mail!.toLowerCase()
        )
      ),
    ];
    expect(list.body.data.results.map((user: { email: string }) => user.email).sort()).toEqual(
      disabled.sort()
    );
  });

  it('never disables the admin running the sync, even once adopted and gone from the directory', async () => {
    const runAsRunner = async () => {
      const started = await app
        .http()
        .post(`/user-directory-sync/directories/${directoryId}/runs`)
        .set('Authorization', `Bearer ${runnerToken}`)
        .send({});
      expect(started.status).toBe(202);
      await app.strapi.plugin('user-directory-sync').service('runner').wait(started.body.data.id);
      return (await api.get(`/runs/${started.body.data.id}`)).body.data;
    };
    const preview = await api.get(`/directories/${directoryId}/adoption`);
    const emails = preview.body.data.map(
      (c: { localUser: { email: string } }) => c.localUser.email
    );
    expect(emails).not.toContain('admin@example.com');
    const me = preview.body.data.find(
      (c: { localUser: { email: string } }) => c.localUser.email === RUNNER_EMAIL
    );
    expect(me).toBeDefined();
    await api.post(`/directories/${directoryId}/adoption`, {
      users: [me.localUser.id],
    });
    await runAsRunner();
    fake.store.deleteUser(me.directoryUser.externalId, { permanent: true });
    const third = await runAsRunner();
    expect(third.status).toBe('succeeded');
    expect(third.counts.disabled).toBe(0);
    expect((await adminByEmail(RUNNER_EMAIL)).isActive).toBe(true);
    const audit = await api.get(`/audit?directory=${directoryId}&action=user.skip&subject=editor1`);
    expect(
      audit.body.data.map((entry: { details: { reason: string } }) => entry.details.reason)
    ).toContain('the admin running the sync is never disabled');
    expect(roleNames(await adminByEmail(RUNNER_EMAIL))).toContain('Test role 1');
    expect(roleNames(await adminByEmail('admin@example.com'))).toContain('Super Admin');
  });

  it('switching the group regex off unassigns the role the sync created, without deleting it', async () => {
    const editors = await app.strapi.db
      .query('admin::role')
      .findOne({ where: { name: 'Intranet Editors' } });
    const holdersBefore = await app.strapi.db
      .query(ADMIN_UID)
      .count({ where: { roles: { id: editors.id } } });
    expect(holdersBefore).toBeGreaterThan(0);
    await api.put(`/directories/${directoryId}`, {
      groupSync: { mode: 'regex', pattern: '^Nothing' },
    });
    await run();
    expect(
      await app.strapi.db.query('admin::role').findOne({ where: { id: editors.id } })
    ).not.toBeNull();
    // The acting super admin keeps Super Admin: the sync only owns the roles it created or mapped.
    expect(
      await app.strapi.db.query(ADMIN_UID).count({ where: { roles: { id: editors.id } } })
    ).toBe(0);
    const superAdmin = await adminByEmail('admin@example.com');
    expect(roleNames(superAdmin)).toContain('Super Admin');
  });

  it('serves the org chart to a front end only once its role is allowed, with managers and reports', async () => {
    const denied = await app.http().get('/api/user-directory-sync/org-chart');
    expect(denied.status).toBe(403);
    const publicRole = await app.strapi.db
      .query('plugin::users-permissions.role')
      .findOne({ where: { type: 'public' } });
    await app.strapi.db.query('plugin::users-permissions.permission').create({
      data: { action: 'plugin::user-directory-sync.org-chart.index', role: publicRole.id },
    });
    const allowed = await app.http().get('/api/user-directory-sync/org-chart?depth=10');
    expect(allowed.status).toBe(200);
    const flat: {
      id: number;
      name: string;
      managerId: number | null;
      reports: unknown[];
      email?: string;
    }[] = [];
    const walk = (nodes: typeof flat) =>
      nodes.forEach((node) => (flat.push(node), walk(node.reports as typeof flat)));
    walk(allowed.body.data);
    expect(flat.length).toBeGreaterThan(1);
    expect(flat.some((person) => person.managerId !== null)).toBe(true);
    expect(JSON.stringify(allowed.body)).not.toMatch(/password|@/);
  });
});
