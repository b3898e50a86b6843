import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { parseCsv } from '../../../server/src/providers/csv';
import { detectDelimiter, headerLine } from '../../../server/src/providers/csv/parse';

const SPECTRUM = dirname(require.resolve('csv-spectrum/package.json'));

/** The records of a text, parsed by the CSV source's parser with the detected delimiter. */
const records = async (text: string | Buffer) => {
  const buffer = Buffer.from(text);
  const rows = [];
  for await (const record of parseCsv(
    Readable.from([buffer]),
    detectDelimiter(headerLine(buffer.toString('utf8')))
  )) {
    rows.push(record);
  }
  return rows;
};

/** Header + rows -> objects, as csv-spectrum's expected JSON is written. */
const asObjects = async (text: Buffer) => {
  const [header, ...rows] = await records(text);
  return rows.map((row) =>
    Object.fromEntries(header.fields.map((name, index) => [name, row.fields[index]]))
  );
};

/**
 * csv-spectrum 2.0.0's location_coordinates.json disagrees with its own CSV (a different phone
 * number, and an object instead of a one-row array): an upstream erratum, corrected here.
 */
const SPECTRUM_ERRATA: Record<string, (expected: unknown) => unknown> = {
  location_coordinates: (expected) => [
    { ...(expected as Record<string, string>), 'Contact Phone Number': '2095257564' },
  ],
};

describe('the CSV parser', () => {
  const cases = readdirSync(join(SPECTRUM, 'csvs'))
    .filter((name) => name.endsWith('.csv'))
    .map((name) => name.replace(/\.csv$/, ''));

  it('finds the csv-spectrum cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('reads csv-spectrum %s as its expected JSON', async (name) => {
    const csv = readFileSync(join(SPECTRUM, 'csvs', `${name}.csv`));
    const json: unknown = JSON.parse(readFileSync(join(SPECTRUM, 'json', `${name}.json`), 'utf8'));
    const expected = SPECTRUM_ERRATA[name]?.(json) ?? json;
    expect(await asObjects(csv)).toEqual(expected);
  });

  it('numbers each record by the physical line it starts on, across quoted CRLF breaks', async () => {
    // Empty lines come as one empty field, so that the caller can skip them and lines stay true.
    const text = 'a,b\r\n1,2\r\n\r\n"x\r\ny",3\r\n\r\n\r\nlast,"q""q"\r\n4,5\r\n';
    const lines = (await records(text)).map((record) => [record.line, record.fields.join('|')]);
    expect(lines).toEqual([
      [1, 'a|b'],
      [2, '1|2'],
      [3, ''],
      [4, 'x\r\ny|3'],
      [6, ''],
      [7, ''],
      [8, 'last|q"q'],
      [9, '4|5'],
    ]);
  });

  it('numbers records the same way with LF line ends and lone CR inside a field', async () => {
    const text = 'a,b\n"one\rtwo\nthree",2\n\n5,6\n';
    const lines = (await records(text)).map((record) => record.line);
    expect(lines).toEqual([1, 2, 5, 6]);
  });

  it('strips a UTF-8 byte order mark from the first header', async () => {
    const [header] = await records('\ufeffusername,email\nada,ada@example.com\n');
    expect(header.fields).toEqual(['username', 'email']);
  });

  it('keeps a quote inside an unquoted field as written', async () => {
    const [, row] = await records('name,nick\nDwayne "The Rock" Johnson,rock\n');
    expect(row.fields).toEqual(['Dwayne "The Rock" Johnson', 'rock']);
  });

  it('stops on an unclosed quote with a StopSyncError naming the record', async () => {
    await expect(records('a,b\n1,2\n"open,3\n4,5\n')).rejects.toMatchObject({
      code: 'csv-malformed',
      message: expect.stringContaining('record 3: a quoted field is never closed'),
    });
  });
});

describe('delimiter detection', () => {
  it.each([
    ['username,email,firstname', ','],
    ['username;email;firstname', ';'],
    ['username\temail\tfirstname', '\t'],
    ['"last; first",email,phone', ','],
    ['username', ','],
  ])('reads %j as delimited by %j', (line, delimiter) => {
    expect(detectDelimiter(line)).toBe(delimiter);
  });

  it('looks only at the header line, outside quotes', () => {
    expect(headerLine('\ufeff"a\nb";c;d\n1,2,3,4,5,6\n')).toBe('"a\nb";c;d');
    expect(detectDelimiter(headerLine('"a\nb";c;d\n1,2,3,4,5,6\n'))).toBe(';');
  });
});
