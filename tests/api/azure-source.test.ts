/**
 * The Azure AD source end to end on a real Strapi: the real Microsoft Graph SDK and @azure/identity
 * talking to the fake Entra ID / Graph server over HTTPS (the test CA given as the directory's CA).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startGraphFake, type GraphFake } from '../fakes/graph';
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';

const USER_UID = 'plugin::users-permissions.user';
const CA = fs.readFileSync(path.join(__dirname, '../fakes/certs/ca.pem'), 'utf8');

describe('Azure AD source', () => {
  let app: TestApp;
  let api: PluginApi;
  const run = (id: number, body: object = {}) => api.run(id, body);
  let fake: GraphFake;
  /** The directory synced in the full-run test (its users belong to it, not to a second one). */
  let synced: number;
  const createDirectory = async (name: string, extra: object = {}) => {
    const res = await api.post('/directories', {
      name,
      type: 'azure',
      connection: {
        tenantId: fake.tenantId,
        clientId: fake.clientId,
        authorityHost: fake.url,
        graphBaseUrl: fake.url,
        caCertificate: CA,
      },
      secrets: { clientSecret: fake.clientSecret },
      userGroups: Array.from({ length: 100 }, (_, i) => fake.groupId(i)),
      groupSync: { mode: 'regex', pattern: '^Intranet' },
      options: { maxRetryAfterSeconds: 0.05, maxRetries: 1 },
      ...extra,
    });
    expect(res.status).toBe(201);
    return res.body.data.id as number;
  };
  /** What the directory holds in scope, computed from the fake's own store. */
  const expected = () => {
    const users = fake.store.listUsers().filter((user) => user.userType === 'Member');
    return { withMail: users.filter((u) => u.mail), noMail: users.filter((u) => !u.mail) };
  };

  beforeAll(async () => {
    fake = await startGraphFake({ users: 2000, groups: 100, seed: 7 });
    app = await startApp();
    api = pluginApi(app);
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('tests the connection and names a wrong secret', async () => {
    const good = await createDirectory('Contoso');
    const ok = await api.post(`/directories/${good}/test-connection`);
    expect(ok.body.data.ok).toBe(true);
    const res = await api.post('/directories', {
      name: 'Wrong secret',
      type: 'azure',
      connection: {
        tenantId: fake.tenantId,
        clientId: fake.clientId,
        authorityHost: fake.url,
        graphBaseUrl: fake.url,
        caCertificate: CA,
      },
      secrets: { clientSecret: 'not-the-secret' },
    });
    const bad = await api.post(`/directories/${res.body.data.id}/test-connection`);
    expect(bad.body.data.ok).toBe(false);
    expect(bad.body.data.message).toMatch(/secret/i);
    const groups = await api.get(`/directories/${good}/groups?search=Intranet`);
    expect(groups.body.data.map((g: { name: string }) => g.name)).toEqual(
      expect.arrayContaining(['Intranet Editors', 'Intranet Readers'])
    );
  });

  it('syncs 2,000 users and 100 groups, then a delta round writes nothing, then applies exactly the changes', async () => {
    const id = await createDirectory('Contoso full');
    synced = id;
    const first = await run(id);
    const { withMail, noMail } = expected();
    expect(first.status).toBe('succeeded');
    expect(first.mode).toBe('full');
    expect(first.counts.created).toBe(withMail.length);
    expect(first.counts.skipped).toBe(noMail.length);
    const disabledInDirectory = withMail.filter((u) => !u.accountEnabled).length;
    const skip = await api.get(`/audit?directory=${id}&action=user.skip&pageSize=1`);
    expect(skip.body.data[0].details.reason).toMatch(/missing email/);
    const someone = withMail.find((u) => u.managerId && u.accountEnabled)!;
    const [row] = await app.strapi.db.query(USER_UID).findMany({
      where: { username: someone.userPrincipalName },
      populate: ['manager', 'role'],
    });
    expect(row).toMatchObject({
      email: someone.mail!.toLowerCase(),
      firstname: someone.givenName,
      jobTitle: someone.jobTitle,
    });
    expect(row.manager).not.toBeNull();
    expect(
      await app.strapi.db.query(USER_UID).count({
        where: { blocked: true, username: { $in: withMail.map((u) => u.userPrincipalName) } },
      })
    ).toBe(disabledInDirectory);

    const quiet = await run(id);
    expect(quiet).toMatchObject({ status: 'succeeded', mode: 'delta' });
    expect(quiet.counts).toMatchObject({ created: 0, updated: 0, disabled: 0, enabled: 0 });

    const edited = withMail.find((u) => u.accountEnabled && u.id !== someone.id)!;
    fake.store.updateUser(edited.id, { jobTitle: 'Chief Delta Officer' });
    const leaver = withMail.find(
      (u) => u.accountEnabled && u.id !== edited.id && u.id !== someone.id
    )!;
    fake.store.disableUser(leaver.id);
    const added = fake.store.addUser({
      givenName: 'New',
      surname: 'Starter',
      login: 'new.starter',
      groupIds: [fake.groupId(10)],
    });
    const changed = await run(id);
    expect(changed.mode).toBe('delta');
    expect(changed.counts).toMatchObject({ created: 1, updated: 1, disabled: 1, enabled: 0 });
    const [editedRow] = await app.strapi.db
      .query(USER_UID)
      .findMany({ where: { username: edited.userPrincipalName } });
    expect(editedRow.jobTitle).toBe('Chief Delta Officer');
    expect(
      await app.strapi.db.query(USER_UID).findMany({ where: { username: added.userPrincipalName } })
    ).toHaveLength(1);
  });

  it('disables nobody when Graph fails half way through a full run, and the next full run does', async () => {
    const id = synced;
    const leaver = expected().withMail.find((u) => u.accountEnabled)!;
    fake.store.deleteUser(leaver.id, { permanent: true });
    fake.inject({ kind: 500, times: Infinity, path: /skiptoken/i });
    const failed = await run(id, { full: true });
    fake.clearFaults();
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/Graph|500/);
    const [kept] = await app.strapi.db
      .query(USER_UID)
      .findMany({ where: { username: leaver.userPrincipalName } });
    expect(kept.blocked).toBe(false);

    const healed = await run(id, { full: true });
    expect(healed.status).toBe('succeeded');
    expect(healed.counts.disabled).toBe(1);
  });
});
