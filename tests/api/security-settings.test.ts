/**
 * The plugin's settings are not a way to take over accounts (issue 14, items 1, 2, 4, 8, 11): each
 * test tries an attack through the admin API, as an admin holding the plugin's permissions would,
 * and checks the clear 4xx and that nothing else changed.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import { pluginApi, type PluginApi } from '../helpers/api';
import { memoryDirectory, person, registerMemoryProvider } from '../helpers/memory-provider';
import { startApp, type TestApp } from '../helpers/strapi';

const DIRECTORY_UID = 'plugin::user-directory-sync.directory';
const IDENTITY_UID = 'plugin::user-directory-sync.identity';
const AUDIT_UID = 'plugin::user-directory-sync.audit-entry';
const USER_UID = 'plugin::users-permissions.user';
const ADMIN_USER_UID = 'admin::user';

/** A server that records every request it gets: the attacker's host. */
const startCapture = async () => {
  const requests: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(401, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

describe('security of the settings', () => {
  let app: TestApp;
  let api: PluginApi;
  let capture: Awaited<ReturnType<typeof startCapture>>;

  beforeAll(async () => {
    capture = await startCapture();
    app = await startApp();
    api = pluginApi(app);
    registerMemoryProvider(app.strapi);
  });
  afterAll(async () => {
    await app?.stop();
    await capture?.close();
  });

  /** Everything an attack could have changed: the directory row (secrets included) and counts. */
  const snapshot = async (id?: number) => ({
    row: id ? await app.strapi.db.query(DIRECTORY_UID).findOne({ where: { id } }) : null,
    directories: await app.strapi.db.query(DIRECTORY_UID).count(),
    identities: await app.strapi.db.query(IDENTITY_UID).count(),
    users: await app.strapi.db.query(USER_UID).count(),
    admins: await app.strapi.db.query(ADMIN_USER_UID).count(),
    audit: await app.strapi.db.query(AUDIT_UID).count(),
  });

  const fieldOf = (res: Response) =>
    (res.body.error.details.errors as { path: string[] }[]).map((error) => error.path.join('.'));

  const asAdmin = (token: string) => ({
    post: (url: string, body: object) =>
      app
        .http()
        .post(`/user-directory-sync${url}`)
        .set({ Authorization: `Bearer ${token}` })
        .send(body),
    put: (url: string, body: object) =>
      app
        .http()
        .put(`/user-directory-sync${url}`)
        .set({ Authorization: `Bearer ${token}` })
        .send(body),
  });

  it('refuses malformed connections and options at save, naming the field', async () => {
    const before = await snapshot();
    const azure = (connection: object, options: object = {}) =>
      api.post('/directories', {
        name: 'Entra',
        type: 'azure',
        connection: {
          tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
          clientId: '0b7c6a3e-4a6f-4c39-9b2f-1f0e8c9d2a11',
          ...connection,
        },
        options,
      });
    const cases: [PromiseLike<Response>, string, RegExp][] = [
      [azure({ tenantId: 'contoso/../evil' }), 'connection.tenantId', /GUID/],
      [azure({ authorityHost: 'http://login.example' }), 'connection.authorityHost', /https/],
      [azure({ graphBaseUrl: 'graph' }), 'connection.graphBaseUrl', /not a URL/],
      [azure({}, { tmpDir: '/etc' }), 'options.tmpDir', /unknown option 'tmpDir'/],
      [azure({}, { requestTimeoutSeconds: 86_400 }), 'options.requestTimeoutSeconds', /0.1 to 600/],
      [
        api.post('/directories', {
          name: 'Okta',
          type: 'okta',
          connection: { orgUrl: 'ftp://acme.okta.com', authMode: 'token' },
        }),
        'connection.orgUrl',
        /https/,
      ],
      [
        api.post('/directories', {
          name: 'CSV',
          type: 'csv',
          connection: { location: 'remote', url: 'http://files.example/p.csv', matchField: 'u' },
        }),
        'connection.url',
        /https/,
      ],
    ];
    for (const [request, field, message] of cases) {
      const res = await request;
      expect(res.status).toBe(400);
      expect(fieldOf(res)).toContain(field);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('keeps the target of a directory that has run: a PUT changing it is a 400', async () => {
    const store = memoryDirectory('security-target');
    store.users = [person(7001), person(7002)];
    const created = await api.post('/directories', {
      name: 'Intranet people',
      type: 'memory',
      connection: { store: 'security-target' },
      secrets: { token: 'right' },
    });
    const id = created.body.data.id as number;
    // Before any run the target may still change (nothing points at the other table yet).
    expect((await api.put(`/directories/${id}`, { target: 'admin' })).status).toBe(200);
    expect((await api.put(`/directories/${id}`, { target: 'users-permissions' })).status).toBe(200);
    expect((await api.run(id)).status).toBe('succeeded');

    const before = await snapshot(id);
    const res = await api.put(`/directories/${id}`, { target: 'admin', name: 'Editors' });
    expect(res.status).toBe(400);
    expect(fieldOf(res)).toEqual(['target']);
    expect(res.body.error.message).toMatch(/create a new directory/i);
    expect(await snapshot(id)).toEqual(before);
    expect(before.row.target).toBe('users-permissions');
  });

  it('lets only a Super Admin make the sync give the Super Admin role', async () => {
    const editor = asAdmin(
      await app.adminWith([
        'plugin::user-directory-sync.read',
        'plugin::user-directory-sync.settings.update',
      ])
    );
    const superAdmin = await app.strapi.service('admin::role').getSuperAdmin();
    const body = (groupSync: object, options: object = {}) => ({
      name: 'Editors',
      type: 'memory',
      target: 'admin',
      connection: { store: 'security-admin' },
      groupSync,
      options,
    });
    const before = await snapshot();
    const attempts = [
      [
        body({ mode: 'all', roles: [{ group: 'g1', role: superAdmin.name }] }),
        'groupSync.roles.0.role',
      ],
      [
        body({ mode: 'all', roles: [{ group: 'g1', role: 'strapi-super-admin' }] }),
        'groupSync.roles.0.role',
      ],
      [
        body({ mode: 'none' }, { adminDefaultRole: 'strapi-super-admin' }),
        'options.adminDefaultRole',
      ],
    ] as const;
    for (const [attempt, field] of attempts) {
      const res = await editor.post('/directories', attempt);
      expect(res.status).toBe(400);
      expect(fieldOf(res)).toEqual([field]);
      expect(res.body.error.message).toMatch(/only a Super Admin/);
    }
    expect(await snapshot()).toEqual(before);

    // Through an update of a directory the editor may otherwise change.
    const own = await editor.post('/directories', body({ mode: 'none' }));
    expect(own.status).toBe(201);
    const id = own.body.data.id as number;
    const saved = await snapshot(id);
    const res = await editor.put(`/directories/${id}`, {
      groupSync: { mode: 'all', roles: [{ group: 'g1', role: 'super admin' }] },
    });
    expect(res.status).toBe(400);
    expect(await snapshot(id)).toEqual(saved);

    // A Super Admin may (its own decision, audited like any change).
    const granted = await api.put(`/directories/${id}`, {
      groupSync: { mode: 'all', roles: [{ group: 'g1', role: superAdmin.name }] },
    });
    expect(granted.status).toBe(200);
    // ...and the editor cannot then save anything on that directory without removing it.
    const rename = await editor.put(`/directories/${id}`, { name: 'Renamed' });
    expect(rename.status).toBe(400);
  });

  it('clears the stored secret when the Okta org URL moves, so Test connection cannot send it away', async () => {
    const created = await api.post('/directories', {
      name: 'Okta',
      type: 'okta',
      connection: { orgUrl: 'https://acme.okta.com', authMode: 'token' },
      secrets: { apiToken: 'the-real-api-token' },
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id as number;

    const moved = await api.put(`/directories/${id}`, {
      connection: { orgUrl: capture.url, authMode: 'token' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.data.secrets.apiToken).toBe('not set');
    expect(moved.body.meta.clearedSecrets).toEqual(['apiToken']);
    await api.post(`/directories/${id}/test-connection`);
    expect(JSON.stringify(capture.requests)).not.toContain('the-real-api-token');
    const audit = await app.strapi.db
      .query(AUDIT_UID)
      .findOne({ where: { directoryId: id, action: 'settings.update' }, orderBy: { id: 'desc' } });
    expect(audit.details).toMatchObject({ clearedSecrets: ['apiToken'] });

    // A new address with a new secret in the same request keeps the new secret.
    const both = await api.put(`/directories/${id}`, {
      connection: { orgUrl: 'https://acme.okta.com' },
      secrets: { apiToken: 'a-new-token' },
    });
    expect(both.body.data.secrets.apiToken).toBe('set');
    expect(both.body.meta.clearedSecrets).toEqual([]);
  });

  it('clears the Entra client secret when the Graph base URL moves, and the CSV password when the origin does', async () => {
    const azure = await api.post('/directories', {
      name: 'Entra',
      type: 'azure',
      connection: {
        tenantId: 'contoso.onmicrosoft.com',
        clientId: '0b7c6a3e-4a6f-4c39-9b2f-1f0e8c9d2a11',
      },
      secrets: { clientSecret: 'client-secret' },
    });
    const azureId = azure.body.data.id as number;
    const graph = await api.put(`/directories/${azureId}`, {
      connection: { graphBaseUrl: 'https://graph.attacker.example' },
    });
    expect(graph.body.data.secrets.clientSecret).toBe('not set');

    const csv = await api.post('/directories', {
      name: 'HR file',
      type: 'csv',
      connection: {
        location: 'remote',
        url: 'https://files.example.com/hr/a.csv',
        matchField: 'u',
      },
      secrets: { password: 'basic-auth-password', defaultPassword: 'Welcome-1' },
    });
    const csvId = csv.body.data.id as number;
    // Another file on the same origin keeps the password.
    const samePlace = await api.put(`/directories/${csvId}`, {
      connection: { url: 'https://files.example.com/hr/b.csv' },
    });
    expect(samePlace.body.data.secrets).toEqual({ password: 'set', defaultPassword: 'set' });
    const elsewhere = await api.put(`/directories/${csvId}`, {
      connection: { url: 'https://files.attacker.example/hr/b.csv' },
    });
    // The default password is never sent anywhere: it stays.
    expect(elsewhere.body.data.secrets).toEqual({ password: 'not set', defaultPassword: 'set' });
  });

  it('refuses to send a secret to an endpoint it was not saved for, even from a crafted row', async () => {
    const created = await api.post('/directories', {
      name: 'Okta crafted',
      type: 'okta',
      connection: { orgUrl: 'https://acme.okta.com', authMode: 'token' },
      secrets: { apiToken: 'the-real-api-token' },
    });
    const id = created.body.data.id as number;
    // As if the row were edited outside the plugin's API (database, Content Manager).
    await app.strapi.db.query(DIRECTORY_UID).update({
      where: { id },
      data: { connection: { orgUrl: capture.url, authMode: 'token' } },
    });
    const before = await snapshot(id);
    const test = await api.post(`/directories/${id}/test-connection`);
    expect(test.status).toBe(400);
    expect(test.body.error.message).toMatch(/saved for https:\/\/acme\.okta\.com/);
    for (const path of [`/directories/${id}/groups`, `/directories/${id}/adoption`])
      expect((await api.get(path)).status).toBe(400);
    const run = await api.run(id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'secret-endpoint' });
    expect(capture.requests).toHaveLength(0);
    const after = await snapshot(id);
    expect(after.row.connection).toEqual(before.row.connection);
    expect(after.row.secrets).toEqual(before.row.secrets);
    expect(after.users).toBe(before.users);
  });

  it('refuses a catastrophic or invalid group filter at save, with a message', async () => {
    const created = await api.post('/directories', {
      name: 'Groups',
      type: 'memory',
      connection: { store: 'security-regex' },
      groupSync: { mode: 'regex', pattern: '^Intranet' },
    });
    const id = created.body.data.id as number;
    const before = await snapshot(id);
    for (const [pattern, message] of [
      ['^(a+)+$', /exponential time/],
      ['(x+x+)+y', /exponential time/],
      ['(unclosed', /not a valid regular expression/],
    ] as const) {
      const started = Date.now();
      const res = await api.put(`/directories/${id}`, { groupSync: { mode: 'regex', pattern } });
      expect(res.status).toBe(400);
      expect(fieldOf(res)).toEqual(['groupSync.pattern']);
      expect(res.body.error.message).toMatch(message);
      expect(Date.now() - started).toBeLessThan(1000);
    }
    // A group -> role rule by name pattern passes the same check.
    const rule = await api.put(`/directories/${id}`, {
      groupSync: { mode: 'all', roles: [{ pattern: '^(a+)+$', role: 'Authenticated' }] },
    });
    expect(rule.status).toBe(400);
    expect(fieldOf(rule)).toEqual(['groupSync.roles.0.pattern']);
    const create = await api.post('/directories', {
      name: 'Groups 2',
      type: 'memory',
      connection: { store: 'x' },
      groupSync: { mode: 'regex', pattern: '^(a+)+$' },
    });
    expect(create.status).toBe(400);
    expect(await snapshot(id)).toEqual(before);
  });

  it('refuses a schedule that never fires, quickly', async () => {
    const created = await api.post('/directories', {
      name: 'Scheduled',
      type: 'memory',
      connection: { store: 'security-schedule' },
    });
    const id = created.body.data.id as number;
    const before = await snapshot(id);
    for (const schedule of ['0 0 30 2 *', '0 0 30 * 1#1', '0 0 31 4 *']) {
      const started = Date.now();
      const res = await api.put(`/directories/${id}`, { schedule });
      expect(res.status).toBe(400);
      expect(fieldOf(res)).toEqual(['schedule']);
      expect(Date.now() - started).toBeLessThan(1000);
    }
    expect(await snapshot(id)).toEqual(before);
    // 29 February exists, every four years.
    const leap = await api.put(`/directories/${id}`, { schedule: '0 0 29 2 *' });
    expect(leap.status).toBe(200);
    expect(new Date(leap.body.data.nextRunAt).getUTCDate()).toBe(29);
  });

  it('refuses a Media Library file whose path leaves the public folder by a shared prefix', async () => {
    const publicDir = app.strapi.dirs.static.public;
    const sibling = `${publicDir}-evil-${process.pid}`;
    fs.mkdirSync(sibling, { recursive: true });
    fs.writeFileSync(path.join(sibling, 'people.csv'), 'username,email,firstname,lastname\n');
    try {
      const file = await app.strapi.db.query('plugin::upload.file').create({
        data: {
          name: 'people.csv',
          hash: 'people',
          ext: '.csv',
          mime: 'text/csv',
          size: 1,
          provider: 'local',
          url: `/../${path.basename(sibling)}/people.csv`,
        },
      });
      const created = await api.post('/directories', {
        name: 'Media',
        type: 'csv',
        connection: { location: 'media', mediaFileId: file.id, matchField: 'username' },
      });
      expect(created.status).toBe(201);
      const run = await api.run(created.body.data.id);
      expect(run.status).toBe('failed');
      expect(run.error).toMatchObject({ code: 'csv-media-path' });
    } finally {
      fs.rmSync(sibling, { recursive: true, force: true });
    }
  });

  it('records a shared default password as an unsafe choice, and refuses it without the secret', async () => {
    const store = { store: 'security-password' };
    const without = await api.post('/directories', {
      name: 'Shared',
      type: 'memory',
      connection: store,
      options: { passwordPolicy: 'shared' },
    });
    expect(without.status).toBe(400);
    expect(fieldOf(without)).toEqual(['options.passwordPolicy']);
    const bad = await api.post('/directories', {
      name: 'Shared',
      type: 'memory',
      connection: store,
      options: { passwordPolicy: 'everyone-the-same' },
    });
    expect(fieldOf(bad)).toEqual(['options.passwordPolicy']);

    const created = await api.post('/directories', {
      name: 'Shared',
      type: 'memory',
      connection: store,
      secrets: { defaultPassword: 'Welcome-1' },
      options: { passwordPolicy: 'shared' },
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id as number;
    const audit = await app.strapi.db
      .query(AUDIT_UID)
      .findOne({ where: { directoryId: id, action: 'settings.update' } });
    expect(audit.details).toMatchObject({ passwordPolicy: 'shared', unsafe: true });
    // Clearing the secret while the policy needs it is refused.
    const cleared = await api.put(`/directories/${id}`, { secrets: { defaultPassword: null } });
    expect(cleared.status).toBe(400);
    expect((await api.get(`/directories/${id}`)).body.data.secrets.defaultPassword).toBe('set');
  });
});
