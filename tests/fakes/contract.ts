/**
 * The faults of the provider contract (tests/unit/contract) and of `npm run faults`, in one
 * vocabulary, and how each fake produces them at page N of a full run or of a delta round. Every
 * fake queues them on the shared FaultQueue (tests/fakes/faults.ts).
 *
 * A "page" is one request of the listing the phase reads: Graph full runs: the `/users/delta`
 * pages; Graph delta rounds: every delta page and `$batch` request of the round (a refusal goes to
 * one `$batch` item, a malformed record to the first user changes page); Okta full runs: the group member pages; Okta delta rounds: every management
 * API request of the round; CSV: the file is one request, so a page is a slice of its body (a cut
 * there, or a malformed row there; the other faults hit the one request).
 */
import type { CsvFileServer } from './csv/server';
import type { GraphFake } from './graph';
import type { OktaFake } from './okta';

export const CONTRACT_FAULTS = [
  'throttle',
  'server-error',
  'timeout',
  'truncated',
  'refused',
  'token-expired',
  'malformed',
] as const;

export type ContractFault = (typeof CONTRACT_FAULTS)[number];

export type Phase = 'full' | 'delta';

/** What each fault is, in words (docs/RELIABILITY.md and the test names). */
export const FAULT_LABELS: Record<ContractFault, string> = {
  throttle: '429 with a fractional Retry-After (Okta: X-Rate-Limit-Reset)',
  'server-error': 'a 500 mid-enumeration',
  timeout: 'a timeout (the answer comes after the request timeout)',
  truncated: 'a truncated body (the connection drops half way through it)',
  refused: 'a 4xx on one page (Graph delta: on one $batch item)',
  'token-expired': 'the access token expires mid-run',
  malformed: 'a malformed record (fields of the wrong types)',
};

/** A fault queued, or the reason it does not apply to this source. */
export type Injected = { ok: true } | { ok: false; why: string };

export type FaultInjector = {
  /** Queues `fault` for page `page` (1-based) of the listing `phase` reads. */
  inject(fault: ContractFault, phase: Phase, page: number): Injected;
  /** A 500 (CSV: a 503) on every request of the phase until cleared: retries run out. */
  injectPersistent(phase: Phase): Injected;
  /** True when every queued fault was served (the fault really happened). */
  fired(): boolean;
  /** How many pages (requests of the phase's listing) the fake served since the last reset. */
  pagesServed(phase: Phase): number;
  /** Forgets the request log (before counting the pages of a clean run). */
  resetLog(): void;
  clear(): void;
};

const ok: Injected = { ok: true };
const notApplicable = (why: string): Injected => ({ ok: false, why });

/** Graph paths by phase: what a page is. */
const GRAPH_PAGES: Record<Phase, RegExp> = {
  full: /^\/v1\.0\/users\/delta/,
  delta: /^\/v1\.0\/((users|groups)\/delta|\$batch)/,
};

/** `timeoutMs`: the provider's request timeout, so that a slow answer times out. */
export const graphInjector = (fake: GraphFake, options: { timeoutMs: number }): FaultInjector => {
  const at = (phase: Phase, page: number) => ({ path: GRAPH_PAGES[phase], skip: page - 1 });
  return {
    inject(fault, phase, page) {
      const where = at(phase, page);
      switch (fault) {
        case 'throttle':
          fake.inject({ kind: 429, retryAfter: '0.05', ...where });
          return ok;
        case 'server-error':
          fake.inject({ kind: 500, ...where });
          return ok;
        case 'timeout':
          fake.inject({ kind: 'slow', delayMs: options.timeoutMs * 3, ...where });
          return ok;
        case 'truncated':
          fake.inject({ kind: 'truncate', ...where });
          return ok;
        case 'refused':
          // A delta round reads memberships through $batch: one item is refused.
          fake.inject(
            phase === 'delta'
              ? { kind: 400, path: '/transitiveMemberOf', skip: page - 1 }
              : { kind: 400, ...where }
          );
          return ok;
        case 'token-expired':
          fake.inject({ kind: 'expire-token', ...where });
          return ok;
        case 'malformed':
          // A delta round's user records all come on its user changes page(s): the first one.
          fake.inject(
            phase === 'full'
              ? { kind: 'malformed', ...where }
              : { kind: 'malformed', path: /^\/v1\.0\/users\/delta/ }
          );
          return ok;
      }
    },
    injectPersistent(phase) {
      fake.inject({ kind: 500, path: GRAPH_PAGES[phase], times: Infinity });
      return ok;
    },
    fired: () => fake.faults.pending() === 0,
    pagesServed: (phase) =>
      fake.log.count((entry) => !entry.batched && GRAPH_PAGES[phase].test(entry.path)),
    resetLog: () => fake.log.reset(),
    clear: () => fake.clearFaults(),
  };
};

