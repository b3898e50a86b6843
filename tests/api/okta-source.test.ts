/**
 * The Okta source end to end on a real Strapi: @okta/okta-sdk-nodejs against the fake Okta org.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { startOktaFake, type OktaFake } from '../fakes/okta';
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';

const USER_UID = 'plugin::users-permissions.user';
const MINUTE = 60_000;
// The fake org speaks HTTPS with the test CA: plain http:// needs the plugin's allowHttp.
const CA = readFileSync(join(__dirname, '..', 'fakes', 'certs', 'ca.pem'), 'utf8');

describe('Okta source', () => {
  let app: TestApp;
  let api: PluginApi;
  const run = (id: number) => api.run(id);
  let fake: OktaFake;

  beforeAll(async () => {
    fake = await startOktaFake({ users: 2000, seed: 5, https: true });
    app = await startApp();
    api = pluginApi(app);
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('syncs the members of 20 app-assigned groups, then an incremental run picks up exactly the changes', async () => {
    const assigned = fake.store
      .appAssignments()
      .slice(0, 20)
      .map((assignment) => fake.store.groups[assignment.groupPos]);
    expect(assigned).toHaveLength(20);
    const res = await api.post('/directories', {
      name: 'Okta',
      type: 'okta',
      connection: {
        orgUrl: `${fake.url}/`,
        authMode: 'token',
        appId: fake.appId,
        caCertificate: CA,
      },
      secrets: { apiToken: fake.apiToken },
      userGroups: assigned.map((group) => group.id),
    });
    expect(res.status).toBe(201);
    const id = res.body.data.id as number;

    const offered = await api.get(`/directories/${id}/groups`);
    expect(offered.body.data.length).toBe(fake.store.appAssignments().length);

    // Who is in scope, read from the fake's own store: members of the selected groups, not STAGED/PROVISIONED.
    const positions = new Set(assigned.map((group) => group.pos));
    const members = fake.store.users.filter(
      (user) => !user.deleted && [...user.groups].some((pos) => positions.has(pos))
    );
    const inScope = members.filter((user) => !['STAGED', 'PROVISIONED'].includes(user.status));
    const inactive = inScope.filter((user) => ['SUSPENDED', 'DEPROVISIONED'].includes(user.status));

    const first = await run(id);
    expect(first.status).toBe('succeeded');
    expect(first.counts.created + first.counts.skipped).toBe(inScope.length);
    expect(first.counts.created).toBeGreaterThan(inScope.length * 0.95);
    expect(await app.strapi.db.query(USER_UID).count({ where: { blocked: true } })).toBe(
      inactive.filter((user) => user.profile.email).length
    );

    const active = inScope.filter((user) => user.status === 'ACTIVE');
    const [suspended, deactivated, edited] = active;
    const outsider = fake.store.users.find(
      (user) => user.status === 'ACTIVE' && ![...user.groups].some((pos) => positions.has(pos))
    )!;
    fake.advanceClock(5 * MINUTE);
    fake.store.suspend(suspended.id);
    fake.store.deactivate(deactivated.id);
    fake.store.updateProfile(edited.id, { title: 'Chief Intranet Gardener' });
    fake.store.addMember(assigned[0].id, outsider.id);
    fake.advanceClock(5 * MINUTE);

    const second = await run(id);
    expect(second).toMatchObject({ status: 'succeeded', mode: 'delta' });
    expect(second.counts).toMatchObject({ created: 1, updated: 1, disabled: 2, enabled: 0 });
    const [row] = await app.strapi.db
      .query(USER_UID)
      .findMany({ where: { username: edited.profile.login } });
    expect(row.jobTitle).toBe('Chief Intranet Gardener');
  });
});
