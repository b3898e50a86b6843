/**
 * The CSV source end to end on a real Strapi: a remote file over HTTPS with basic auth (served by the
 * fake file server with the test CA), and a file in the Media Library.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCsvFileServer, type CsvFileServer } from '../fakes/csv/server';
import { pluginApi, type PluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';

const USER_UID = 'plugin::users-permissions.user';
const CA = fs.readFileSync(path.join(__dirname, '../fakes/certs/ca.pem'), 'utf8');
const HEADER = 'username,email,firstname,lastname,jobTitle,manager,groups,password';
const row = (n: number, job = 'Analyst') =>
  `csv${n},csv${n}@example.com,First${n},Last${n},${job},${n > 1 ? 'csv1' : ''},Intranet Editors,Pa55word-${n}`;
const file = (rows: number[]) => [HEADER, ...rows.map((n) => row(n))].join('\r\n') + '\r\n';

describe('CSV source', () => {
  let app: TestApp;
  let api: PluginApi;
  const run = (id: number, body: object = {}) => api.run(id, body);
  let server: CsvFileServer;
  const users = (prefix: string) =>
    app.strapi.db.query(USER_UID).findMany({
      where: { username: { $startsWith: prefix } },
      orderBy: { id: 'asc' },
      populate: ['role', 'manager'],
    });

  beforeAll(async () => {
    server = await startCsvFileServer({
      files: { '/people.csv': file([1, 2, 3, 4, 5]) },
      username: 'hr',
      password: 'hr-secret',
    });
    app = await startApp();
    api = pluginApi(app);
  });
  afterAll(async () => {
    await app?.stop();
    await server?.close();
  });

  const remoteDirectory = async (password: string) => {
    const res = await api.post('/directories', {
      name: 'HR export',
      type: 'csv',
      connection: {
        location: 'remote',
        url: `${server.url}/people.csv`,
        username: 'hr',
        matchField: 'username',
        managerField: 'manager',
        caCertificate: CA,
      },
      secrets: { password },
      groupSync: { mode: 'all' },
    });
    expect(res.status).toBe(201);
    return res.body.data.id as number;
  };

  it('tests the connection: green with the columns found, red with the reason for a wrong password', async () => {
    const good = await remoteDirectory('hr-secret');
    const ok = await api.post(`/directories/${good}/test-connection`);
    expect(ok.body.data.ok).toBe(true);
    const bad = await remoteDirectory('wrong');
    const refused = await api.post(`/directories/${bad}/test-connection`);
    expect(refused.body.data.ok).toBe(false);
    expect(refused.body.data.message).toMatch(/401/);
    const failed = await run(bad);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toMatch(/username or password/);
  });

  it('syncs a remote file, then one edited row, removed rows, restored rows and a broken file', async () => {
    server.setFile('/people.csv', file([1, 2, 3, 4, 5]));
    const id = await remoteDirectory('hr-secret');
    const first = await run(id);
    expect(first).toMatchObject({ status: 'succeeded', counts: { created: 5 } });
    const created = await users('csv');
    expect(created.map((u: { username: string }) => u.username)).toEqual([
      'csv1',
      'csv2',
      'csv3',
      'csv4',
      'csv5',
    ]);
    expect(created[1].manager.username).toBe('csv1');
    expect(created[1].role.name).toBe('Intranet Editors');
    expect(created[0].password).toMatch(/^\$2[aby]\$10\$/);
    const authHeaders = server.requests.map((request) => request.authorization).filter(Boolean);
    expect(authHeaders[authHeaders.length - 1]).toBe(
      `Basic ${Buffer.from('hr:hr-secret').toString('base64')}`
    );

    const before = server.requests.length;
    const unchanged = await run(id);
    expect(unchanged.status).toBe('succeeded');
    expect(unchanged.counts).toMatchObject({ created: 0, updated: 0, disabled: 0, unchanged: 0 });
    // The file was not downloaded again: the server answered the conditional GET with 304.
    expect(server.requests.slice(before).map((request) => request.status)).toEqual([304]);
    const finish = await api.get(`/audit?run=${unchanged.id}&action=run.finish`);
    expect(finish.body.data[0].details.message).toMatch(/nothing to do/);

    server.setFile(
      '/people.csv',
      [HEADER, row(1), row(2, 'Manager'), row(3), row(4), row(5)].join('\n') + '\n'
    );
    const edited = await run(id);
    expect(edited.counts).toMatchObject({ updated: 1, created: 0 });

    server.setFile('/people.csv', file([1, 2, 3, 4]));
    const removed = await run(id);
    expect(removed.counts.disabled).toBe(1);
    expect((await users('csv5'))[0].blocked).toBe(true);

    server.setFile('/people.csv', file([1, 2, 3, 4, 5]));
    const restored = await run(id);
    expect(restored.counts.enabled).toBe(1);

    server.setFile('/people.csv', '<html><body>Login</body></html>');
    const broken = await run(id);
    expect(broken.status).toBe('failed');
    expect(
      await app.strapi.db
        .query(USER_UID)
        .count({ where: { username: { $startsWith: 'csv' }, blocked: true } })
    ).toBe(0);

    server.setFile('/people.csv', '');
    const empty = await run(id);
    expect(empty.status).toBe('failed');
    expect(empty.error?.message).toMatch(/empty/);
  });

  it('reads a file from the Media Library, 20,000 rows in one run, with the default password', async () => {
    const rows = ['username,email,firstname,lastname,department'];
    for (let n = 0; n < 20000; n += 1)
      rows.push(`media${n},media${n}@example.com,Given${n},Family${n},Dept ${n % 7}`);
    const tmp = path.join(os.tmpdir(), `media-${process.pid}.csv`);
    fs.writeFileSync(tmp, rows.join('\n'));
    const [uploaded] = await app.strapi
      .plugin('upload')
      .service('upload')
      .upload({
        data: {},
        files: {
          filepath: tmp,
          originalFilename: 'people.csv',
          mimetype: 'text/csv',
          size: fs.statSync(tmp).size,
        },
      });
    fs.rmSync(tmp);
    const res = await api.post('/directories', {
      name: 'Media file',
      type: 'csv',
      connection: { location: 'media', mediaFileId: uploaded.id, matchField: 'username' },
      secrets: { defaultPassword: 'Welcome-2026' },
    });
    expect(res.status).toBe(201);
    const started = Date.now();
    const result = await run(res.body.data.id);
    expect(result).toMatchObject({ status: 'succeeded', counts: { created: 20000, skipped: 0 } });
    expect(Date.now() - started).toBeLessThan(120000);
    const [first] = await users('media0');
    expect(first).toMatchObject({ department: 'Dept 0', confirmed: true, blocked: false });
    expect(first.password).toMatch(/^\$2[aby]\$10\$/);
  });
});
