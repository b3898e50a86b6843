import { tmpdir } from 'node:os';
import { rm } from 'node:fs/promises';
import { CancelledError, describeError, StopSyncError, TransientSyncError } from '../errors';
import type {
  ConnectionCheck,
  ConnectionResult,
  DirectoryGroup,
  DirectoryProvider,
  DirectoryUser,
  ProviderContext,
  ProviderFactory,
  ProviderSettings,
  ProviderState,
} from '../types';
import {
  CSV_REQUIRED_FIELDS,
  type ColumnPlan,
  type HeaderProblem,
  isBlankRow,
  mapRow,
  resolveColumns,
  splitGroups,
} from './map';
import { type CsvDelimiter, type CsvRecord, detectFileDelimiter, parseCsvFile } from './parse';
import { fetchRemoteFile, RetryableDownloadError, safeUrl } from './remote';
import { formatBytes, type SavedFile, saveToTempFile, tooLarge } from './temp-file';

/** A CSV directory's connection: where the file is and how its columns map to users. */
export type CsvConnection = {
  location: 'remote' | 'media';
  /** HTTPS URL of the file (location `remote`). */
  url?: string;
  /** Basic-auth user name (the password is the `password` secret). */
  username?: string;
  /** Media Library file id (location `media`). */
  mediaFileId?: number;
  /** Column whose value is the username and the externalId (default `username`). */
  matchField: string;
  /** Column holding the manager's match value. */
  managerField?: string;
  /** CSV column -> user field, for headers that do not name a field themselves. */
  columns?: { column: string; field: string }[];
  /** Set to force a delimiter; detected from the header line otherwise. */
  delimiter?: CsvDelimiter;
  /** PEM text trusted for this directory's HTTPS requests (TLS-inspecting proxies). */
  caCertificate?: string;
};

/** Reads a Media Library file; injected by the engine (the provider knows nothing of Strapi). */
export type OpenMediaFile = (
  fileId: number
) => Promise<{ stream: NodeJS.ReadableStream; name: string; size?: number }>;

/** A record left out of the listing, with the reason (audited by the engine). */
export type SkippedRecord = { origin: string; externalId: string | null; reason: string };

/** The CSV provider: the seam plus what a file source adds. */
export type CsvProvider = DirectoryProvider & {
  countUsers(): Promise<number | null>;
  nextState(): ProviderState | null;
  fingerprint(): string | null;
  /** True when the file is the one the last run read (HTTP 304 or the same sha256). */
  unchanged(): boolean;
  /** The rows the last listUsers() left out, with their reasons. */
  skipped(): SkippedRecord[];
  close(): Promise<void>;
};

const DEFAULTS = {
  maxBytes: 50 * 1024 * 1024,
  timeoutMs: 30_000,
  maxRetries: 2,
  retryBaseDelayMs: 1000,
  maxRetryAfterSeconds: 60,
};
const USER_PAGE = 500;
const GROUP_PAGE = 200;

type CsvOptions = {
  maxBytes: number;
  timeoutMs: number;
  /** Downloads again after a 429, a 5xx, a cut or a timeout, this many times (default 2). */
  maxRetries: number;
  /** First backoff when the server gave no Retry-After (doubles per retry). */
  retryBaseDelayMs: number;
  /** Longest Retry-After honoured (and the backoff's cap), in seconds. */
  maxRetryAfterSeconds: number;
  allowHttp: boolean;
  openMediaFile: OpenMediaFile | null;
  tmpDir: string;
};

