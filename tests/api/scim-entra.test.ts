/**
 * Entra ID's provisioning sequence, request by request as Microsoft's SCIM tutorial shows it, on a
 * real Strapi: Test Connection, match by filter, create, update, manager change, deactivate,
 * reactivate, groups and their members, delete, and the same person created again.
 */
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';
import { ENTERPRISE, entra } from '../unit/scim/fixtures';
import {
  createScimDirectory,
  scimClient,
  type ScimClient,
  type ScimDirectory,
} from './scim-client';

const USER_UID = 'plugin::users-permissions.user';

describe('SCIM: the Entra ID sequence', () => {
  let app: TestApp;
  let api: PluginApi;
  let directory: ScimDirectory;
  let scim: ScimClient;
  const ids = { user: '', manager: '', group: '' };
  let strapiUserId = 0;

  beforeAll(async () => {
    app = await startApp();
    api = pluginApi(app);
    directory = await createScimDirectory(api, {
      groupSync: { mode: 'all', roles: [] },
      // The brake has its own test (scim-rules): colleagues below keep this sequence's four
      // deactivations of one person within the threshold of the push window.
      safety: { maxDisablePercent: 100 },
    });
    scim = scimClient(app, directory.base, directory.token);
    for (let n = 1; n <= 10; n += 1) {
      const colleague = await scim.post('/Users', {
        schemas: [entra.createManager.schemas[0]],
        userName: `colleague${n}@testuser.com`,
        name: { givenName: 'Col', familyName: `League${n}` },
        emails: [{ type: 'work', primary: true, value: `colleague${n}@testuser.com` }],
      });
      expect(colleague.status).toBe(201);
    }
  });
  afterAll(async () => {
    await app?.stop();
  });

  const strapiUser = (id: number) =>
    app.strapi.db.query(USER_UID).findOne({ where: { id }, populate: ['role', 'manager'] });

  const byUserName = async (userName: string) =>
    (await scim.get('/Users', { filter: entra.filterByUserName(userName) })).body;

  it('Test Connection finds nobody', async () => {
    const res = await scim.get('/Users', { filter: entra.testConnectionFilter });
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(0);
  });

  it('creates the manager, then the user, after a filter found neither', async () => {
    expect((await byUserName(entra.createManager.userName)).totalResults).toBe(0);
    const manager = await scim.post('/Users', entra.createManager);
    expect(manager.status).toBe(201);
    ids.manager = manager.body.id;

    expect((await byUserName(entra.createUser.userName)).totalResults).toBe(0);
    const res = await scim.post('/Users', entra.createUser);
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.headers.location).toBe(res.body.meta.location);
    expect(res.body.meta.location).toMatch(new RegExp(`${directory.base}/Users/${res.body.id}$`));
    expect(res.body).toMatchObject({
      schemas: entra.createUser.schemas,
      userName: entra.createUser.userName,
      externalId: entra.createUser.externalId,
      active: true,
      emails: entra.createUser.emails,
      name: entra.createUser.name,
      [ENTERPRISE]: entra.createUser[ENTERPRISE],
      meta: { resourceType: 'User' },
    });
    expect(res.body.password).toBeUndefined();
    ids.user = res.body.id;

    const [found] = await app.strapi.db
      .query(USER_UID)
      .findMany({ where: { username: entra.createUser.userName } });
    expect(found).toMatchObject({
      email: entra.createUser.emails[0].value.toLowerCase(),
      firstname: 'givenName',
      lastname: 'familyName',
      jobTitle: 'Engineer',
      department: 'Human Resources US',
      employeeId: '100009',
      blocked: false,
    });
    strapiUserId = found.id;
  });

  it('matches by userName, externalId and work email, with the real total', async () => {
    const byName = await byUserName(entra.createUser.userName.toUpperCase());
    expect(byName.totalResults).toBe(1);
    expect(byName.Resources[0].id).toBe(ids.user);
    const byExternal = await scim.get('/Users', {
      filter: entra.filterByExternalId(entra.createUser.externalId),
    });
    expect(byExternal.body.Resources.map((r: { id: string }) => r.id)).toEqual([ids.user]);
    const byEmail = await scim.get('/Users', {
      filter: entra.filterByWorkEmail(entra.createUser.emails[0].value),
    });
    expect(byEmail.body.totalResults).toBe(1);
    const page = await scim.get('/Users', { startIndex: 2, count: 1 });
    expect(page.body).toMatchObject({ totalResults: 12, startIndex: 2, itemsPerPage: 1 });
    const names = await scim.get(`/Users/${ids.user}`, { attributes: 'userName' });
    expect(Object.keys(names.body).sort()).toEqual(['id', 'meta', 'schemas', 'userName']);
  });

  it('a second create of the same userName is 409 uniqueness', async () => {
    const res = await scim.post('/Users', entra.createUser);
    expect(res.status).toBe(409);
    expect(res.body.scimType).toBe('uniqueness');
  });

  it('updates multi-valued and single attributes by PATCH', async () => {
    const res = await scim.patch(`/Users/${ids.user}`, entra.updateMultiValued);
    expect(res.status).toBe(200);
    expect(res.body.emails[0].value).toBe('updatedEmail@microsoft.com');
    expect(await strapiUser(strapiUserId)).toMatchObject({
      email: 'updatedemail@microsoft.com',
      lastname: 'updatedFamilyName',
    });
  });

  it('sets the manager by URN path, in both shapes Entra sends, and removes it', async () => {
    const set = await scim.patch(`/Users/${ids.user}`, entra.setManager(ids.manager));
    expect(set.status).toBe(200);
    expect(set.body[ENTERPRISE].manager).toEqual({ value: ids.manager });
    const manager = (await app.strapi.db
      .query(USER_UID)
      .findOne({ where: { username: entra.createManager.userName } })) as { id: number };
    expect((await strapiUser(strapiUserId)).manager?.id).toBe(manager.id);

    expect((await scim.patch(`/Users/${ids.user}`, entra.removeManager)).status).toBe(200);
    expect((await strapiUser(strapiUserId)).manager).toBeNull();

    const bare = await scim.patch(`/Users/${ids.user}`, entra.setManagerBare(ids.manager));
    expect(bare.body[ENTERPRISE].manager).toEqual({ value: ids.manager });
    expect((await strapiUser(strapiUserId)).manager?.id).toBe(manager.id);
  });

  it('applies a no-path Replace of several attributes (the legacy shape)', async () => {
    const res = await scim.patch(`/Users/${ids.user}`, entra.replaceNoPath);
    expect(res.status).toBe(200);
    expect(await strapiUser(strapiUserId)).toMatchObject({
      displayName: 'Updated Display',
      firstname: 'UpdatedGiven',
      department: 'Finance',
    });
  });

  it('deactivates and reactivates the same account, active as a boolean or a string', async () => {
    const off = await scim.patch(`/Users/${ids.user}`, entra.disable);
    expect(off.body.active).toBe(false);
    expect((await strapiUser(strapiUserId)).blocked).toBe(true);
    const on = await scim.patch(`/Users/${ids.user}`, entra.enableString);
    expect(on.body.active).toBe(true);
    expect((await strapiUser(strapiUserId)).blocked).toBe(false);
    await scim.patch(`/Users/${ids.user}`, entra.disableString);
    expect((await strapiUser(strapiUserId)).blocked).toBe(true);
    await scim.patch(`/Users/${ids.user}`, entra.enableString);
    expect((await strapiUser(strapiUserId)).blocked).toBe(false);
  });

  it('renames the userName, which is the Strapi username', async () => {
    const res = await scim.patch(`/Users/${ids.user}`, entra.updateSingleValued);
    expect(res.body.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
    expect((await strapiUser(strapiUserId)).username).toBe(
      '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com'
    );
  });

  it('creates a group, finds it by displayName without members, and syncs it as a role', async () => {
    const lookup = await scim.get('/Groups', {
      filter: entra.groupFilterByDisplayName('displayName'),
      excludedAttributes: 'members',
    });
    expect(lookup.body.totalResults).toBe(0);
    const res = await scim.post('/Groups', entra.createGroup);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      displayName: 'displayName',
      externalId: entra.createGroup.externalId,
      members: [],
      meta: { resourceType: 'Group' },
    });
    ids.group = res.body.id;
    const found = await scim.get('/Groups', {
      filter: entra.groupFilterByDisplayName('displayName'),
      excludedAttributes: 'members',
    });
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].members).toBeUndefined();
  });

  it('adds and removes members in every shape Entra sends; membership gives the role', async () => {
    const added = await scim.patch(`/Groups/${ids.group}`, entra.addMembers(ids.user, ids.manager));
    expect(added.status).toBe(200);
    expect(added.body.members.map((m: { value: string }) => m.value)).toEqual([
      ids.user,
      ids.manager,
    ]);
    expect((await strapiUser(strapiUserId)).role?.name).toBe('displayName');

    const removed = await scim.patch(`/Groups/${ids.group}`, entra.removeMembers(ids.manager));
    expect(removed.body.members).toEqual([{ value: ids.user }]);
    const filtered = await scim.patch(`/Groups/${ids.group}`, entra.removeMemberByFilter(ids.user));
    expect(filtered.body.members).toEqual([]);
    expect((await strapiUser(strapiUserId)).role?.name).not.toBe('displayName');

    const replaced = await scim.patch(`/Groups/${ids.group}`, entra.replaceMembers(ids.user));
    expect(replaced.body.members).toEqual([{ value: ids.user }]);
    expect((await strapiUser(strapiUserId)).role?.name).toBe('displayName');

    const renamed = await scim.patch(`/Groups/${ids.group}`, entra.renameGroup);
    expect(renamed.body.displayName).toBe(entra.renameGroup.Operations[0].value);

    const unknown = await scim.patch(`/Groups/${ids.group}`, entra.addMembers('no-such-user'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('no-such-user');
  });

  it('DELETE disables the account and the resource is gone; a re-create revives the same account', async () => {
    const deleted = await scim.delete(`/Users/${ids.user}`);
    expect(deleted.status).toBe(204);
    expect((await scim.get(`/Users/${ids.user}`)).status).toBe(404);
    expect(
      (await byUserName('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com')).totalResults
    ).toBe(0);
    expect(await strapiUser(strapiUserId)).toMatchObject({ blocked: true });

    const again = await scim.post('/Users', {
      ...entra.createUser,
      userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com',
    });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(ids.user);
    expect((await scim.get(`/Users/${ids.user}`)).status).toBe(404);
    const users = await app.strapi.db.query(USER_UID).count({
      where: { username: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' },
    });
    expect(users).toBe(1);
    expect(await strapiUser(strapiUserId)).toMatchObject({ blocked: false });
  });

  it('deletes the group', async () => {
    expect((await scim.delete(`/Groups/${ids.group}`)).status).toBe(204);
    expect((await scim.get(`/Groups/${ids.group}`)).status).toBe(404);
  });

  it('every change is an audit entry by actor scim naming the request', async () => {
    const res = await api.get(`/audit?directory=${directory.id}&pageSize=100`);
    const entries = res.body.data as {
      action: string;
      actor: string;
      details: { origin?: string };
    }[];
    const changes = entries.filter((entry) => entry.action.startsWith('user.'));
    expect(changes.length).toBeGreaterThan(5);
    for (const entry of changes) expect(entry.actor).toBe('scim');
    const origins = changes.map((entry) => entry.details.origin);
    expect(origins).toEqual(
      expect.arrayContaining([
        'POST /Users',
        `PATCH /Users/${ids.user}`,
        `DELETE /Users/${ids.user}`,
      ])
    );
  });
});
