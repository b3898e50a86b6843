/**
 * Several instances behind a load balancer: two Strapi processes on one database (PostgreSQL in
 * CI's PostgreSQL pass, the same SQLite file otherwise) receive SCIM requests for the same people at
 * the same moment, as Entra ID's retries and Okta's parallel pushes send them. Nobody gets a second
 * account and no update is lost.
 */
import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import request from 'supertest';
import { pluginApi } from '../helpers/api';
import { startApp, type TestApp } from '../helpers/strapi';
import { CORE_USER, ENTERPRISE, PATCH_OP } from '../unit/scim/fixtures';
import { createScimDirectory, type ScimDirectory } from './scim-client';

const USER_UID = 'plugin::users-permissions.user';

/** Forks a second Strapi serving HTTP on the test app's database; resolves its base URL. */
const startInstance = async () => {
  const child: ChildProcess = fork(path.join(__dirname, 'scim-instance.js'), [], {
    env: { ...process.env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ ready?: boolean; port?: number; error?: string }>(
    (resolve, reject) => {
      child.once('message', (message) => resolve(message as { port?: number }));
      child.once('exit', (code) => reject(new Error(`instance exited (${code})`)));
    }
  );
  if (!ready.ready) throw new Error(`instance failed: ${ready.error}`);
  return { child, url: `http://127.0.0.1:${ready.port}` };
};

describe('SCIM on two Strapi instances at once', () => {
  let app: TestApp;
  let directory: ScimDirectory;
  let other: { child: ChildProcess; url: string };

  beforeAll(async () => {
    app = await startApp();
    directory = await createScimDirectory(pluginApi(app), {
      safety: { maxDisablePercent: 100 },
    });
    other = await startInstance();
  });
  afterAll(async () => {
    if (other) {
      other.child.send({ stop: true });
      await new Promise((resolve) => other.child.once('exit', resolve));
    }
    await app?.stop();
  });

  /** The same request through instance A (in this process) or B (the child process). */
  const send = (instance: 'A' | 'B', method: 'post' | 'patch', path: string, body: unknown) => {
    const agent = instance === 'A' ? app.http() : request(other.url);
    return agent[method](`${directory.base}${path}`)
      .set('Authorization', `Bearer ${directory.token}`)
      .set('Content-Type', 'application/scim+json')
      .send(JSON.stringify(body));
  };

  const person = (n: number) => ({
    schemas: [CORE_USER, ENTERPRISE],
    userName: `twin${n}@example.com`,
    externalId: `twin-${n}`,
    name: { givenName: `Twin${n}`, familyName: 'Parallel' },
    emails: [{ type: 'work', primary: true, value: `twin${n}@example.com` }],
    active: true,
  });

  it('the same create on both instances at once makes one account: one 201, one 409', async () => {
    const people = Array.from({ length: 8 }, (_, i) => person(i + 1));
    const answers = await Promise.all(
      people.flatMap((body) => [
        send('A', 'post', '/Users', body),
        send('B', 'post', '/Users', body),
      ])
    );
    for (let i = 0; i < people.length; i += 1) {
      const pair = [answers[2 * i].status, answers[2 * i + 1].status].sort();
      expect(pair).toEqual([201, 409]);
    }
    const accounts = await app.strapi.db
      .query(USER_UID)
      .count({ where: { username: { $startsWith: 'twin' } } });
    expect(accounts).toBe(people.length);
    const rows = await app.strapi.db
      .query('plugin::user-directory-sync.scim-resource')
      .count({ where: { directoryId: directory.id, deleted: false } });
    expect(rows).toBe(people.length);
  });

  it('concurrent PATCHes of one person on both instances lose no update', async () => {
    const created = await send('A', 'post', '/Users', person(100));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const changes: [string, string][] = [
      ['title', 'Engineer'],
      ['displayName', 'The Twin'],
      ['nickName', 'Twinny'],
      [`${ENTERPRISE}:department`, 'Research'],
      [`${ENTERPRISE}:employeeNumber`, '4242'],
      ['name.givenName', 'Renamed'],
      ['locale', 'fr-FR'],
      ['userType', 'Employee'],
    ];
    const answers = await Promise.all(
      changes.map(([path, value], i) =>
        send(i % 2 ? 'B' : 'A', 'patch', `/Users/${id}`, {
          schemas: [PATCH_OP],
          Operations: [{ op: 'Replace', path, value }],
        })
      )
    );
    expect(answers.map((answer) => answer.status)).toEqual(changes.map(() => 200));
    const stored = (
      await app
        .http()
        .get(`${directory.base}/Users/${id}`)
        .set('Authorization', `Bearer ${directory.token}`)
    ).body;
    expect(stored).toMatchObject({
      title: 'Engineer',
      displayName: 'The Twin',
      nickName: 'Twinny',
      locale: 'fr-FR',
      userType: 'Employee',
      name: { givenName: 'Renamed', familyName: 'Parallel' },
      [ENTERPRISE]: { department: 'Research', employeeNumber: '4242' },
    });
    const user = await app.strapi.db
      .query(USER_UID)
      .findOne({ where: { username: 'twin100@example.com' } });
    expect(user).toMatchObject({
      jobTitle: 'Engineer',
      displayName: 'The Twin',
      department: 'Research',
      employeeId: '4242',
      firstname: 'Renamed',
    });
  });

  it('a deactivation racing a profile update on the other instance keeps both', async () => {
    const created = await send('B', 'post', '/Users', person(200));
    const id = created.body.id as string;
    const [off, renamed] = await Promise.all([
      send('A', 'patch', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', value: { active: false } }],
      }),
      send('B', 'patch', `/Users/${id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Replace', path: 'title', value: 'Leaver' }],
      }),
    ]);
    expect([off.status, renamed.status]).toEqual([200, 200]);
    const user = await app.strapi.db
      .query(USER_UID)
      .findOne({ where: { username: 'twin200@example.com' } });
    expect(user).toMatchObject({ blocked: true, jobTitle: 'Leaver' });
  });
});
