/**
 * The SCIM endpoint's protocol on a real Strapi: authentication by the directory's own tokens
 * (issue, rotate, revoke), discovery, SCIM error bodies, filters and paging.
 */
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';
import { createScimDirectory, scimClient, type ScimDirectory } from './scim-client';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

describe('SCIM protocol', () => {
  let app: TestApp;
  let api: PluginApi;
  let directory: ScimDirectory;

  beforeAll(async () => {
    app = await startApp();
    api = pluginApi(app);
    directory = await createScimDirectory(api);
  });
  afterAll(async () => {
    await app?.stop();
  });

  const scim = () => scimClient(app, directory.base, directory.token);

  const expectScimError = (
    res: { status: number; body: Record<string, unknown>; headers: Record<string, string> },
    status: number,
    scimType?: string
  ) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.body.schemas).toEqual([ERROR]);
    expect(res.body.status).toBe(String(status));
    expect(typeof res.body.detail).toBe('string');
    if (scimType) expect(res.body.scimType).toBe(scimType);
  };

  describe('authentication', () => {
    it('the tenant URL is under the content API, one per directory key', () => {
      expect(directory.base).toBe(`/api/user-directory-sync/scim/v2/${directory.key}`);
    });

    it('a missing token, a non-bearer header and a wrong token are 401 with no detail of what exists', async () => {
      const missing = await scimClient(app, directory.base, null).get('/Users');
      expectScimError(missing, 401);
      expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
      const basic = await app
        .http()
        .get(`${directory.base}/Users`)
        .set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`);
      expectScimError(basic, 401);
      const wrong = await scimClient(app, directory.base, `${directory.token.slice(0, -2)}xx`).get(
        '/Users'
      );
      expectScimError(wrong, 401);
      const unknownKey = await scimClient(
        app,
        '/api/user-directory-sync/scim/v2/no-such-key',
        directory.token
      ).get('/Users');
      expectScimError(unknownKey, 401);
      expect(unknownKey.body.detail).toBe(wrong.body.detail);
      expect(missing.body.detail).toBe(wrong.body.detail);
    });

    it("neither an admin token nor a users-permissions JWT opens it, nor another directory's token", async () => {
      expectScimError(await scimClient(app, directory.base, app.token).get('/Users'), 401);
      const jwt = app.strapi.plugin('users-permissions').service('jwt').issue({ id: 1 });
      expectScimError(await scimClient(app, directory.base, jwt).get('/Users'), 401);
      const other = await createScimDirectory(api);
      expectScimError(await scimClient(app, directory.base, other.token).get('/Users'), 401);
      expect((await scimClient(app, other.base, other.token).get('/Users')).status).toBe(200);
    });

    it('rotation keeps two tokens valid; a third revokes the oldest; a revoked token is refused', async () => {
      const own = await createScimDirectory(api);
      const second = (await api.post(`/directories/${own.id}/scim/tokens`)).body.data;
      expect((await scimClient(app, own.base, own.token).get('/Users')).status).toBe(200);
      expect((await scimClient(app, own.base, second.token).get('/Users')).status).toBe(200);
      const third = (await api.post(`/directories/${own.id}/scim/tokens`)).body.data;
      expect(third.revoked).toHaveLength(1);
      expectScimError(await scimClient(app, own.base, own.token).get('/Users'), 401);
      expect((await scimClient(app, own.base, third.token).get('/Users')).status).toBe(200);
      const revoked = await api.delete(`/directories/${own.id}/scim/tokens/${second.id}`);
      expect(revoked.status).toBe(200);
      expectScimError(await scimClient(app, own.base, second.token).get('/Users'), 401);
      expect((await scimClient(app, own.base, third.token).get('/Users')).status).toBe(200);
    });

    it('the panel lists tokens by a hint, never the token itself nor its digest', async () => {
      const shown = await api.get(`/directories/${directory.id}/scim`);
      expect(shown.status).toBe(200);
      const text = JSON.stringify(shown.body);
      expect(text).not.toContain(directory.token);
      expect(shown.body.data.tokens[0]).toEqual(
        expect.objectContaining({
          hint: `…${directory.token.slice(-4)}`,
          issuedBy: 'admin@example.com',
        })
      );
      expect(Object.keys(shown.body.data.tokens[0])).not.toContain('hash');
    });

    it('tokens need the settings permission; reading the tenant URL needs read', async () => {
      const reader = await app.adminWith(['plugin::user-directory-sync.read']);
      const asReader = (method: 'get' | 'post', path: string) =>
        app.http()[method](`/user-directory-sync${path}`).set('Authorization', `Bearer ${reader}`);
      expect((await asReader('get', `/directories/${directory.id}/scim`)).status).toBe(200);
      expect((await asReader('post', `/directories/${directory.id}/scim/tokens`)).status).toBe(403);
      expect(
        (await app.http().post(`/user-directory-sync/directories/${directory.id}/scim/tokens`))
          .status
      ).toBe(401);
    });

    it('tokens belong to SCIM directories only (400 naming the type)', async () => {
      const csv = await api.post('/directories', {
        name: 'A CSV',
        type: 'csv',
        connection: { location: 'remote', url: 'https://127.0.0.1:1/x.csv', matchField: 'email' },
      });
      const res = await api.post(`/directories/${csv.body.data.id}/scim/tokens`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('csv directory');
    });

    it('a disabled directory answers 403 saying where to enable it', async () => {
      const own = await createScimDirectory(api, { enabled: false });
      const res = await scimClient(app, own.base, own.token).get('/Users');
      expectScimError(res, 403);
      expect(res.body.detail).toContain('enable it');
    });
  });

  describe('discovery', () => {
    it('ServiceProviderConfig says truthfully what is supported', async () => {
      const res = await scim().get('/ServiceProviderConfig');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(res.body).toMatchObject({
        patch: { supported: true },
        bulk: { supported: false },
        filter: { supported: true, maxResults: 200 },
        changePassword: { supported: false },
        sort: { supported: false },
        etag: { supported: false },
        authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
      });
    });

    it('ResourceTypes and Schemas, each by id', async () => {
      const types = await scim().get('/ResourceTypes');
      expect(types.body.totalResults).toBe(2);
      expect(types.body.Resources.map((t: { id: string }) => t.id)).toEqual(['User', 'Group']);
      expect((await scim().get('/ResourceTypes/User')).body.endpoint).toBe('/Users');
      const schemas = await scim().get('/Schemas');
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([
        'urn:ietf:params:scim:schemas:core:2.0:User',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
        'urn:ietf:params:scim:schemas:core:2.0:Group',
      ]);
      const enterprise = await scim().get(
        '/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
      );
      expect(enterprise.body.attributes.map((a: { name: string }) => a.name)).toContain('manager');
      expectScimError(await scim().get('/Schemas/urn:nope'), 404);
    });
  });

  describe('errors', () => {
    it('an unknown path under the base is a SCIM 404, and so is the base itself', async () => {
      expectScimError(await scim().get('/Nope'), 404);
      expectScimError(await scim().get('/Users/a/b'), 404);
      expectScimError(await scim().get(''), 404);
    });

    it('an unknown id is a SCIM 404', async () => {
      expectScimError(await scim().get('/Users/00000000-0000-0000-0000-000000000000'), 404);
      expectScimError(await scim().get('/Groups/nope'), 404);
      expectScimError(
        await scim().patch('/Users/nope', {
          Operations: [{ op: 'replace', value: { active: false } }],
        }),
        404
      );
      expectScimError(await scim().delete('/Users/nope'), 404);
    });

    it('a filter outside what is supported is a 400 invalidFilter, never an empty list', async () => {
      const res = await scim().get('/Users', { filter: 'title eq "Engineer"' });
      expectScimError(res, 400, 'invalidFilter');
      expect(res.body.detail).toContain('userName');
      expectScimError(
        await scim().get('/Users', { filter: 'userName eq "a" or userName eq "b"' }),
        400,
        'invalidFilter'
      );
      expectScimError(
        await scim().get('/Groups', { filter: 'displayName co "x"' }),
        400,
        'invalidFilter'
      );
    });

    it('a body that is not JSON is a 400 invalidSyntax; a wrong method is a 405', async () => {
      const res = await app
        .http()
        .post(`${directory.base}/Users`)
        .set('Authorization', `Bearer ${directory.token}`)
        .set('Content-Type', 'application/scim+json')
        .send('{"userName": ');
      expectScimError(res, 400, 'invalidSyntax');
      expectScimError(await scim().put('/Users', {}), 405);
    });

    it('a create without userName is a 400 naming it', async () => {
      const res = await scim().post('/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      });
      expectScimError(res, 400, 'invalidValue');
      expect(res.body.detail).toContain('userName');
    });
  });

  describe('lists', () => {
    it("Entra's Test Connection: a random userName gives 200 and an empty ListResponse", async () => {
      const res = await scim().get('/Users', {
        filter: 'userName eq "7c0a7ec1-5f1f-4b1e-bb23-e6f4ba4bea3e"',
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });
      const groups = await scim().get('/Groups', {
        filter: 'displayName eq "b6a1f2f0-6e6b-4a57-9a6c-2f5c2d8e1f11"',
        excludedAttributes: 'members',
      });
      expect(groups.body.totalResults).toBe(0);
    });

    it('every SCIM request is counted in the activity the panel shows', async () => {
      const shown = await api.get(`/directories/${directory.id}/scim`);
      const { hours, lastErrors } = shown.body.data.activity;
      expect(hours[0].requests).toBeGreaterThan(5);
      expect(hours[0].errors).toBeGreaterThan(0);
      expect(lastErrors[0]).toEqual(
        expect.objectContaining({ method: expect.any(String), status: expect.any(Number) })
      );
    });
  });
});
