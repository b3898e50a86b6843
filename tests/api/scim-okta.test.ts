/**
 * Okta's provisioning sequence, request by request as its "Build your SCIM API service" guide and its
 * SCIM 2.0 spec test show them, on a real Strapi: lookup, create, PUT of the whole user, deactivate
 * and reactivate by PATCH, Push Groups (create, members, rename by PATCH and PUT, delete).
 */
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';
import { okta } from '../unit/scim/fixtures';
import {
  createScimDirectory,
  scimClient,
  type ScimClient,
  type ScimDirectory,
} from './scim-client';

const USER_UID = 'plugin::users-permissions.user';

describe('SCIM: the Okta sequence', () => {
  let app: TestApp;
  let api: PluginApi;
  let directory: ScimDirectory;
  let scim: ScimClient;
  const ids = { user: '', group: '' };

  beforeAll(async () => {
    app = await startApp();
    api = pluginApi(app);
    directory = await createScimDirectory(api, {
      groupSync: { mode: 'all', roles: [] },
      safety: { maxDisablePercent: 100 },
    });
    scim = scimClient(app, directory.base, directory.token);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const strapiUser = async () =>
    app.strapi.db
      .query(USER_UID)
      .findOne({ where: { username: okta.createUser.userName }, populate: ['role'] });

  it('spec test: a list page has Resources and the real total; an unknown id is a SCIM 404', async () => {
    const page = await scim.get('/Users', { count: 1, startIndex: 1 });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ totalResults: 0, startIndex: 1, Resources: [] });
    const missing = await scim.get('/Users/010101010101010101');
    expect(missing.status).toBe(404);
    expect(missing.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });

  it('looks the user up by userName, then creates it (the password is never kept)', async () => {
    const lookup = await scim.get('/Users', {
      filter: `userName eq "${okta.createUser.userName}"`,
      startIndex: 1,
      count: 100,
    });
    expect(lookup.body.totalResults).toBe(0);
    const res = await scim.post('/Users', okta.createUser);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      displayName: 'Test User',
      locale: 'en-US',
      active: true,
    });
    expect(res.body.password).toBeUndefined();
    ids.user = res.body.id;
    expect(await strapiUser()).toMatchObject({
      email: 'test.user@okta.local',
      firstname: 'Test',
      lastname: 'User',
      blocked: false,
    });
    expect(JSON.stringify((await scim.get(`/Users/${ids.user}`)).body)).not.toContain('1mz050nq');
  });

  it('spec test: a duplicate userName is 409; a random userName filter finds nothing', async () => {
    const duplicate = await scim.post('/Users', okta.createUser);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.scimType).toBe('uniqueness');
    const random = await scim.get('/Users', { filter: 'userName eq "fa0e7d5b@okta.local"' });
    expect(random.body.totalResults).toBe(0);
  });

  it('updates the profile with a PUT of the whole user', async () => {
    const res = await scim.put(`/Users/${ids.user}`, okta.replaceUser(ids.user));
    expect(res.status).toBe(200);
    expect(res.body.name.givenName).toBe('Another');
    expect(res.body.id).toBe(ids.user);
    expect(await strapiUser()).toMatchObject({ firstname: 'Another', displayName: 'Another User' });
  });

  it('deactivates with a no-path PATCH, and reactivates the same account', async () => {
    const before = await strapiUser();
    const off = await scim.patch(`/Users/${ids.user}`, okta.deactivate);
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect(await strapiUser()).toMatchObject({ id: before.id, blocked: true });
    expect((await scim.get(`/Users/${ids.user}`)).body.active).toBe(false);
    const on = await scim.patch(`/Users/${ids.user}`, okta.reactivate);
    expect(on.body.active).toBe(true);
    expect(await strapiUser()).toMatchObject({ id: before.id, blocked: false });
  });

  it('Push Groups: create, add a member (the role follows), rename by PATCH and by PUT', async () => {
    const created = await scim.post('/Groups', okta.createGroup);
    expect(created.status).toBe(201);
    ids.group = created.body.id;
    const added = await scim.patch(`/Groups/${ids.group}`, okta.addMember(ids.user));
    expect(added.status).toBe(200);
    expect(added.body.members).toEqual([{ value: ids.user, display: 'test.user@okta.local' }]);
    expect((await strapiUser()).role?.name).toBe('Test SCIMv2');

    const renamed = await scim.patch(`/Groups/${ids.group}`, okta.renameGroup(ids.group));
    expect(renamed.body.displayName).toBe('Test SCIMv2 updated');
    expect((await strapiUser()).role?.name).toBe('Test SCIMv2 updated');

    const put = await scim.put(`/Groups/${ids.group}`, okta.replaceGroup(ids.group, [ids.user]));
    expect(put.status).toBe(200);
    expect(put.body.displayName).toBe('Test SCIMv2 renamed');
    expect((await strapiUser()).role?.name).toBe('Test SCIMv2 renamed');
  });

  it('removes the member by a value filter; the role goes with it', async () => {
    const res = await scim.patch(`/Groups/${ids.group}`, okta.removeMember(ids.user));
    expect(res.body.members).toEqual([]);
    expect((await strapiUser()).role?.name).not.toBe('Test SCIMv2 renamed');
  });

  it('deletes the pushed group when it is unlinked in Okta', async () => {
    expect((await scim.delete(`/Groups/${ids.group}`)).status).toBe(204);
    expect((await scim.get(`/Groups/${ids.group}`)).status).toBe(404);
    const list = await scim.get('/Groups');
    expect(list.body.totalResults).toBe(0);
  });
});
