/**
 * A fake file server for the CSV source: serves files over HTTPS (or HTTP) with basic auth, ETag,
 * Last-Modified and 304, redirects (same host, or to the other loopback name to prove credentials
 * are dropped), faults (slow, cut, any status) and a log of every request it saw.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FaultQueue, type FaultMatch } from '../faults';

/** What can go wrong with one path. */
export type CsvFileFault =
  | { kind: 'status'; status: number; body?: string; retryAfter?: string }
  /** Waits before answering (headers included). */
  | { kind: 'slow'; delayMs: number }
  /** Sends the headers and `afterBytes` bytes of the body, then destroys the socket. */
  | { kind: 'cut'; afterBytes: number }
  /** Sends the body in `chunkBytes` pieces, `intervalMs` apart. */
  | { kind: 'trickle'; chunkBytes: number; intervalMs: number };

/** One request as the server saw it. */
export type CsvFileRequest = {
  method: string;
  path: string;
  /** The Host header: tells `localhost` and `127.0.0.1` apart. */
  host: string;
  authorization: string | null;
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
  status: number;
};

export type CsvFileServerOptions = {
  /** URL path -> content, e.g. `{ '/people.csv': 'username,email\n...' }`. */
  files?: Record<string, string | Buffer>;
  /** Basic auth demanded on every path but the public ones, when both are set. */
  username?: string;
  password?: string;
  /** Paths served without auth (a pre-signed download link, say). */
  publicPaths?: string[];
  /** Path -> Location (absolute, or relative to the request). Answered with 302 after auth. */
  redirects?: Record<string, string>;
  faults?: Record<string, CsvFileFault>;
  /** HTTPS with tests/fakes/certs/localhost.pem (default true). */
  https?: boolean;
  /** 0 (default): an ephemeral port. */
  port?: number;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Send an ETag (default true) and a Last-Modified (default true). */
  etag?: boolean;
  lastModified?: boolean;
};

export type CsvFileServer = {
  /** `https://localhost:<port>` */
  url: string;
  /** The same server under another host name (`https://127.0.0.1:<port>`): a different origin. */
  otherHostUrl: string;
  port: number;
  /** Every request, in order. */
  requests: CsvFileRequest[];
  /** Adds or replaces a file (a new ETag and Last-Modified). */
  setFile(path: string, content: string | Buffer): void;
  /** A fault for every request of `path` until cleared. */
  setFault(path: string, fault: CsvFileFault | null): void;
  /** A fault for the next matching request(s) only (the fakes' shared fault queue). */
  inject(fault: CsvFileFault, match?: FaultMatch): void;
  clearFaults(): void;
  /** One-shot faults queued and not yet served. */
  pendingFaults(): number;
  setRedirect(path: string, location: string | null): void;
  close(): Promise<void>;
};

type Stored = { content: Buffer; etag: string; lastModified: Date };

const CERTS = join(__dirname, '..', 'certs');

