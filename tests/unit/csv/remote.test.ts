import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCsvProvider, type CsvConnection } from '../../../server/src/providers/csv';
import type { ProviderSettings } from '../../../server/src/providers/types';
import {
  CancelledError,
  StopSyncError,
  TransientSyncError,
} from '../../../server/src/providers/errors';
import { type CsvFileServer, startCsvFileServer } from '../../fakes/csv/server';
import { CA_PEM, closeProviders, FIXTURES, memoryLog, rejection, track, users } from './helpers';

const PEOPLE = readFileSync(join(FIXTURES, 'simple.csv'));
const BASIC = `Basic ${Buffer.from('sync:s3cret').toString('base64')}`;

type Overrides = Partial<Omit<ProviderSettings<CsvConnection>, 'connection'>> & {
  connection?: Partial<CsvConnection>;
};

let server: CsvFileServer;
let tmpDir: string;

const remote = (url: string, overrides: Overrides = {}, signal?: AbortSignal) =>
  track(
    createCsvProvider(
      {
        connection: {
          location: 'remote',
          url,
          username: 'sync',
          matchField: 'username',
          caCertificate: CA_PEM,
          ...overrides.connection,
        },
        secrets: { password: 's3cret', defaultPassword: 'Welcome-2024!', ...overrides.secrets },
        userGroups: [],
        state: overrides.state ?? {},
        options: { tmpDir, retryBaseDelayMs: 10, ...overrides.options },
      },
      { log: memoryLog(), signal }
    )
  );

beforeAll(async () => {
  tmpDir = mkdtempSync(join(tmpdir(), 'csv-remote-test-'));
  server = await startCsvFileServer({
    files: { '/people.csv': PEOPLE, '/public/people.csv': PEOPLE },
    username: 'sync',
    password: 's3cret',
    publicPaths: ['/public/people.csv'],
  });
});

afterAll(async () => {
  await server.close();
  rmSync(tmpDir, { recursive: true, force: true });
});

afterEach(async () => {
  await closeProviders();
  server.requests.length = 0;
});