const readOptions = (options: Record<string, unknown>): CsvOptions => {
  const positive = (value: unknown, fallback: number) =>
    typeof value === 'number' && value > 0 ? value : fallback;
  const count = (value: unknown, fallback: number) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10
      ? value
      : fallback;
  return {
    maxBytes: positive(options.maxBytes, DEFAULTS.maxBytes),
    timeoutMs: positive(options.timeoutMs, DEFAULTS.timeoutMs),
    maxRetries: count(options.maxRetries, DEFAULTS.maxRetries),
    retryBaseDelayMs: positive(options.retryBaseDelayMs, DEFAULTS.retryBaseDelayMs),
    maxRetryAfterSeconds: positive(options.maxRetryAfterSeconds, DEFAULTS.maxRetryAfterSeconds),
    allowHttp: options.allowHttp === true,
    openMediaFile:
      typeof options.openMediaFile === 'function' ? (options.openMediaFile as OpenMediaFile) : null,
    tmpDir: typeof options.tmpDir === 'string' && options.tmpDir ? options.tmpDir : tmpdir(),
  };
};

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/** Waits, or stops early with CancelledError when the run is cancelled. */
const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Where a downloaded file came from and how the server described it. */
type Fetched = SavedFile & { directory: string; etag: string | null; lastModified: string | null };

