import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  createCsvProvider,
  type CsvConnection,
  type CsvProvider,
} from '../../../server/src/providers/csv';
import type {
  DirectoryGroup,
  DirectoryUser,
  ProviderLogger,
  ProviderSettings,
} from '../../../server/src/providers/types';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'csv');
export const CA_PEM = readFileSync(join(__dirname, '..', '..', 'fakes', 'certs', 'ca.pem'), 'utf8');

/** A logger that keeps what it was told. */
export const memoryLog = (): ProviderLogger & { lines: string[] } => {
  const lines: string[] = [];
  return {
    lines,
    debug: (message) => lines.push(`debug ${message}`),
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
  };
};

type Overrides = Partial<Omit<ProviderSettings<CsvConnection>, 'connection'>> & {
  connection?: Partial<CsvConnection>;
};

const open: CsvProvider[] = [];

/** Tracks a provider so that closeProviders() frees its temporary file. */
export const track = (provider: CsvProvider): CsvProvider => {
  open.push(provider);
  return provider;
};

/** Closes every provider made since the last call (use in afterEach). */
export const closeProviders = async (): Promise<void> => {
  await Promise.all(open.splice(0).map((provider) => provider.close()));
};

/** A CSV provider reading `content` (a fixture name or the text itself) from a fake Media Library. */
export const mediaProvider = (
  source: { fixture: string } | { text: string | Buffer },
  overrides: Overrides = {}
): CsvProvider => {
  const openMediaFile = async (fileId: number) => {
    if (fileId !== 7) throw new Error(`no file #${fileId}`);
    if ('fixture' in source) {
      return { stream: createReadStream(join(FIXTURES, source.fixture)), name: source.fixture };
    }
    return { stream: Readable.from([Buffer.from(source.text)]), name: 'upload.csv' };
  };
  return track(
    createCsvProvider(
      {
        connection: {
          location: 'media',
          mediaFileId: 7,
          matchField: 'username',
          ...overrides.connection,
        },
        secrets: { defaultPassword: 'Welcome-2024!', ...overrides.secrets },
        userGroups: [],
        state: overrides.state ?? {},
        options: { openMediaFile, ...overrides.options },
      },
      { log: memoryLog() }
    )
  );
};

/** Every page of an async listing, flattened. */
export const collect = async <T>(pages: AsyncIterable<T[]>): Promise<T[]> => {
  const items: T[] = [];
  for await (const page of pages) items.push(...page);
  return items;
};

export const users = (provider: CsvProvider): Promise<DirectoryUser[]> =>
  collect(provider.listUsers());
export const syncGroups = (provider: CsvProvider): Promise<DirectoryGroup[]> =>
  collect(provider.listSyncGroups());

/** The error a promise rejects with (fails the test when it resolves). */
export const rejection = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
};