describe('a CSV file over HTTPS', () => {
  it('downloads with basic auth and reads the users', async () => {
    const read = await users(remote(`${server.url}/people.csv`));
    expect(read.map((user) => user.username)).toEqual([
      'ada.lovelace',
      'alan.turing',
      'grace.hopper',
    ]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ authorization: BASIC, status: 200 });
  });

  it('downloads once however often the file is read, and deletes it on close', async () => {
    const provider = remote(`${server.url}/people.csv`);
    expect(await provider.countUsers()).toBe(3);
    await users(provider);
    await users(provider);
    expect(server.requests).toHaveLength(1);
    expect(await readdir(tmpDir)).toHaveLength(1);
    await provider.close();
    expect(await readdir(tmpDir)).toHaveLength(0);
  });

  it('stops with a clear message when the server refuses the password', async () => {
    const provider = remote(`${server.url}/people.csv`, { secrets: { password: 'wrong' } });
    const error = await rejection(users(provider));
    expect(error).toBeInstanceOf(StopSyncError);
    expect(error).toMatchObject({
      code: 'csv-unauthorized',
      message: 'the server refused the username or password (401)',
    });
  });

  it('asks for credentials when none are set and the server wants them', async () => {
    const provider = remote(`${server.url}/people.csv`, {
      connection: { username: undefined },
      secrets: { password: null },
    });
    await expect(users(provider)).rejects.toMatchObject({
      code: 'csv-unauthorized',
      message: expect.stringContaining('asks for a username and password'),
    });
    expect(server.requests[0].authorization).toBeNull();
  });

  it.each([
    [403, 'csv-forbidden'],
    [404, 'csv-not-found'],
  ])('stops on HTTP %i with %s', async (status, code) => {
    const path = `/status-${status}.csv`;
    if (status === 404) {
      await expect(users(remote(`${server.url}${path}`))).rejects.toMatchObject({ code });
      return;
    }
    server.setFault(path, { kind: 'status', status });
    try {
      const error = await rejection(users(remote(`${server.url}${path}`)));
      expect(error).toBeInstanceOf(StopSyncError);
      expect(error).toMatchObject({ code, message: expect.stringContaining(String(status)) });
    } finally {
      server.setFault(path, null);
    }
  });

  it.each([
    [429, 'csv-throttled'],
    [500, 'csv-http-status'],
    [503, 'csv-http-status'],
  ])('downloads again after HTTP %i, then fails transiently with %s', async (status, code) => {
    const path = `/status-${status}.csv`;
    server.setFile(path, PEOPLE);
    server.inject({ kind: 'status', status }, { path });
    expect((await users(remote(`${server.url}${path}`))).length).toBeGreaterThan(0);
    server.setFault(path, { kind: 'status', status });
    try {
      const error = await rejection(users(remote(`${server.url}${path}`)));
      expect(error).toBeInstanceOf(TransientSyncError);
      expect(error).toMatchObject({ code, message: expect.stringContaining(String(status)) });
      expect(error.message).toContain('after 2 retries');
    } finally {
      server.setFault(path, null);
    }
  });

  it('marks the listing unchanged on 304 and still lists users when asked', async () => {
    const first = remote(`${server.url}/people.csv`);
    await users(first);
    const state = first.nextState();
    expect(state).toEqual({
      etag: expect.stringMatching(/^".+"$/),
      lastModified: expect.any(String),
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(first.unchanged()).toBe(false);

    const second = remote(`${server.url}/people.csv`, { state: state ?? {} });
    expect(await second.countUsers()).toBeNull();
    expect(second.unchanged()).toBe(true);
    expect(second.fingerprint()).toBe(state?.fingerprint);
    expect(second.nextState()).toEqual(state);
    expect(server.requests[1]).toMatchObject({
      ifNoneMatch: state?.etag,
      ifModifiedSince: state?.lastModified,
      status: 304,
    });
    // An engine that reads anyway gets the whole file, never an empty listing.
    expect(await users(second)).toHaveLength(3);
    expect(server.requests[2]).toMatchObject({ ifNoneMatch: null, status: 200 });
  });

  it('marks the listing unchanged when the content hashes the same (no validators)', async () => {
    const plain = await startCsvFileServer({
      files: { '/people.csv': PEOPLE },
      etag: false,
      lastModified: false,
    });
    try {
      const first = remote(`${plain.url}/people.csv`);
      await first.countUsers();
      const state = first.nextState() ?? {};
      expect(state).toMatchObject({ etag: null, lastModified: null });
      const second = remote(`${plain.url}/people.csv`, { state });
      expect(await second.countUsers()).toBe(3);
      expect(second.unchanged()).toBe(true);
      expect(second.fingerprint()).toBe(state.fingerprint);
    } finally {
      await plain.close();
    }
  });

  it('sees a changed file as changed', async () => {
    const first = remote(`${server.url}/people.csv`);
    await first.countUsers();
    server.setFile('/changing.csv', PEOPLE);
    const before = remote(`${server.url}/changing.csv`);
    await before.countUsers();
    server.setFile(
      '/changing.csv',
      `${PEOPLE.toString()}katherine.johnson,kj@example.com,K,J,M,N\n`
    );
    const after = remote(`${server.url}/changing.csv`, { state: before.nextState() ?? {} });
    expect(await after.countUsers()).toBe(4);
    expect(after.unchanged()).toBe(false);
    expect(after.fingerprint()).not.toBe(before.fingerprint());
  });

  it('refuses a file over the size limit from its Content-Length', async () => {
    const provider = remote(`${server.url}/people.csv`, { options: { maxBytes: 100 } });
    await expect(users(provider)).rejects.toMatchObject({
      code: 'csv-too-large',
      message: expect.stringContaining('larger than the limit of 100 B'),
    });
    expect(await readdir(tmpDir)).toHaveLength(0);
  });

  it('stops when the file does not arrive within the timeout', async () => {
    server.setFault('/slow.csv', { kind: 'slow', delayMs: 5000 });
    server.setFile('/slow.csv', PEOPLE);
    const started = Date.now();
    const provider = remote(`${server.url}/slow.csv`, { options: { timeoutMs: 300 } });
    await expect(users(provider)).rejects.toMatchObject({ code: 'csv-timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
    server.setFault('/slow.csv', null);
  });

  it('counts the body in the timeout: a trickling download stops too', async () => {
    server.setFile('/trickle.csv', PEOPLE);
    server.setFault('/trickle.csv', { kind: 'trickle', chunkBytes: 10, intervalMs: 100 });
    const provider = remote(`${server.url}/trickle.csv`, { options: { timeoutMs: 500 } });
    await expect(users(provider)).rejects.toMatchObject({ code: 'csv-timeout' });
    expect(await readdir(tmpDir)).toHaveLength(0);
    server.setFault('/trickle.csv', null);
  });

  it('stops, changing nothing, when the connection is cut mid-file', async () => {
    server.setFile('/cut.csv', PEOPLE);
    server.setFault('/cut.csv', { kind: 'cut', afterBytes: 80 });
    await expect(users(remote(`${server.url}/cut.csv`))).rejects.toMatchObject({
      code: 'csv-download-cut',
    });
    server.setFault('/cut.csv', null);
  });

  it('stops when the host cannot be reached', async () => {
    const gone = await startCsvFileServer({});
    await gone.close();
    await expect(users(remote(`${gone.url}/people.csv`))).rejects.toMatchObject({
      code: 'csv-unreachable',
      message: expect.stringContaining(`localhost:${gone.port}`),
    });
  });

  it('can be cancelled while downloading', async () => {
    server.setFile('/slow-cancel.csv', PEOPLE);
    server.setFault('/slow-cancel.csv', { kind: 'slow', delayMs: 5000 });
    const controller = new AbortController();
    const provider = remote(`${server.url}/slow-cancel.csv`, {}, controller.signal);
    setTimeout(() => controller.abort(), 100);
    await expect(users(provider)).rejects.toBeInstanceOf(CancelledError);
    server.setFault('/slow-cancel.csv', null);
  });

  it('follows a redirect on the same host with the credentials', async () => {
    server.setRedirect('/latest.csv', '/people.csv');
    expect(await users(remote(`${server.url}/latest.csv`))).toHaveLength(3);
    expect(server.requests.map((request) => [request.path, request.authorization])).toEqual([
      ['/latest.csv', BASIC],
      ['/people.csv', BASIC],
    ]);
    server.setRedirect('/latest.csv', null);
  });

  it('drops the Authorization header on a redirect to another host', async () => {
    server.setRedirect('/export.csv', `${server.otherHostUrl}/public/people.csv`);
    expect(await users(remote(`${server.url}/export.csv`))).toHaveLength(3);
    expect(server.requests).toEqual([
      expect.objectContaining({ host: `localhost:${server.port}`, authorization: BASIC }),
      expect.objectContaining({
        host: `127.0.0.1:${server.port}`,
        path: '/public/people.csv',
        authorization: null,
      }),
    ]);
    server.setRedirect('/export.csv', null);
  });

  it('gives up after 5 redirects', async () => {
    server.setRedirect('/loop.csv', '/loop.csv');
    await expect(users(remote(`${server.url}/loop.csv`))).rejects.toMatchObject({
      code: 'csv-too-many-redirects',
    });
    expect(server.requests).toHaveLength(6);
    server.setRedirect('/loop.csv', null);
  });

  it('trusts the CA certificate of the connection, and only for it', async () => {
    const untrusted = remote(`${server.url}/people.csv`, { connection: { caCertificate: '' } });
    await expect(users(untrusted)).rejects.toMatchObject({
      code: 'csv-tls',
      message: expect.stringContaining('CA certificate'),
    });
    expect(await users(remote(`${server.url}/people.csv`))).toHaveLength(3);
  });
});

describe('plain HTTP', () => {
  let plain: CsvFileServer;
  beforeAll(async () => {
    plain = await startCsvFileServer({ files: { '/people.csv': PEOPLE }, https: false });
  });
  afterAll(() => plain.close());

  it('is refused by default, before any request', async () => {
    const error = await rejection(users(remote(`${plain.url}/people.csv`)));
    expect(error).toBeInstanceOf(StopSyncError);
    expect(error).toMatchObject({ code: 'csv-http-refused' });
    expect(plain.requests).toHaveLength(0);
  });

  it('is allowed with the allowHttp option', async () => {
    const provider = remote(`${plain.url}/people.csv`, { options: { allowHttp: true } });
    expect(await users(provider)).toHaveLength(3);
  });

  it('is refused when an HTTPS URL redirects to it', async () => {
    server.setRedirect('/downgrade.csv', `${plain.url}/people.csv`);
    await expect(users(remote(`${server.url}/downgrade.csv`))).rejects.toMatchObject({
      code: 'csv-http-refused',
    });
    server.setRedirect('/downgrade.csv', null);
  });
});

describe('the connection test of a remote file', () => {
  it('shows green lights for a good file, with the columns and row count', async () => {
    const result = await remote(`${server.url}/people.csv`).testConnection();
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => [check.name, check.ok])).toEqual([
      ['file', true],
      ['columns', true],
      ['match column', true],
      ['required fields', true],
      ['rows', true],
    ]);
    expect(result.checks[1].message).toContain('username, email, firstname, lastname');
    expect(result.checks[4].message).toBe('3 rows, all usable.');
    expect(result.message).toBe('The file can be synced: 3 rows, all usable.');
  });

  it('shows a red light, without throwing, for a wrong password', async () => {
    const result = await remote(`${server.url}/people.csv`, {
      secrets: { password: 'nope' },
    }).testConnection();
    expect(result).toEqual({
      ok: false,
      message: 'the server refused the username or password (401)',
      checks: [
        { name: 'file', ok: false, message: 'the server refused the username or password (401)' },
      ],
    });
  });

  it('names the missing fields and still counts the rows', async () => {
    server.setFile('/partial.csv', 'username,mail\nada,ada@example.com\nalan,alan@example.com\n');
    const result = await remote(`${server.url}/partial.csv`, {
      connection: { matchField: 'login' },
      secrets: { defaultPassword: null },
    }).testConnection();
    expect(result.ok).toBe(false);
    const byName = Object.fromEntries(result.checks.map((check) => [check.name, check]));
    expect(byName['match column']).toMatchObject({ ok: false });
    expect(byName['match column'].message).toContain("the match column 'login' is not in the file");
    expect(byName['required fields'].ok).toBe(false);
    expect(byName['required fields'].message).toContain("'email', 'firstname', 'lastname'");
    expect(byName['required fields'].message).not.toContain('password');
    expect(byName.rows).toEqual({ name: 'rows', ok: true, message: '2 rows.' });
  });

  it('reports rows that would be skipped', async () => {
    server.setFile('/bad.csv', readFileSync(join(FIXTURES, 'bad-email.csv')));
    const result = await remote(`${server.url}/bad.csv`).testConnection();
    expect(result.ok).toBe(true);
    expect(result.checks[4].message).toBe(
      "3 rows: 1 usable, 2 would be skipped (line 3: bad email 'alan.turing-at-example.com'; line 4: bad email 'grace hopper@example.com')."
    );
  });

  it('refuses an invalid URL setting with a red light', async () => {
    const result = await remote('not a url').testConnection();
    expect(result.ok).toBe(false);
    expect(result.checks[0].message).toContain('not a valid URL');
  });

  it('leaves no temporary file behind after close', async () => {
    const provider = remote(`${server.url}/people.csv`);
    await provider.testConnection();
    await provider.close();
    expect(existsSync(tmpDir) && (await readdir(tmpDir)).length).toBe(0);
  });
});
