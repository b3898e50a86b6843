import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { StopSyncError } from '../errors';

/** The delimiters a CSV source may use. */
export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** One record as written: its fields (untrimmed) and the physical line it starts on (1-based). */
export type CsvRecord = { fields: string[]; line: number };

const BOM = '\ufeff';
const HEAD_BYTES = 64 * 1024;

/** The header line of a text: up to the first line break outside quotes, without a BOM. */
export const headerLine = (text: string): string => {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  let quoted = false;
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) return body.slice(0, index);
  }
  return body;
};

/** The delimiter used most often (outside quotes) on the header line; a comma on a tie or none. */
export const detectDelimiter = (line: string): CsvDelimiter => {
  const counts = new Map<CsvDelimiter, number>(CSV_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char as CsvDelimiter)) {
      counts.set(char as CsvDelimiter, (counts.get(char as CsvDelimiter) ?? 0) + 1);
    }
  }
  let best: CsvDelimiter = ',';
  for (const [delimiter, count] of counts) if (count > (counts.get(best) ?? 0)) best = delimiter;
  return best;
};

/** Reads the delimiter of a CSV file from its header line. */
export const detectFileDelimiter = async (path: string): Promise<CsvDelimiter> => {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return detectDelimiter(headerLine(buffer.subarray(0, bytesRead).toString('utf8')));
  } finally {
    await handle.close();
  }
};

const lineBreaks = (value: string): number =>
  value.includes('\n') || value.includes('\r') ? (value.match(/\r\n|\r|\n/g)?.length ?? 0) : 0;

/**
 * Streams the records of a CSV source: UTF-8 with or without BOM, CRLF or LF, quoted fields with
 * delimiters, quotes and line breaks; CRLF, LF and CR line ends, even mixed. Rows may have any number of fields (the caller judges them);
 * an empty line comes as one empty field. A broken quote stops with a StopSyncError naming the line.
 */
export async function* parseCsv(
  source: Readable,
  delimiter: CsvDelimiter,
  path?: string
): AsyncGenerator<CsvRecord> {
  const parser = parse({
    bom: true,
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
  });
  source.on('error', (error: Error) => parser.destroy(error));
  source.pipe(parser);
  // Lines are counted here: each record spans one line plus the line breaks inside its fields.
  let line = 1;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      yield { fields, line };
      line += 1;
      for (const field of fields) line += lineBreaks(field);
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const record = (typeof error.records === 'number' ? error.records : 0) + 1;
      const offset = typeof error.bytes_records === 'number' ? error.bytes_records : 0;
      const near = path ? await lineAtOffset(path, offset) : null;
      const where = near === null ? `record ${record}` : `the record starting near line ${near}`;
      throw new StopSyncError(
        'csv-malformed',
        `the file is not valid CSV in ${where}: ${describeCsvError(error)}`
      );
    }
    throw error;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Streams the records of a CSV file on disk. */
export const parseCsvFile = (path: string, delimiter: CsvDelimiter): AsyncGenerator<CsvRecord> =>
  parseCsv(createReadStream(path), delimiter, path);

/** The 1-based line that starts at a byte offset of a file (after the records before it). */
const lineAtOffset = async (path: string, offset: number): Promise<number> => {
  let line = 1;
  let position = 0;
  let previous = 0;
  for await (const chunk of createReadStream(path, { end: Math.max(offset - 1, 0) })) {
    for (const byte of chunk as Buffer) {
      if (byte === 0x0a && previous !== 0x0d) line += 1;
      else if (byte === 0x0d) line += 1;
      previous = byte;
      position += 1;
    }
  }
  return offset === 0 || position === 0 ? 1 : line;
};

const describeCsvError = (error: CsvError): string => {
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    return 'a quoted field is never closed (a missing closing quote?)';
  }
  return error.message;
};