/** Reads users and groups from a CSV file fetched over HTTPS or taken from the Media Library. */
export const createCsvProvider = ((
  settings: ProviderSettings<CsvConnection>,
  context: ProviderContext
): CsvProvider => {
  const { connection } = settings;
  const state = settings.state ?? {};
  const options = readOptions(settings.options);
  const matchField = connection.matchField?.trim() || 'username';
  const previous = {
    etag: text(state.etag),
    lastModified: text(state.lastModified),
    fingerprint: text(state.fingerprint),
  };

  let file: Fetched | null = null;
  let loading: Promise<Fetched | null> | null = null;
  let notModified: { etag: string | null } | null = null;
  let rowCount: number | null = null;
  let skippedRecords: SkippedRecord[] = [];
  const tempDirectories: string[] = [];

  const describeSource = () =>
    connection.location === 'media'
      ? `Media Library file #${connection.mediaFileId ?? '?'}`
      : safeUrl(connection.url ?? '');

  /** Downloads the file, again after a transient failure (Retry-After honoured, capped). */
  const downloadRemote = async (conditional: boolean): Promise<Fetched | null> => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await downloadOnce(conditional);
      } catch (error) {
        if (!(error instanceof RetryableDownloadError) || attempt >= options.maxRetries) {
          if (error instanceof RetryableDownloadError && attempt > 0) {
            throw new TransientSyncError(
              error.code,
              `${error.message} (after ${attempt} ${attempt === 1 ? 'retry' : 'retries'}; the next run will try again)`
            );
          }
          throw error;
        }
        const capMs = options.maxRetryAfterSeconds * 1000;
        const waitMs = Math.min(
          capMs,
          error.retryAfterMs ?? options.retryBaseDelayMs * 2 ** attempt
        );
        context.log.warn(
          `CSV: ${error.message}; retry ${attempt + 1} of ${options.maxRetries} in ${(waitMs / 1000).toFixed(2)} s.`
        );
        await pause(waitMs, context.signal);
      }
    }
  };

  const downloadOnce = async (conditional: boolean): Promise<Fetched | null> => {
    const body: { saved?: SavedFile & { directory: string } } = {};
    const response = await fetchRemoteFile(
      {
        url: connection.url ?? '',
        username: connection.username,
        password: settings.secrets.password,
        caCertificate: connection.caCertificate,
        allowHttp: options.allowHttp,
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxBytes,
        conditional:
          conditional && previous.fingerprint
            ? { etag: previous.etag, lastModified: previous.lastModified }
            : undefined,
        signal: context.signal,
      },
      async (stream) => {
        body.saved = await saveToTempFile(stream, options);
        tempDirectories.push(body.saved.directory);
      }
    );
    if (response.notModified) {
      notModified = { etag: response.etag ?? previous.etag };
      return null;
    }
    if (!body.saved) throw new StopSyncError('csv-download-cut', 'the download produced no file');
    return { ...body.saved, etag: response.etag, lastModified: response.lastModified };
  };

  const readMedia = async (): Promise<Fetched> => {
    const id = connection.mediaFileId;
    if (typeof id !== 'number') {
      throw new StopSyncError('csv-no-media-file', 'no Media Library file is chosen');
    }
    if (!options.openMediaFile) {
      throw new StopSyncError(
        'csv-media-unavailable',
        'the Media Library cannot be read here (no reader was given to the CSV source)'
      );
    }
    let opened: Awaited<ReturnType<OpenMediaFile>>;
    try {
      opened = await options.openMediaFile(id);
    } catch (error) {
      if (error instanceof StopSyncError) throw error;
      // Only the error's name: a storage or database error's text may quote row values.
      const name = error instanceof Error ? error.name : 'Error';
      throw new StopSyncError(
        'csv-media-unreadable',
        `the Media Library file #${id} cannot be read (${name}); the server log of the upload provider has the details`
      );
    }
    if (opened.size !== undefined && opened.size > options.maxBytes) {
      throw tooLarge(options.maxBytes);
    }
    const saved = await saveToTempFile(opened.stream, options);
    tempDirectories.push(saved.directory);
    return { ...saved, etag: null, lastModified: null };
  };

  /** The downloaded file; null after a 304 when `conditional` (the content was not sent). */
  const load = (conditional: boolean): Promise<Fetched | null> => {
    if (file) return Promise.resolve(file);
    if (notModified && conditional) return Promise.resolve(null);
    if (!loading) {
      const started = Date.now();
      const attempt = connection.location === 'media' ? readMedia() : downloadRemote(conditional);
      loading = attempt
        .then((result) => {
          file = result;
          if (result) {
            context.log.debug(
              `CSV: read ${formatBytes(result.bytes)} from ${describeSource()} in ${Date.now() - started} ms`
            );
          }
          return result;
        })
        .finally(() => {
          loading = null;
        });
    }
    return loading.then((result) => result ?? (conditional ? null : load(false)));
  };

  const requireFile = async (): Promise<Fetched> => {
    const loaded = await load(false);
    if (!loaded) throw new StopSyncError('csv-no-file', 'the file could not be read');
    return loaded;
  };

  /** The records of the file after its header, with the header resolved to a column plan. */
  const open = async (
    loaded: Fetched
  ): Promise<{
    plan: ColumnPlan | null;
    problems: HeaderProblem[];
    rows: AsyncGenerator<CsvRecord>;
  }> => {
    const delimiter = connection.delimiter ?? (await detectFileDelimiter(loaded.path));
    const rows = parseCsvFile(loaded.path, delimiter);
    let first = await rows.next();
    while (!first.done && isBlankRow(first.value.fields)) first = await rows.next();
    if (first.done) {
      throw new StopSyncError(
        'csv-empty',
        'the file is empty: refusing to sync, which would disable everyone'
      );
    }
    const { plan, problems } = resolveColumns(first.value.fields, {
      matchField,
      managerField: connection.managerField?.trim() || undefined,
      columns: connection.columns,
    });
    return { plan, problems, rows };
  };

  const usablePlan = (plan: ColumnPlan | null, problems: HeaderProblem[]): ColumnPlan => {
    if (problems.length > 0 || !plan) {
      const [first] = problems;
      throw new StopSyncError(first?.code ?? 'csv-no-header', first?.message ?? 'no header row');
    }
    return plan;
  };

  const noRows = () =>
    new StopSyncError(
      'csv-no-rows',
      'the file has a header but no rows: refusing to sync, which would disable everyone'
    );

  /** Every data row mapped to a user or a skip, duplicates of an earlier match value skipped. */
  async function* readRows(loaded: Fetched) {
    const { plan: maybePlan, problems, rows } = await open(loaded);
    try {
      const plan = usablePlan(maybePlan, problems);
      const firstSeen = new Map<string, number>();
      let count = 0;
      for await (const { fields, line } of rows) {
        if (isBlankRow(fields)) continue;
        count += 1;
        if (count % USER_PAGE === 0 && context.signal?.aborted) throw new CancelledError();
        const outcome = mapRow(fields, line, plan);
        const key = outcome.user?.externalId.toLowerCase();
        const seenOn = key === undefined ? undefined : firstSeen.get(key);
        if (outcome.user && seenOn !== undefined) {
          const reason = `duplicate ${plan.headers[plan.match]} '${outcome.user.externalId}' (line ${line}, first seen on line ${seenOn})`;
          yield { skip: { origin: `line ${line}`, externalId: outcome.user.externalId, reason } };
          continue;
        }
        if (key !== undefined) firstSeen.set(key, line);
        yield outcome;
      }
      rowCount = count;
      if (count === 0) throw noRows();
    } finally {
      await rows.return(undefined);
    }
  }

  /** Counts the data rows; `strict`: refuse a header the listing would refuse. */
  const countRows = async (loaded: Fetched, strict: boolean): Promise<number> => {
    const { plan, problems, rows } = await open(loaded);
    try {
      if (strict) usablePlan(plan, problems);
      let count = 0;
      for await (const { fields } of rows) if (!isBlankRow(fields)) count += 1;
      if (strict && count === 0) throw noRows();
      return count;
    } finally {
      await rows.return(undefined);
    }
  };

  const groupPages = function* (groups: Map<string, string[]>, search?: string) {
    const needle = search?.trim().toLowerCase() ?? '';
    const names = [...groups.keys()]
      .filter((name) => name.toLowerCase().includes(needle))
      .sort((a, b) => a.localeCompare(b));
    for (let start = 0; start < names.length; start += GROUP_PAGE) {
      yield names.slice(start, start + GROUP_PAGE).map((name): DirectoryGroup => ({
        externalId: name,
        name,
        description: null,
        members: groups.get(name) ?? [],
      }));
    }
  };

  const provider: CsvProvider = {
    async testConnection(): Promise<ConnectionResult> {
      const checks: ConnectionCheck[] = [];
      const result = (): ConnectionResult => {
        const failed = checks.filter((check) => !check.ok);
        return {
          ok: failed.length === 0,
          message:
            failed.length === 0
              ? `The file can be synced: ${checks[checks.length - 1]?.message ?? ''}`
              : failed[0].message,
          checks,
        };
      };
      let loaded: Fetched;
      try {
        loaded = await requireFile();
        checks.push({
          name: 'file',
          ok: true,
          message:
            connection.location === 'media'
              ? `Read ${formatBytes(loaded.bytes)} from the Media Library.`
              : `Downloaded ${formatBytes(loaded.bytes)} from ${safeUrl(connection.url ?? '')}.`,
        });
      } catch (error) {
        checks.push({ name: 'file', ok: false, message: messageOf(error) });
        return result();
      }
      try {
        const { plan, problems, rows } = await open(loaded);
        try {
          const problemFor = (check: HeaderProblem['check']) =>
            problems.filter((problem) => problem.check === check);
          const format = problemFor('format');
          checks.push(
            format.length > 0 || !plan
              ? { name: 'columns', ok: false, message: format.map((p) => p.message).join('; ') }
              : {
                  name: 'columns',
                  ok: true,
                  message: `${plan.headers.filter(Boolean).length} columns: ${plan.headers.filter(Boolean).join(', ')}.`,
                }
          );
          if (!plan || format.length > 0) return result();
          const match = problemFor('match');
          checks.push(
            match.length > 0
              ? { name: 'match column', ok: false, message: match.map((p) => p.message).join('; ') }
              : {
                  name: 'match column',
                  ok: true,
                  message: `The match column '${plan.headers[plan.match]}' is present.`,
                }
          );
          const required = problemFor('required');
          checks.push(
            required.length > 0
              ? {
                  name: 'required fields',
                  ok: false,
                  message: required.map((p) => p.message).join('; '),
                }
              : {
                  name: 'required fields',
                  ok: true,
                  message: `Columns for ${['username', ...CSV_REQUIRED_FIELDS].join(', ')} are present; passwords come from ${plan.password !== null ? 'the password column' : 'the default password'}.`,
                }
          );
        } finally {
          await rows.return(undefined);
        }
        if (problems.length > 0) {
          const count = await countRows(loaded, false);
          checks.push({ name: 'rows', ok: count > 0, message: `${count} rows.` });
          return result();
        }
        let users = 0;
        const skips: SkippedRecord[] = [];
        for await (const outcome of readRows(loaded)) {
          if (outcome.user) users += 1;
          else skips.push(outcome.skip);
        }
        const examples = skips
          .slice(0, 3)
          .map((skip) => `${skip.origin}: ${skip.reason}`)
          .join('; ');
        checks.push({
          name: 'rows',
          ok: users > 0,
          message:
            skips.length === 0
              ? `${users} rows, all usable.`
              : `${users + skips.length} rows: ${users} usable, ${skips.length} would be skipped (${examples}${skips.length > 3 ? '; ...' : ''}).`,
        });
      } catch (error) {
        checks.push({ name: 'rows', ok: false, message: messageOf(error) });
      }
      return result();
    },

    async *listGroups(search?: string) {
      const { plan, problems, rows } = await open(await requireFile());
      const groups = new Map<string, string[]>();
      try {
        const format = problems.find((problem) => problem.check === 'format');
        if (format) throw new StopSyncError(format.code, format.message);
        if (!plan) throw new StopSyncError('csv-no-header', 'the file has no header row');
        if (plan.groups === null) return;
        for await (const { fields } of rows) {
          if (fields.length !== plan.headers.length) continue;
          for (const name of splitGroups(fields[plan.groups]?.trim() || null)) groups.set(name, []);
        }
      } finally {
        await rows.return(undefined);
      }
      yield* groupPages(groups, search);
    },

    async *listSyncGroups() {
      const groups = new Map<string, string[]>();
      for await (const outcome of readRows(await requireFile())) {
        if (!outcome.user) continue;
        for (const name of outcome.user.groupExternalIds) {
          const members = groups.get(name);
          if (members) members.push(outcome.user.externalId);
          else groups.set(name, [outcome.user.externalId]);
        }
      }
      yield* groupPages(groups);
    },

    async *listUsers() {
      const started = Date.now();
      const skips: SkippedRecord[] = [];
      skippedRecords = skips;
      let page: DirectoryUser[] = [];
      let users = 0;
      for await (const outcome of readRows(await requireFile())) {
        if (!outcome.user) {
          skips.push(outcome.skip);
          continue;
        }
        users += 1;
        page.push(outcome.user);
        if (page.length >= USER_PAGE) {
          if (context.signal?.aborted) throw new CancelledError();
          yield page;
          page = [];
        }
      }
      if (users === 0) {
        const [first] = skips;
        throw new StopSyncError(
          'csv-no-valid-rows',
          `none of the ${skips.length} rows can be used (${first?.origin}: ${first?.reason}): refusing to sync, which would disable everyone`
        );
      }
      if (page.length > 0) yield page;
      context.log.info(
        `CSV: read ${users} users (${skips.length} rows skipped) from ${describeSource()} in ${Date.now() - started} ms`
      );
    },

    async countUsers() {
      const loaded = await load(true);
      if (!loaded) return null;
      if (rowCount === null) rowCount = await countRows(loaded, true);
      return rowCount;
    },

    nextState() {
      if (file) {
        return { etag: file.etag, lastModified: file.lastModified, fingerprint: file.sha256 };
      }
      if (notModified) {
        return {
          etag: notModified.etag,
          lastModified: previous.lastModified,
          fingerprint: previous.fingerprint,
        };
      }
      return null;
    },

    fingerprint() {
      return file?.sha256 ?? (notModified ? previous.fingerprint : null);
    },

    unchanged() {
      if (file) return previous.fingerprint !== null && file.sha256 === previous.fingerprint;
      return notModified !== null;
    },

    skipped() {
      return skippedRecords;
    },

    async close() {
      const directories = tempDirectories.splice(0);
      file = null;
      await Promise.all(directories.map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };

  return provider;
}) satisfies ProviderFactory<CsvConnection>;

const messageOf = (error: unknown): string => describeError(error).message;
