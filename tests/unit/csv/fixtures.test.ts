import { StopSyncError } from '../../../server/src/providers/errors';
import { closeProviders, mediaProvider, rejection, syncGroups, users } from './helpers';

const NAMES = ['ada.lovelace', 'alan.turing'];

describe('CSV files as the source reads them', () => {
  afterEach(closeProviders);

  it('maps the columns named after user fields, attributes by field name', async () => {
    const [ada] = await users(mediaProvider({ fixture: 'simple.csv' }));
    expect(ada).toEqual({
      externalId: 'ada.lovelace',
      username: 'ada.lovelace',
      email: 'ada.lovelace@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      displayName: 'Ada Lovelace',
      active: true,
      managerExternalId: null,
      groupExternalIds: [],
      attributes: {
        username: 'ada.lovelace',
        email: 'ada.lovelace@example.com',
        firstname: 'Ada',
        lastname: 'Lovelace',
        jobTitle: 'Engineer',
        department: 'Engineering',
      },
      password: null,
      origin: 'line 2',
    });
  });

  it('reads a file with a UTF-8 byte order mark', async () => {
    const read = await users(mediaProvider({ fixture: 'bom.csv' }));
    expect(read.map((user) => user.username)).toEqual(NAMES);
    expect(Object.keys(read[0].attributes)).toContain('username');
  });

  it('detects semicolons and keeps commas and quoted semicolons in fields', async () => {
    const read = await users(mediaProvider({ fixture: 'semicolon.csv' }));
    expect(read.map((user) => user.attributes.jobTitle)).toEqual([
      'Engineer, Analytical Engines',
      'Researcher; Codebreaker',
    ]);
  });

  it('detects tabs', async () => {
    const read = await users(mediaProvider({ fixture: 'tab.csv' }));
    expect(read.map((user) => user.attributes.department)).toEqual([
      'Engineering, Analytics',
      'Research; Cryptography',
    ]);
  });

  it('uses the delimiter set on the connection instead of detecting one', async () => {
    const provider = mediaProvider(
      { fixture: 'semicolon.csv' },
      { connection: { delimiter: ',' } }
    );
    await expect(users(provider)).rejects.toMatchObject({ code: 'csv-no-match-column' });
  });

  it('reads CRLF line ends, a quoted line break kept, and counts lines physically', async () => {
    const read = await users(mediaProvider({ fixture: 'crlf.csv' }));
    expect(read[0].attributes.address).toBe("12 St James's Square\r\nLondon");
    expect(read.map((user) => user.origin)).toEqual(['line 2', 'line 4']);
    expect(read[1].attributes.address).toBe('Bletchley Park');
  });

  it('reads quoted fields with commas, doubled quotes and blank lines inside', async () => {
    const read = await users(mediaProvider({ fixture: 'quoted-newlines.csv' }));
    expect(read.map((user) => user.displayName)).toEqual([
      'Lovelace, Ada',
      'Turing, Alan',
      'Hopper, "Amazing" Grace',
    ]);
    expect(read[0].attributes.notes).toBe(
      'Wrote "Notes" on the engine,\nthe first program.\n\n(Published 1843.)'
    );
    expect(read.map((user) => user.origin)).toEqual(['line 2', 'line 6', 'line 7']);
    expect(read[2].attributes.notes).toBeNull();
  });

  it('keeps unicode names intact', async () => {
    const read = await users(mediaProvider({ fixture: 'unicode.csv' }));
    expect(read.map((user) => user.displayName)).toEqual([
      'Zoé Müller',
      'Łucja Dąbrowski',
      'Søren Øster',
      '愛子 田中',
      'Şebnem Yılmaz',
    ]);
    expect(read[4].attributes.department).toBe('Ürün 🚀');
  });

  it('skips rows with the wrong number of fields and reads the rest', async () => {
    const provider = mediaProvider({ fixture: 'ragged.csv' });
    const read = await users(provider);
    expect(read.map((user) => user.username)).toEqual(['ada.lovelace', 'katherine.johnson']);
    expect(provider.skipped()).toEqual([
      {
        origin: 'line 3',
        externalId: 'alan.turing',
        reason: 'the row has 3 fields, the header has 4',
      },
      {
        origin: 'line 4',
        externalId: 'grace.hopper',
        reason: 'the row has 5 fields, the header has 4',
      },
    ]);
  });

  it('refuses duplicate header names, naming them', async () => {
    const error = await rejection(users(mediaProvider({ fixture: 'duplicate-headers.csv' })));
    expect(error).toBeInstanceOf(StopSyncError);
    expect(error).toMatchObject({
      code: 'csv-duplicate-columns',
      message: "the file has duplicate column names: 'Email'",
    });
  });

  it('refuses a header without rows, as it would disable everyone', async () => {
    await expect(users(mediaProvider({ fixture: 'header-only.csv' }))).rejects.toMatchObject({
      code: 'csv-no-rows',
      message: expect.stringContaining('refusing to sync, which would disable everyone'),
    });
  });

  it('refuses an empty file, as it would disable everyone', async () => {
    const provider = mediaProvider({ fixture: 'empty.csv' });
    const error = await rejection(users(provider));
    expect(error).toBeInstanceOf(StopSyncError);
    expect(error).toMatchObject({
      code: 'csv-empty',
      message: 'the file is empty: refusing to sync, which would disable everyone',
    });
    await expect(provider.countUsers()).rejects.toMatchObject({ code: 'csv-empty' });
  });

  it('refuses a file of blank lines as empty', async () => {
    await expect(users(mediaProvider({ text: '\ufeff\n\r\n  \n' }))).rejects.toMatchObject({
      code: 'csv-empty',
    });
  });

  it('ignores empty lines and all-blank rows', async () => {
    const provider = mediaProvider({ fixture: 'blank-rows.csv' });
    const read = await users(provider);
    expect(read.map((user) => user.origin)).toEqual(['line 3', 'line 6']);
    expect(provider.skipped()).toEqual([]);
    expect(await provider.countUsers()).toBe(2);
  });

  it('finds the header after leading blank lines', async () => {
    const text = '\n\r\nusername,email,firstname,lastname\nada,ada@example.com,Ada,L\n';
    expect((await users(mediaProvider({ text }))).map((user) => user.origin)).toEqual(['line 4']);
  });

  it('skips every repeat of a match value (case-insensitive) with both line numbers', async () => {
    const provider = mediaProvider({ fixture: 'duplicates.csv' });
    const read = await users(provider);
    expect(read.map((user) => user.username)).toEqual([
      'ada.lovelace',
      'alan.turing',
      'grace.hopper',
    ]);
    expect(provider.skipped()).toEqual([
      {
        origin: 'line 4',
        externalId: 'Ada.Lovelace',
        reason: "duplicate username 'Ada.Lovelace' (line 4, first seen on line 2)",
      },
      {
        origin: 'line 6',
        externalId: 'ada.lovelace',
        reason: "duplicate username 'ada.lovelace' (line 6, first seen on line 2)",
      },
    ]);
  });

  it('skips rows missing a required field, saying which', async () => {
    const provider = mediaProvider({ fixture: 'missing-required.csv' });
    expect((await users(provider)).map((user) => user.username)).toEqual(['ada.lovelace']);
    expect(provider.skipped()).toEqual([
      { origin: 'line 3', externalId: null, reason: 'missing username' },
      { origin: 'line 4', externalId: 'alan.turing', reason: 'missing email' },
      { origin: 'line 5', externalId: 'grace.hopper', reason: 'missing firstname' },
      { origin: 'line 6', externalId: 'katherine.johnson', reason: 'missing lastname' },
    ]);
  });

  it('skips rows with a bad email', async () => {
    const provider = mediaProvider({ fixture: 'bad-email.csv' });
    expect(await users(provider)).toHaveLength(1);
    expect(provider.skipped().map((skip) => skip.reason)).toEqual([
      "bad email 'alan.turing-at-example.com'",
      "bad email 'grace hopper@example.com'",
    ]);
  });

  it('fails the listing when no row at all is usable', async () => {
    const text = 'username,email,firstname,lastname\nada,not-an-email,Ada,L\n';
    await expect(users(mediaProvider({ text }))).rejects.toMatchObject({
      code: 'csv-no-valid-rows',
      message: expect.stringContaining("line 2: bad email 'not-an-email'"),
    });
  });

  it('reads the manager column named on the connection as the manager externalId', async () => {
    const provider = mediaProvider(
      { fixture: 'manager.csv' },
      { connection: { managerField: 'reportsTo' } }
    );
    const read = await users(provider);
    expect(read.map((user) => user.managerExternalId)).toEqual([
      null,
      'ada.lovelace',
      'alan.turing',
    ]);
    expect(read[1].attributes.reportsTo).toBe('ada.lovelace');
  });

  it('refuses a manager column that is not in the file', async () => {
    const provider = mediaProvider(
      { fixture: 'simple.csv' },
      { connection: { managerField: 'boss' } }
    );
    await expect(users(provider)).rejects.toMatchObject({
      code: 'csv-no-manager-column',
      message: expect.stringContaining("the manager column 'boss' is not in the file"),
    });
  });

  it('splits the groups column on ; and | and lists the groups with their members', async () => {
    const provider = mediaProvider({ fixture: 'groups.csv' });
    const read = await users(provider);
    expect(read.map((user) => user.groupExternalIds)).toEqual([
      ['Intranet Editors', 'Managers'],
      ['Intranet Readers', 'Research'],
      ['Intranet Readers', 'Intranet Editors'],
      [],
    ]);
    expect(read[0].attributes).not.toHaveProperty('groups');
    expect(await syncGroups(provider)).toEqual([
      {
        externalId: 'Intranet Editors',
        name: 'Intranet Editors',
        description: null,
        members: ['ada.lovelace', 'grace.hopper'],
      },
      {
        externalId: 'Intranet Readers',
        name: 'Intranet Readers',
        description: null,
        members: ['alan.turing', 'grace.hopper'],
      },
      { externalId: 'Managers', name: 'Managers', description: null, members: ['ada.lovelace'] },
      { externalId: 'Research', name: 'Research', description: null, members: ['alan.turing'] },
    ]);
  });

  it('lists the group names for the admin, filtered by a search', async () => {
    const provider = mediaProvider({ fixture: 'groups.csv' });
    const names = async (search?: string) => {
      const found: string[] = [];
      for await (const page of provider.listGroups(search)) found.push(...page.map((g) => g.name));
      return found;
    };
    expect(await names()).toEqual(['Intranet Editors', 'Intranet Readers', 'Managers', 'Research']);
    expect(await names('intranet')).toEqual(['Intranet Editors', 'Intranet Readers']);
  });

  it('yields no sync groups for a file without a groups column', async () => {
    expect(await syncGroups(mediaProvider({ fixture: 'simple.csv' }))).toEqual([]);
  });

  it('reads passwords and the active flag; null where the default password applies', async () => {
    const provider = mediaProvider({ fixture: 'passwords-active.csv' });
    const read = await users(provider);
    expect(read.map((user) => [user.username, user.password, user.active])).toEqual([
      ['ada.lovelace', 'S3cret!', true],
      ['alan.turing', null, false],
      ['grace.hopper', 'Pa55w0rd', false],
    ]);
    expect(read[0].attributes).not.toHaveProperty('password');
    expect(provider.skipped()).toEqual([
      {
        origin: 'line 5',
        externalId: 'katherine.johnson',
        reason: "bad enabled value 'maybe' (use true or false)",
      },
    ]);
  });

  it('keeps a row with an empty password cell when no default password is set (the run gives a random one)', async () => {
    const provider = mediaProvider(
      { fixture: 'passwords-active.csv' },
      { secrets: { defaultPassword: null } }
    );
    const listed = await users(provider);
    expect(provider.skipped().map((skip) => skip.externalId)).not.toContain('alan.turing');
    expect(listed.find((user) => user.externalId === 'alan.turing')?.password).toBeNull();
  });

  it('reads a file without a password column when no default password is set', async () => {
    const provider = mediaProvider(
      { fixture: 'simple.csv' },
      { secrets: { defaultPassword: null } }
    );
    const listed = await users(provider);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((user) => user.password === null)).toBe(true);
  });

  it('maps other headers through the column mapping and matches on another column', async () => {
    const provider = mediaProvider(
      { fixture: 'mapped-columns.csv' },
      {
        connection: {
          matchField: 'login',
          columns: [
            { column: 'first_name', field: 'firstname' },
            { column: 'last_name', field: 'lastname' },
            { column: 'e-mail', field: 'email' },
            { column: 'Title', field: 'jobtitle' },
          ],
        },
      }
    );
    const [ada] = await users(provider);
    expect(ada).toMatchObject({
      externalId: 'ada',
      username: 'ada',
      email: 'ada.lovelace@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      attributes: {
        Login: 'ada',
        email: 'ada.lovelace@example.com',
        firstname: 'Ada',
        lastname: 'Lovelace',
        jobTitle: 'Engineer',
        Office: 'London',
      },
    });
  });

  it('refuses a match column that is not in the file, listing the columns found', async () => {
    const provider = mediaProvider(
      { fixture: 'simple.csv' },
      { connection: { matchField: 'upn' } }
    );
    await expect(users(provider)).rejects.toMatchObject({
      code: 'csv-no-match-column',
      message:
        "the match column 'upn' is not in the file; columns found: 'username', 'email', 'firstname', 'lastname', 'jobTitle', 'department'",
    });
  });

  it('refuses a file without a column for a required field', async () => {
    const text = 'username,mail,firstname,lastname\nada,ada@example.com,Ada,L\n';
    await expect(users(mediaProvider({ text }))).rejects.toMatchObject({
      code: 'csv-missing-columns',
      message: expect.stringContaining("no column for the required field 'email'"),
    });
  });

  it('refuses two columns that map to the same field', async () => {
    const provider = mediaProvider(
      { text: 'username,email,firstname,first_name,lastname\na,a@example.com,A,A,L\n' },
      { connection: { columns: [{ column: 'first_name', field: 'firstname' }] } }
    );
    await expect(users(provider)).rejects.toMatchObject({ code: 'csv-ambiguous-columns' });
  });

  it('refuses a file whose first line is data, not a header', async () => {
    await expect(users(mediaProvider({ fixture: 'no-header.csv' }))).rejects.toMatchObject({
      code: 'csv-no-header',
      message: expect.stringContaining('its first line holds data'),
    });
  });

  it('refuses an HTML page served instead of the file', async () => {
    await expect(users(mediaProvider({ fixture: 'html.csv' }))).rejects.toMatchObject({
      code: 'csv-not-csv',
      message: expect.stringContaining('HTML'),
    });
  });

  it('refuses binary data, UTF-16 and Excel workbooks with what to do', async () => {
    const cases: [Buffer, string][] = [
      [Buffer.from([0x75, 0x00, 0x01, 0x02, 0x0a]), 'binary'],
      [Buffer.from('\ufeffusername\n', 'utf16le'), 'UTF-16'],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), 'Excel'],
    ];
    for (const [text, why] of cases) {
      await expect(users(mediaProvider({ text }))).rejects.toMatchObject({
        code: 'csv-not-csv',
        message: expect.stringContaining(why),
      });
    }
  });

  it('refuses a file that is not UTF-8 (e.g. Latin-1)', async () => {
    await expect(users(mediaProvider({ fixture: 'latin1.csv' }))).rejects.toMatchObject({
      code: 'csv-not-csv',
      message: expect.stringContaining('not UTF-8'),
    });
  });

  it('refuses a file with an unclosed quote, naming the line', async () => {
    await expect(users(mediaProvider({ fixture: 'broken-quote.csv' }))).rejects.toMatchObject({
      code: 'csv-malformed',
      message: expect.stringContaining('near line 2'),
    });
  });

  it('counts the data rows, blank lines and header excluded', async () => {
    expect(await mediaProvider({ fixture: 'ragged.csv' }).countUsers()).toBe(4);
    expect(await mediaProvider({ fixture: 'quoted-newlines.csv' }).countUsers()).toBe(3);
  });
});
