/**
 * The generated part of docs/PERFORMANCE.md: the latest two runs of a kind side by side, results
 * that no commit reproduces marked as such, the million's targets and growth, and the committed
 * page matching what the committed results give.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  generatedSection,
  growthOf,
  judge,
  resultsFileName,
  spliceGenerated,
  type ResultEntry,
  type ResultsFile,
} from '../../../bench/src/report';

const REPO = path.resolve(__dirname, '..', '..', '..');

const entry = (scenario: ResultEntry['scenario'], size: number, over: Partial<ResultEntry> = {}) =>
  ({
    scenario,
    size,
    users: size,
    seconds: 10,
    usersPerSecond: size / 10,
    peakRssMB: 400,
    statements: 100,
    correct: true,
    userWrites: scenario === 'graph-nochange' ? 0 : 10,
    cpuSeconds: 1,
    sqlSeconds: 1,
    fakeCpuSeconds: 0,
    startRssMB: 250,
    peakHeapMB: 150,
    commitMs: 1,
    marks: {},
    segments: [],
    phases: [],
    roleWindow: null,
    top: [],
    problems: [],
    ...over,
  }) satisfies ResultEntry;

const resultsFile = (over: Partial<ResultsFile> & { results: ResultEntry[] }): ResultsFile => ({
  db: 'sqlite',
  date: '2026-12-01',
  quick: false,
  machine: {
    cpus: 2,
    cpuModel: 'Test CPU',
    memoryGB: 24,
    node: 'v20',
    strapi: '5.54.0',
    platform: 'linux',
    database: 'SQLite 3',
    loadAverageAtStart: [1, 1, 1],
  },
  plugin: { commit: 'a'.repeat(40), dirty: false, diffSha256: null, changes: [] },
  ratios: [],
  targets: judge(over.results),
  totalSeconds: 60,
  ...over,
});

/** A results folder holding these files. */
const site = (files: Record<string, ResultsFile>) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uds-report-'));
  for (const [name, file] of Object.entries(files))
    fs.writeFileSync(path.join(dir, name), JSON.stringify(file));
  return dir;
};

