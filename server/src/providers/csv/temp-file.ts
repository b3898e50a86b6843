import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StopSyncError } from '../errors';

/** A downloaded copy of the CSV file, read as often as needed and deleted on close. */
export type SavedFile = { path: string; bytes: number; sha256: string };

/** Human-readable size: `1.5 MB`. */
export const formatBytes = (bytes: number): string => {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
};

/** The StopSyncError for a file over the size limit. */
export const tooLarge = (maxBytes: number): StopSyncError =>
  new StopSyncError(
    'csv-too-large',
    `the file is larger than the limit of ${formatBytes(maxBytes)}: raise the maxBytes option or split the file`
  );

const SNIFF_BYTES = 512;

/** Names what the start of a file is when it is clearly not a CSV text, else null. */
const sniffNotCsv = (head: Buffer): string | null => {
  if (head[0] === 0xff && head[1] === 0xfe) return 'it is UTF-16 text: save it as "CSV UTF-8"';
  if (head[0] === 0xfe && head[1] === 0xff) return 'it is UTF-16 text: save it as "CSV UTF-8"';
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    return 'it is a ZIP archive or an Excel workbook: save it as "CSV UTF-8"';
  }
  const text = head
    .toString('utf8')
    .replace(/^\ufeff/, '')
    .trimStart();
  if (text.startsWith('<')) return 'it looks like an HTML or XML page (a login or error page?)';
  if (head.includes(0)) return 'it holds binary data';
  return null;
};

/**
 * Copies a stream into a new temporary file while hashing it (sha256) and counting its bytes. Stops
 * as soon as the size limit is passed or the bytes are clearly not a UTF-8 CSV text.
 */
export const saveToTempFile = async (
  source: Readable | NodeJS.ReadableStream,
  options: { tmpDir: string; maxBytes: number }
): Promise<SavedFile & { directory: string }> => {
  const directory = await mkdtemp(join(options.tmpDir, 'uds-csv-')).catch((error: unknown) => {
    throw diskError(error);
  });
  const path = join(directory, 'source.csv');
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let hasText = false;

  const inspect = async function* (chunks: AsyncIterable<Buffer | string>) {
    for await (const raw of chunks) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      if (bytes === 0) {
        const problem = sniffNotCsv(chunk.subarray(0, SNIFF_BYTES));
        if (problem) throw notCsv(problem);
      }
      bytes += chunk.length;
      if (bytes > options.maxBytes) throw tooLarge(options.maxBytes);
      if (chunk.includes(0)) throw notCsv('it holds binary data');
      try {
        const text = decoder.decode(chunk, { stream: true });
        if (!hasText && text.replace(/\ufeff/g, '').trim() !== '') hasText = true;
      } catch {
        throw notCsv('it is not UTF-8 text: save it as "CSV UTF-8"');
      }
      hash.update(chunk);
      yield chunk;
    }
  };

  try {
    await pipeline(source, inspect, createWriteStream(path));
    try {
      decoder.decode();
    } catch {
      throw notCsv('it is not UTF-8 text: it ends inside a character');
    }
    if (!hasText) {
      throw new StopSyncError(
        'csv-empty',
        'the file is empty: refusing to sync, which would disable everyone'
      );
    }
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw diskError(error);
  }
  return { path, directory, bytes, sha256: hash.digest('hex') };
};

const notCsv = (why: string): StopSyncError =>
  new StopSyncError('csv-not-csv', `the file is not a CSV file: ${why}`);

const FILE_SYSCALLS = new Set(['open', 'write', 'mkdtemp', 'mkdir', 'close', 'rename']);

/** A failure to write the temporary copy, said as such; any other error unchanged. */
const diskError = (error: unknown): unknown => {
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (typeof syscall !== 'string' || !FILE_SYSCALLS.has(syscall)) return error;
  return new StopSyncError(
    'csv-temp-file',
    `cannot write the temporary copy of the file (${code ?? syscall}): check the tmpDir option and the free disk space`
  );
};