/** Starts the fake file server. */
export const startCsvFileServer = async (
  options: CsvFileServerOptions = {}
): Promise<CsvFileServer> => {
  const files = new Map<string, Stored>();
  const faults = new Map(Object.entries(options.faults ?? {}));
  const queued = new FaultQueue<CsvFileFault>();
  const redirects = new Map(Object.entries(options.redirects ?? {}));
  const publicPaths = new Set(options.publicPaths ?? []);
  const requests: CsvFileRequest[] = [];
  const sendEtag = options.etag ?? true;
  const sendLastModified = options.lastModified ?? true;
  // Distinct Last-Modified seconds for successive versions of a file, so If-Modified-Since works.
  let clock = Math.floor(Date.now() / 1000) * 1000 - 3600_000;

  const setFile = (path: string, content: string | Buffer) => {
    const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const hash = createHash('sha1').update(body).digest('hex').slice(0, 20);
    clock += 1000;
    files.set(path, { content: body, etag: `"${hash}"`, lastModified: new Date(clock) });
  };
  for (const [path, content] of Object.entries(options.files ?? {})) setFile(path, content);

  const expected =
    options.username !== undefined && options.password !== undefined
      ? `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`
      : null;

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const entry: CsvFileRequest = {
      method: req.method ?? 'GET',
      path,
      host: req.headers.host ?? '',
      authorization: req.headers.authorization ?? null,
      ifNoneMatch: header(req.headers['if-none-match']),
      ifModifiedSince: header(req.headers['if-modified-since']),
      status: 0,
    };
    requests.push(entry);
    const answer = (status: number, headers: http.OutgoingHttpHeaders = {}, body?: string) => {
      entry.status = status;
      res.writeHead(status, headers);
      res.end(body);
    };

    if (expected && !publicPaths.has(path) && req.headers.authorization !== expected) {
      answer(401, { 'www-authenticate': 'Basic realm="csv"', 'content-type': 'text/plain' }, 'no');
      return;
    }
    const fault = queued.take(path) ?? faults.get(path);
    if (fault?.kind === 'status') {
      answer(
        fault.status,
        {
          'content-type': 'text/html',
          ...(fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter }),
        },
        fault.body ?? `<h1>${fault.status}</h1>`
      );
      return;
    }
    const serve = () => {
      const location = redirects.get(path);
      if (location) {
        answer(302, { location });
        return;
      }
      const file = files.get(path);
      if (!file) {
        answer(404, { 'content-type': 'text/plain' }, 'not found');
        return;
      }
      const validators: http.OutgoingHttpHeaders = {};
      if (sendEtag) validators.etag = file.etag;
      if (sendLastModified) validators['last-modified'] = file.lastModified.toUTCString();
      if (isNotModified(req, file, sendEtag, sendLastModified)) {
        answer(304, validators);
        return;
      }
      entry.status = 200;
      res.writeHead(200, {
        ...validators,
        'content-type': 'text/csv; charset=utf-8',
        'content-length': file.content.length,
      });
      if (fault?.kind === 'cut') {
        res.write(file.content.subarray(0, fault.afterBytes), () => res.destroy());
      } else if (fault?.kind === 'trickle') {
        trickle(res, file.content, fault.chunkBytes, fault.intervalMs);
      } else {
        res.end(file.content);
      }
    };
    if (fault?.kind === 'slow') {
      const timer = setTimeout(serve, fault.delayMs);
      res.on('close', () => clearTimeout(timer));
    } else serve();
  };

  const server =
    options.https === false
      ? http.createServer(handle)
      : https.createServer(
          {
            cert: readFileSync(join(CERTS, 'localhost.pem')),
            key: readFileSync(join(CERTS, 'localhost-key.pem')),
          },
          handle
        );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const scheme = options.https === false ? 'http' : 'https';

  return {
    url: `${scheme}://localhost:${port}`,
    otherHostUrl: `${scheme}://127.0.0.1:${port}`,
    port,
    requests,
    setFile,
    setFault: (path, fault) => (fault ? faults.set(path, fault) : faults.delete(path)),
    inject: (fault, match) => queued.add(fault, match),
    pendingFaults: () => queued.size(),
    clearFaults: () => {
      queued.clear();
      faults.clear();
    },
    setRedirect: (path, location) =>
      location ? redirects.set(path, location) : redirects.delete(path),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
};

const header = (value: string | string[] | undefined): string | null =>
  (Array.isArray(value) ? value.join(', ') : value) ?? null;

/** RFC 9110: If-None-Match wins over If-Modified-Since. */
const isNotModified = (
  req: http.IncomingMessage,
  file: Stored,
  etag: boolean,
  lastModified: boolean
): boolean => {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch) {
    if (!etag) return false;
    const tags = ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(file.etag);
  }
  const since = req.headers['if-modified-since'];
  if (since && lastModified) {
    const time = Date.parse(since);
    return Number.isFinite(time) && file.lastModified.getTime() <= time;
  }
  return false;
};

const trickle = (
  res: http.ServerResponse,
  body: Buffer,
  chunkBytes: number,
  intervalMs: number
) => {
  let offset = 0;
  const timer = setInterval(() => {
    if (res.destroyed) {
      clearInterval(timer);
      return;
    }
    const chunk = body.subarray(offset, offset + chunkBytes);
    offset += chunk.length;
    if (offset >= body.length) {
      clearInterval(timer);
      res.end(chunk);
    } else res.write(chunk);
  }, intervalMs);
  res.on('close', () => clearInterval(timer));
};