/** The generated part of the page for these results files (markdown before prettier). */
const render = (files: Record<string, ResultsFile>) => {
  const dir = site(files);
  try {
    return generatedSection(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

const hundredK = (seconds: number) => [
  entry('floor', 100000, { seconds: 8 }),
  entry('graph-full', 100000, { seconds }),
  entry('graph-nochange', 100000, { seconds: 1 }),
];

describe('the targets table', () => {
  it('shows the latest two runs of a kind side by side, each headed with its date and commit', () => {
    const doc = render({
      '2026-11-30-sqlite.json': resultsFile({
        date: '2026-11-30',
        plugin: { commit: '1111111'.padEnd(40, '1') },
        results: hundredK(40),
      }),
      '2026-12-01-sqlite.json': resultsFile({
        startedAt: '2026-12-01T09:30:00.000Z',
        plugin: { commit: '2222222'.padEnd(40, '2'), dirty: false },
        results: hundredK(20),
      }),
      '2026-12-01-sqlite-2.json': resultsFile({
        startedAt: '2026-12-01T14:05:00.000Z',
        plugin: { commit: '3333333'.padEnd(40, '3'), dirty: false },
        results: hundredK(12),
      }),
    });
    const head = doc.split('\n').find((line) => line.startsWith('| target'));
    expect(head).toMatch(
      /^\| target +\| +measured 2026-12-01 09:30 UTC, 2222222 +\| +measured 2026-12-01 14:05 UTC, 3333333 +\| +met +\|$/
    );
    expect(doc).toMatch(/\| Entra ID full sync ≤ 60 s +\| +20\.0 s \| +12\.0 s \| +met \|/);
    expect(doc).toMatch(/\| Full sync within 2x of the floor +\| +2\.50x \| +1\.50x \| +met \|/);
    expect(doc).toContain('From `bench/results/2026-12-01-sqlite-2.json`');
    expect(doc).not.toContain('1111111');
  });

  it('shows one column when a kind has one run, and partial runs not at all', () => {
    const doc = render({
      '2026-12-01-postgres.json': resultsFile({ db: 'postgres', results: hundredK(30) }),
      '2026-12-01-postgres-partial.json': resultsFile({ db: 'postgres', results: hundredK(1) }),
    });
    expect(doc.split('\n').find((line) => line.startsWith('| target'))).toMatch(
      /^\| target +\| +measured 2026-12-01, aaaaaaa +\| +met +\|$/
    );
    expect(doc).not.toContain('partial');
  });
});

describe('results no commit reproduces', () => {
  it('a run taken with --dirty says so, with the hash of its diff', () => {
    const doc = render({
      '2026-12-01-sqlite.json': resultsFile({
        plugin: {
          commit: 'b'.repeat(40),
          dirty: true,
          diffSha256: `abcd1234${'0'.repeat(56)}`,
          changes: [' M server/src/sync/apply.ts'],
        },
        results: hundredK(20),
      }),
    });
    expect(doc).toContain('### SQLite — 2026-12-01 (not reproducible from a commit)');
    expect(doc).toContain(
      'Plugin at bbbbbbb with uncommitted changes (diff sha256 abcd1234…), not reproducible from a commit.'
    );
    expect(doc).toContain('measured 2026-12-01, bbbbbbb, uncommitted changes');
  });

  it('older files with server/src changes, or with no commit at all, are marked too', () => {
    const doc = render({
      '2026-11-25-sqlite.json': resultsFile({
        date: '2026-11-25',
        plugin: undefined,
        results: hundredK(60),
      }),
      '2026-11-26-sqlite.json': resultsFile({
        date: '2026-11-26',
        plugin: { commit: '8c7f9d3', serverSrcChanged: true },
        results: hundredK(21),
      }),
    });
    expect(doc).toContain(
      'Plugin at 8c7f9d3 with uncommitted changes in server/src (no diff recorded), not reproducible from a commit.'
    );
    expect(doc).toContain('measured 2026-11-25, no commit recorded');
    expect(doc).toContain('measured 2026-11-26, 8c7f9d3, uncommitted changes');
    expect(doc).toContain('`bench/results/2026-11-25-sqlite.json`, not reproducible from a commit');
  });
});

describe('a million people', () => {
  const million = [
    entry('graph-full', 1000000, { seconds: 540, peakRssMB: 940 }),
    entry('graph-nochange', 1000000, { seconds: 31, peakRssMB: 700 }),
    entry('graph-1pct', 1000000, { seconds: 45, peakRssMB: 760 }),
  ];

  it("is judged against the million's targets", () => {
    const { setFor, list } = judge(million);
    expect(setFor).toBe(1000000);
    expect(list.map((t) => [t.name, t.value, t.met])).toEqual([
      ['Entra ID full sync ≤ 10 min', '9.0 min', true],
      ['No-change run ≤ 30 s with zero user writes', '31.0 s, 0 user writes', false],
      ['1 % changed ≤ 60 s', '45.0 s', true],
      ['Peak RSS ≤ 1 GB', '940 MB', true],
      ['Every run syncs the right users, roles, blocked flags', 'all correct', true],
    ]);
  });

  it('reports the peak RSS growth per 100,000 users from the 100,000 run', () => {
    const baseline = [entry('graph-full', 100000, { peakRssMB: 400 })];
    expect(growthOf(million, baseline)).toEqual([
      { scenario: 'graph-full', size: 1000000, fromMB: 400, toMB: 940, mbPer100k: 60 },
    ]);
    const both = [...million, entry('graph-nochange', 100000, { peakRssMB: 610 })];
    expect(growthOf(both, baseline)).toEqual([
      { scenario: 'graph-nochange', size: 1000000, fromMB: 610, toMB: 700, mbPer100k: 10 },
    ]);
  });

  it('has a section of its own with the growth from the newest 100,000 run of its database', () => {
    const doc = render({
      '2026-12-01-postgres.json': resultsFile({
        db: 'postgres',
        results: [entry('graph-full', 100000, { peakRssMB: 400 })],
      }),
      '2026-12-02-postgres-million.json': resultsFile({
        db: 'postgres',
        date: '2026-12-02',
        million: true,
        results: million,
      }),
    });
    expect(doc).toContain('### PostgreSQL (a million people) — 2026-12-02');
    expect(doc).toContain(
      'Peak RSS growth per 100,000 users (100,000 from `bench/results/2026-12-01-postgres.json`'
    );
    expect(doc).toMatch(/\| graph-full +\| +400 \| +940 \| +60\.0 \|/);
    expect(doc).toMatch(/\| Peak RSS ≤ 1 GB +\| +940 MB \| +met \|/);
  });
});

describe('results file names', () => {
  it('a second run of a kind on the same day does not overwrite the first', () => {
    const dir = site({
      '2026-12-01-postgres-million.json': resultsFile({ results: hundredK(10) }),
    });
    try {
      expect(resultsFileName(dir, '2026-12-01', 'postgres', 'million')).toBe(
        '2026-12-01-postgres-million-2.json'
      );
      expect(resultsFileName(dir, '2026-12-01', 'postgres', null)).toBe('2026-12-01-postgres.json');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

it('the committed page is what the committed results give (npm run bench -- --render)', () => {
  const page = path.join(REPO, 'docs', 'PERFORMANCE.md');
  const committed = fs.readFileSync(page, 'utf8');
  const spliced = spliceGenerated(committed, generatedSection(path.join(REPO, 'bench', 'results')));
  // Prettier as `npm run lint` runs it (its own process: it loads its plugins with import()).
  const formatted = execFileSync(
    path.join(REPO, 'node_modules', '.bin', 'prettier'),
    ['--stdin-filepath', page],
    { cwd: REPO, input: spliced, encoding: 'utf8' }
  );
  expect(formatted).toBe(committed);
});