const OKTA_PAGES: Record<Phase, RegExp> = {
  full: /^\/api\/v1\/groups\/[^/]+\/users$/,
  delta: /^\/api\/v1\//,
};

/** The Okta fake in OAuth mode (an expiring access token needs one); `timeoutMs` as for Graph. */
export const oktaInjector = (fake: OktaFake, options: { timeoutMs: number }): FaultInjector => {
  const at = (phase: Phase, page: number) => ({ path: OKTA_PAGES[phase], skip: page - 1 });
  return {
    inject(fault, phase, page) {
      const where = at(phase, page);
      switch (fault) {
        case 'throttle':
          fake.failNext(1, { kind: '429', resetSeconds: 1 }, where);
          return ok;
        case 'server-error':
          fake.failNext(1, '500', where);
          return ok;
        case 'timeout':
          fake.failNext(1, { kind: 'slow', delayMs: options.timeoutMs * 3 }, where);
          return ok;
        case 'truncated':
          fake.failNext(1, 'cut', where);
          return ok;
        case 'refused':
          fake.failNext(1, '400', where);
          return ok;
        case 'token-expired':
          fake.failNext(1, 'expire-token', where);
          return ok;
        case 'malformed':
          fake.failNext(1, 'malformed', where);
          return ok;
      }
    },
    injectPersistent(phase) {
      fake.failNext(Infinity, '500', { path: OKTA_PAGES[phase] });
      return ok;
    },
    fired: () => fake.pendingFaults() === 0,
    pagesServed: (phase) =>
      fake.requests.filter((entry) => OKTA_PAGES[phase].test(entry.path)).length,
    resetLog: () => fake.clearRequests(),
    clear: () => fake.clearFaults(),
  };
};

/**
 * The CSV file server: `content()` is the file at `path` now, read in `pages` slices (the
 * provider's pages of rows).
 */
export const csvInjector = (
  server: CsvFileServer,
  file: { path: string; content: () => string; pages: number; timeoutMs: number }
): FaultInjector => {
  let malformed = false;
  return {
    inject(fault, phase, page) {
      if (phase === 'delta')
        return notApplicable('a CSV file has no delta: every run reads it all');
      const first = page === 1;
      const onePage = notApplicable('the file is one request: this fault hits page 1 only');
      switch (fault) {
        case 'throttle':
          if (!first) return onePage;
          server.inject({ kind: 'status', status: 429, retryAfter: '0.05' }, { path: file.path });
          return ok;
        case 'server-error':
          if (!first) return onePage;
          server.inject({ kind: 'status', status: 500 }, { path: file.path });
          return ok;
        case 'timeout':
          if (!first) return onePage;
          server.inject({ kind: 'slow', delayMs: file.timeoutMs * 3 }, { path: file.path });
          return ok;
        case 'truncated': {
          const bytes = Buffer.byteLength(file.content());
          const afterBytes = Math.floor((bytes * (page - 0.5)) / file.pages);
          server.inject({ kind: 'cut', afterBytes }, { path: file.path });
          return ok;
        }
        case 'refused':
          if (!first) return onePage;
          server.inject({ kind: 'status', status: 403 }, { path: file.path });
          return ok;
        case 'token-expired':
          return notApplicable('basic auth is sent with the one request: there is no token');
        case 'malformed': {
          // The first row of the page gets an email that is not one.
          const lines = file.content().split('\n');
          const rows = lines.filter(Boolean).length - 1;
          const line = 1 + Math.min(rows - 1, Math.floor(((page - 1) * rows) / file.pages));
          const changed = [...lines];
          changed[line] = malformRow(lines[line]);
          server.setFile(file.path, changed.join('\n'));
          malformed = true;
          return ok;
        }
      }
    },
    injectPersistent(phase) {
      if (phase === 'delta') return notApplicable('a CSV file has no delta');
      server.setFault(file.path, { kind: 'status', status: 503 });
      return ok;
    },
    fired: () => server.pendingFaults() === 0,
    pagesServed: () => server.requests.filter((entry) => entry.path === file.path).length,
    resetLog: () => {
      server.requests.length = 0;
    },
    clear: () => {
      server.clearFaults();
      if (malformed) server.setFile(file.path, file.content());
      malformed = false;
    },
  };
};

/** A CSV row whose email is not an email any more (the source leaves the row out, naming it). */
const malformRow = (row: string): string => row.replace(/[^,"]+@[^,"]+/, 'not-an-email');
