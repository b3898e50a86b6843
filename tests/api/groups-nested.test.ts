/**
 * Entra ID's nested groups as data, on a real Strapi with the real Graph SDK against the fake
 * Entra ID / Graph: a group knows its parents, the user relation holds direct memberships, and the
 * groups service answers transitive ones, after a full run and after a delta round.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startGraphFake, type GraphFake } from '../fakes/graph';
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';

const USER_UID = 'plugin::users-permissions.user';
const GROUP_UID = 'plugin::user-directory-sync.group';
const CA = fs.readFileSync(path.join(__dirname, '../fakes/certs/ca.pem'), 'utf8');

describe('nested groups from Entra ID', () => {
  let app: TestApp;
  let api: PluginApi;
  let fake: GraphFake;
  let directoryId: number;

  const groupsOf = async (upn: string) => {
    const [user] = await app.strapi.db
      .query(USER_UID)
      .findMany({ where: { username: upn }, populate: ['directoryGroups'] });
    const all = await app.strapi.plugin('user-directory-sync').service('groups').ofUser(user.id);
    return {
      direct: user.directoryGroups.map((g: { name: string }) => g.name).sort(),
      transitive: all.map((g: { name: string }) => g.name).sort(),
    };
  };
  const parentsOf = async (name: string) => {
    const row = await app.strapi.db
      .query(GROUP_UID)
      .findOne({ where: { directoryId, name }, populate: ['parents'] });
    return row.parents.map((g: { name: string }) => g.name).sort();
  };

  beforeAll(async () => {
    fake = await startGraphFake({ users: 30, groups: 3, seed: 21 });
    app = await startApp();
    api = pluginApi(app);
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('keeps parents, direct and transitive memberships, in a full run and in a delta round', async () => {
    const staff = fake.store.addGroup({ displayName: 'Nested Parent' });
    const editors = fake.store.addGroup({ displayName: 'Nested Child' });
    fake.store.addMember(staff.id, editors.id);
    const [ada, alan] = fake.store
      .listUsers()
      .filter((user) => user.mail && user.accountEnabled && user.userType === 'Member');
    fake.store.addMember(editors.id, ada.id);
    directoryId = await api.createDirectory({
      name: 'Nested',
      type: 'azure',
      connection: {
        tenantId: fake.tenantId,
        clientId: fake.clientId,
        authorityHost: fake.url,
        graphBaseUrl: fake.url,
        caCertificate: CA,
      },
      secrets: { clientSecret: fake.clientSecret },
      userGroups: [staff.id, ...Array.from({ length: 3 }, (_, i) => fake.groupId(i))],
    });
    const full = await api.run(directoryId);
    expect(full).toMatchObject({ status: 'succeeded', mode: 'full' });
    expect(await parentsOf('Nested Child')).toEqual(['Nested Parent']);
    const first = await groupsOf(ada.userPrincipalName);
    expect(first.direct).toContain('Nested Child');
    expect(first.direct).not.toContain('Nested Parent');
    expect(first.transitive).toEqual(expect.arrayContaining(['Nested Parent', 'Nested Child']));

    // A delta round: Alan joins the nested group, and the nesting is undone.
    fake.store.addMember(editors.id, alan.id);
    fake.store.removeMember(staff.id, editors.id);
    const delta = await api.run(directoryId);
    expect(delta).toMatchObject({ status: 'succeeded', mode: 'delta' });
    expect(await parentsOf('Nested Child')).toEqual([]);
    const second = await groupsOf(alan.userPrincipalName);
    expect(second.direct).toContain('Nested Child');
    expect(second.transitive).not.toContain('Nested Parent');
  });
});
