import { createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createCsvProvider, type OpenMediaFile } from '../../../server/src/providers/csv';
import { generateOrg } from '../../fakes/org';
import { closeProviders, collect, mediaProvider, memoryLog, track, users } from './helpers';

let tmpDir: string;
beforeAll(() => {
  tmpDir = mkdtempSync(join(tmpdir(), 'csv-media-test-'));
});
afterAll(() => rmSync(tmpDir, { recursive: true, force: true }));
afterEach(closeProviders);

describe('a CSV file from the Media Library', () => {
  it('reads the file through the injected reader', async () => {
    const provider = mediaProvider({ fixture: 'simple.csv' });
    expect((await users(provider)).map((user) => user.username)).toEqual([
      'ada.lovelace',
      'alan.turing',
      'grace.hopper',
    ]);
    expect(provider.nextState()).toEqual({
      etag: null,
      lastModified: null,
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('marks the listing unchanged when the file hashes as last time', async () => {
    const first = mediaProvider({ fixture: 'simple.csv' });
    await first.countUsers();
    const again = mediaProvider({ fixture: 'simple.csv' }, { state: first.nextState() ?? {} });
    expect(await again.countUsers()).toBe(3);
    expect(again.unchanged()).toBe(true);
    const other = mediaProvider({ fixture: 'bom.csv' }, { state: first.nextState() ?? {} });
    await other.countUsers();
    expect(other.unchanged()).toBe(false);
  });

  it('stops when the Media Library cannot read the file', async () => {
    const provider = mediaProvider({ fixture: 'simple.csv' }, { connection: { mediaFileId: 99 } });
    await expect(users(provider)).rejects.toMatchObject({
      code: 'csv-media-unreadable',
      message: expect.stringMatching(/^the Media Library file #99 cannot be read \(Error\)/),
    });
  });

  it('stops when the engine gave no Media Library reader', async () => {
    const provider = mediaProvider(
      { fixture: 'simple.csv' },
      { options: { openMediaFile: undefined } }
    );
    const result = await provider.testConnection();
    expect(result.ok).toBe(false);
    expect(result.checks[0].message).toContain('Media Library cannot be read here');
  });

  it('enforces the size limit while streaming when the size is unknown', async () => {
    const big = Buffer.alloc(64 * 1024, 'a,b\n');
    const openMediaFile: OpenMediaFile = async () => ({
      stream: Readable.from([big, big, big]),
      name: 'big.csv',
    });
    const provider = track(
      createCsvProvider(
        {
          connection: { location: 'media', mediaFileId: 1, matchField: 'a' },
          secrets: {},
          userGroups: [],
          state: {},
          options: { openMediaFile, maxBytes: 100 * 1024, tmpDir },
        },
        { log: memoryLog() }
      )
    );
    await expect(users(provider)).rejects.toMatchObject({ code: 'csv-too-large' });
    expect(readdirSync(tmpDir)).toEqual([]);
  });

  it('says so when the temporary copy cannot be written', async () => {
    const provider = mediaProvider(
      { fixture: 'simple.csv' },
      { options: { tmpDir: join(tmpDir, 'missing', 'dir') } }
    );
    await expect(users(provider)).rejects.toMatchObject({
      code: 'csv-temp-file',
      message: expect.stringContaining('ENOENT'),
    });
  });

  it('refuses a file whose announced size is over the limit without reading it', async () => {
    let read = false;
    const stream = new Readable({
      read() {
        read = true;
        this.push(null);
      },
    });
    const openMediaFile: OpenMediaFile = async () => ({ stream, name: 'x.csv', size: 10_000 });
    const provider = track(
      createCsvProvider(
        {
          connection: { location: 'media', mediaFileId: 1, matchField: 'username' },
          secrets: {},
          userGroups: [],
          state: {},
          options: { openMediaFile, maxBytes: 1000, tmpDir },
        },
        { log: memoryLog() }
      )
    );
    await expect(provider.countUsers()).rejects.toMatchObject({ code: 'csv-too-large' });
    expect(read).toBe(false);
  });
});

describe('a large file', () => {
  it('reads 20,000 generated people in one pass', async () => {
    const org = generateOrg({ users: 20_000, seed: 11 });
    const path = join(tmpDir, 'people-20000.csv');
    const out = createWriteStream(path);
    out.write('username,email,firstname,lastname,displayName,jobTitle,department,manager,active\n');
    for (const person of org.people) {
      const manager = person.managerIndex === null ? '' : org.people[person.managerIndex].login;
      out.write(
        `${person.login},${person.login}@${org.domain},${person.givenName},"${person.surname}",` +
          `"${person.displayName}",${person.jobTitle},${person.department},${manager},${person.enabled}\n`
      );
    }
    await new Promise((resolve) => out.end(resolve));

    const openMediaFile: OpenMediaFile = async () => {
      const { createReadStream } = await import('node:fs');
      return { stream: createReadStream(path), name: 'people.csv', size: statSync(path).size };
    };
    const log = memoryLog();
    const provider = track(
      createCsvProvider(
        {
          connection: {
            location: 'media',
            mediaFileId: 1,
            matchField: 'username',
            managerField: 'manager',
          },
          secrets: { defaultPassword: 'Welcome-2024!' },
          userGroups: [],
          state: {},
          options: { openMediaFile, tmpDir },
        },
        { log }
      )
    );
    const started = process.hrtime.bigint();
    const pages = await collect(
      (async function* () {
        for await (const page of provider.listUsers()) yield [page.length];
      })()
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(pages.reduce((sum, size) => sum + size, 0)).toBe(20_000);
    expect(pages.every((size) => size <= 500)).toBe(true);
    expect(provider.skipped()).toEqual([]);
    // Reported, not asserted tightly: the time depends on the machine.
    process.stdout.write(`CSV: 20,000 rows listed in ${ms.toFixed(0)} ms (download + one parse)\n`);
    expect(ms).toBeLessThan(20_000);
  });
});
