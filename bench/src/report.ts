/**
 * The results file, the console table, the targets and the generated part of docs/PERFORMANCE.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DbKind, PhaseSpan, SegmentSummary, StatementKind } from './protocol';

export type Scenario =
  'graph-full' | 'graph-nochange' | 'graph-1pct' | 'csv-full' | 'floor' | 'naive';

export type ResultEntry = {
  scenario: Scenario;
  /** Users processed (naive: users actually created, see extrapolatedSeconds). */
  users: number;
  seconds: number;
  usersPerSecond: number;
  peakRssMB: number;
  statements: number;
  correct: boolean;
  /** People in the generated organisation (the directory size of this round). */
  size: number;
  userWrites: number;
  cpuSeconds: number;
  sqlSeconds: number;
  /** CPU the fake servers (orchestrator process) spent meanwhile. */
  fakeCpuSeconds: number;
  startRssMB: number;
  peakHeapMB: number;
  /** Median one-row commit time when this round's Strapi booted (disk contention). */
  commitMs: number;
  marks: Record<string, number>;
  segments: SegmentSummary[];
  counts?: Record<string, number>;
  mode?: string;
  phases: PhaseSpan[];
  roleWindow: { from: number; to: number; count: number } | null;
  top: StatementKind[];
  problems: string[];
  /** naive: the time it would take for the whole directory at the measured rate. */
  extrapolatedSeconds?: number;
  notes?: string;
};

export type Target = { name: string; value: string; met: boolean };

/** The code measured: the commit, and whether the measured files differed from it. */
export type PluginProvenance = {
  /** The commit (40 hex digits; 7 in files before 2026-12-01), or 'unknown'. */
  commit: string;
  /** Uncommitted changes or untracked files in the measured paths (bench/src/harness.ts). */
  dirty?: boolean;
  /** sha256 of `git diff HEAD` of those paths and of the untracked files' contents, when dirty. */
  diffSha256?: string | null;
  /** `git status --porcelain` lines of the changes. */
  changes?: string[];
  /** Files before 2026-12-01: whether server/src alone differed from the commit. */
  serverSrcChanged?: boolean;
};

/** One step of the orchestrator (this process: fakes and checks), and its memory after it. */
export type OrchestratorStage = {
  name: string;
  size: number;
  seconds: number;
  rssMB: number;
  heapMB: number;
};

export type ResultsFile = {
  db: DbKind;
  date: string;
  /** ISO time the run started (files before 2026-12-01 have the date only). */
  startedAt?: string;
  quick: boolean;
  /** A `--sizes 1000000` run, judged against the million's targets. */
  million?: boolean;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGB: number;
    node: string;
    strapi: string;
    platform: string;
    database: string;
    loadAverageAtStart: number[];
  };
  /** Absent from the oldest files: then no commit reproduces them. */
  plugin?: PluginProvenance;
  /** The orchestrator's heap limit, peak RSS and its steps (files from 2026-12-01). */
  orchestrator?: { heapLimitMB: number; peakRssMB: number; stages: OrchestratorStage[] };
  /** `--strapi-heap`: the Strapi process ran with `--max-old-space-size` of this many MB. */
  strapiHeapMB?: number;
  results: ResultEntry[];
  ratios: { size: number; oursOverFloor: number | null; naiveOverOurs: number | null }[];
  /** setFor: the size the targets are set for (100,000 or 1,000,000; older files: absent). */
  targets: { size: number; setFor?: number; list: Target[] };
  totalSeconds: number;
};

/** Whether a commit reproduces the file's figures, and how the page says so. */
export const provenance = (file: ResultsFile): { reproducible: boolean; text: string } => {
  const plugin = file.plugin;
  if (!plugin || plugin.commit === 'unknown')
    return { reproducible: false, text: 'commit not recorded, not reproducible from a commit' };
  const commit = plugin.commit.slice(0, 7);
  if (plugin.dirty)
    return {
      reproducible: false,
      text: `${commit} with uncommitted changes (diff sha256 ${plugin.diffSha256?.slice(0, 8) ?? 'not recorded'}…), not reproducible from a commit`,
    };
  if (plugin.serverSrcChanged)
    return {
      reproducible: false,
      text: `${commit} with uncommitted changes in server/src (no diff recorded), not reproducible from a commit`,
    };
  return { reproducible: true, text: commit };
};

const fmt = (value: number, digits = 1) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (value: number) => Math.round(value).toLocaleString('en-US');

export const ratiosOf = (results: ResultEntry[]) => {
  const sizes = [...new Set(results.map((r) => r.size))].sort((a, b) => a - b);
  return sizes.map((size) => {
    const at = (scenario: Scenario) =>
      results.find((r) => r.size === size && r.scenario === scenario);
    const full = at('graph-full');
    const floor = at('floor');
    const naive = at('naive');
    return {
      size,
      oursOverFloor: full && floor ? round2(full.seconds / floor.seconds) : null,
      naiveOverOurs:
        full && naive?.extrapolatedSeconds
          ? round2(naive.extrapolatedSeconds / full.seconds)
          : null,
    };
  });
};

const round2 = (value: number) => Math.round(value * 100) / 100;

/** The targets, judged at the largest size measured: the million's from 1,000,000 on. */
export const judge = (results: ResultEntry[]): { size: number; setFor: number; list: Target[] } => {
  const size = Math.max(...results.map((r) => r.size));
  const setFor = size >= 1_000_000 ? 1_000_000 : 100_000;
  const at = (scenario: Scenario) =>
    results.find((r) => r.size === size && r.scenario === scenario);
  const full = at('graph-full');
  const floor = at('floor');
  const quiet = at('graph-nochange');
  const changed = at('graph-1pct');
  const csv = at('csv-full');
  const naive = at('naive');
  const ours = results.filter((r) => r.scenario.startsWith('graph-') || r.scenario === 'csv-full');
  const peak = Math.max(0, ...ours.map((r) => r.peakRssMB));
  const list: Target[] = [];
  const add = (name: string, value: string, met: boolean) => list.push({ name, value, met });
  const quietValue = (r: ResultEntry) => `${fmt(r.seconds)} s, ${r.userWrites} user writes`;
  if (setFor === 1_000_000) {
    if (full)
      add('Entra ID full sync ≤ 10 min', `${fmt(full.seconds / 60)} min`, full.seconds <= 600);
    if (quiet)
      add(
        'No-change run ≤ 30 s with zero user writes',
        quietValue(quiet),
        quiet.seconds <= 30 && quiet.userWrites === 0
      );
    if (changed) add('1 % changed ≤ 60 s', `${fmt(changed.seconds)} s`, changed.seconds <= 60);
    add('Peak RSS ≤ 1 GB', `${int(peak)} MB`, peak <= 1024);
  } else {
    if (full) add('Entra ID full sync ≤ 60 s', `${fmt(full.seconds)} s`, full.seconds <= 60);
    if (full && floor) {
      const ratio = full.seconds / floor.seconds;
      add('Full sync within 2x of the floor', `${fmt(ratio, 2)}x`, ratio <= 2);
    }
    if (quiet)
      add(
        'No-change run ≤ 5 s with zero user writes',
        quietValue(quiet),
        quiet.seconds <= 5 && quiet.userWrites === 0
      );
    if (changed) add('1 % changed ≤ 10 s', `${fmt(changed.seconds)} s`, changed.seconds <= 10);
    if (csv) add('CSV full sync ≤ 30 s', `${fmt(csv.seconds)} s`, csv.seconds <= 30);
    add('Peak RSS ≤ 512 MB', `${int(peak)} MB`, peak <= 512);
    if (full && naive?.extrapolatedSeconds) {
      const ratio = naive.extrapolatedSeconds / full.seconds;
      add('≥ 30x faster than naive', `${fmt(ratio)}x`, ratio >= 30);
    }
  }
  const wrong = results.filter((r) => !r.correct);
  add(
    'Every run syncs the right users, roles, blocked flags',
    wrong.length ? wrong.map((r) => `${r.scenario}@${r.size}`).join(', ') : 'all correct',
    wrong.length === 0
  );
  return { size, setFor, list };
};

/** The scenarios whose peak RSS growth is reported. */
const GROWTH_SCENARIOS: Scenario[] = ['graph-full', 'graph-nochange', 'graph-1pct', 'csv-full'];

export type GrowthRow = {
  scenario: Scenario;
  size: number;
  fromMB: number;
  toMB: number;
  mbPer100k: number;
};

/**
 * Peak RSS growth per 100,000 users from 100,000 to the largest size above it, per scenario: from
 * the same results when they hold 100,000, else from `baseline` (another run's results).
 */
export const growthOf = (results: ResultEntry[], baseline: ResultEntry[]): GrowthRow[] => {
  const size = Math.max(...results.map((r) => r.size));
  if (size <= 100_000) return [];
  const from = results.some((r) => r.size === 100_000) ? results : baseline;
  return GROWTH_SCENARIOS.flatMap((scenario) => {
    const low = from.find((r) => r.size === 100_000 && r.scenario === scenario);
    const high = results.find((r) => r.size === size && r.scenario === scenario);
    if (!low || !high) return [];
    const mbPer100k = (high.peakRssMB - low.peakRssMB) / ((size - 100_000) / 100_000);
    return [
      {
        scenario,
        size,
        fromMB: low.peakRssMB,
        toMB: high.peakRssMB,
        mbPer100k: Math.round(mbPer100k * 10) / 10,
      },
    ];
  });
};

const TABLE_HEAD = [
  'size',
  'scenario',
  'users',
  'seconds',
  'users/s',
  'peak RSS MB',
  'statements',
  'user writes',
  'correct',
];

const tableRows = (results: ResultEntry[]) =>
  results.map((r) => [
    int(r.size),
    r.scenario,
    int(r.users),
    r.scenario === 'naive' && r.extrapolatedSeconds
      ? `${fmt(r.seconds)} (${int(r.extrapolatedSeconds)} for ${int(r.size)})`
      : fmt(r.seconds),
    int(r.usersPerSecond),
    int(r.peakRssMB),
    int(r.statements),
    int(r.userWrites),
    r.correct ? 'yes' : 'NO',
  ]);

/** A plain-text table for the console. */
export const consoleTable = (results: ResultEntry[]) => {
  const rows = [TABLE_HEAD, ...tableRows(results)];
  const widths = TABLE_HEAD.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) =>
      row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')
    )
    .join('\n');
};

/** A markdown table: the first `left` columns aligned left, the figures right. */
const markdownTable = (head: string[], rows: string[][], left = 2) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i < left ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

const phaseText = (r: ResultEntry) =>
  r.phases
    .filter((p) => p.seconds >= 0.05)
    .map((p) => `${p.phase} ${fmt(p.seconds)}`)
    .join(', ');

/** `2026-12-01 14:05 UTC, 1a2b3c4` (with `, uncommitted changes` when no commit reproduces it). */
const runLabel = (file: ResultsFile) => {
  const when = file.startedAt
    ? `${file.startedAt.slice(0, 10)} ${file.startedAt.slice(11, 16)} UTC`
    : file.date;
  const { reproducible } = provenance(file);
  const commit = file.plugin?.commit && file.plugin.commit !== 'unknown' ? file.plugin.commit : '';
  const what = commit
    ? `${commit.slice(0, 7)}${reproducible ? '' : ', uncommitted changes'}`
    : 'no commit recorded';
  return `${when}, ${what}`;
};

/**
 * The targets of the newest run beside the ones of the run before it (same database and kind):
 * measured (run N-1), measured (run N), met (run N).
 */
const targetsTable = (file: ResultsFile, previous: ResultsFile | null) => {
  const columnFor = (run: ResultsFile) =>
    `measured ${runLabel(run)}${run.targets.size === file.targets.size ? '' : ` at ${int(run.targets.size)}`}`;
  const names = [
    ...file.targets.list.map((t) => t.name),
    ...(previous?.targets.list.map((t) => t.name) ?? []),
  ].filter((name, i, all) => all.indexOf(name) === i);
  const valueOf = (run: ResultsFile, name: string) =>
    run.targets.list.find((t) => t.name === name)?.value ?? '-';
  const metOf = (name: string) => {
    const target = file.targets.list.find((t) => t.name === name);
    return target ? (target.met ? 'met' : '**not met**') : '-';
  };
  return markdownTable(
    ['target', ...(previous ? [columnFor(previous)] : []), columnFor(file), 'met'],
    names.map((name) => [
      name,
      ...(previous ? [valueOf(previous, name)] : []),
      valueOf(file, name),
      metOf(name),
    ]),
    1
  );
};

const kindTitle = (file: ResultsFile) =>
  `${file.db === 'sqlite' ? 'SQLite' : 'PostgreSQL'}${file.quick ? ' (quick: 1,000 and 10,000)' : file.million ? ' (a million people)' : ''}`;

/** The generated section for the newest results file of a kind, beside the one before it. */
export const markdownSection = (
  file: ResultsFile,
  name: string,
  previous: { file: ResultsFile; name: string } | null = null,
  baseline: { file: ResultsFile; name: string } | null = null
) => {
  const { machine } = file;
  const { reproducible, text: measuredOn } = provenance(file);
  const setFor = file.targets.setFor ?? 100_000;
  const lines = [
    `### ${kindTitle(file)} — ${file.date}${reproducible ? '' : ' (not reproducible from a commit)'}`,
    '',
    `From \`bench/results/${name}\`. ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, ` +
      `${machine.platform}, Node ${machine.node}, Strapi ${machine.strapi}, ${machine.database}. ` +
      `Load average at start: ${machine.loadAverageAtStart.map((v) => fmt(v, 2)).join(' / ')}. ` +
      `Plugin at ${measuredOn}. ` +
      `Whole benchmark: ${int(file.totalSeconds)} s.` +
      (file.orchestrator
        ? ` The orchestrator (fakes and checks) peaked at ${int(file.orchestrator.peakRssMB)} MB RSS (heap limit ${int(file.orchestrator.heapLimitMB)} MB).`
        : ''),
    '',
    markdownTable(TABLE_HEAD, tableRows(file.results)),
    '',
    'Ratios (wall time): ' +
      file.ratios
        .map(
          (r) =>
            `${int(r.size)}: ours / floor ${r.oursOverFloor === null ? 'n/a' : `${fmt(r.oursOverFloor, 2)}x`}, ` +
            `naive / ours ${r.naiveOverOurs === null ? 'n/a' : `${fmt(r.naiveOverOurs)}x`}`
        )
        .join('; ') +
      '.',
    '',
    `Targets at ${int(file.targets.size)} users${file.targets.size !== setFor ? ` (the targets are set for ${int(setFor)}: indicative only)` : ''}` +
      (previous
        ? `, beside the run before (\`bench/results/${previous.name}\`${provenance(previous.file).reproducible ? '' : ', not reproducible from a commit'})`
        : '') +
      ':',
    '',
    targetsTable(file, previous?.file ?? null),
    '',
    ...growthSection(file, baseline),
    'Where the time goes (runner phases from its own progress updates; SQL = time inside statements; CPU of the Strapi process):',
    '',
    markdownTable(
      [
        'size',
        'scenario',
        'phases (s)',
        'SQL s',
        'CPU s',
        'fake CPU s',
        'commit ms',
        'heaviest statements (count, SQL s)',
      ],
      file.results
        .filter((r) => r.scenario !== 'naive' || r.top.length)
        .map((r) => [
          int(r.size),
          r.scenario,
          phaseText(r) || '-',
          fmt(r.sqlSeconds),
          fmt(r.cpuSeconds),
          fmt(r.fakeCpuSeconds),
          r.commitMs === undefined ? '-' : fmt(r.commitMs, 2),
          r.top
            .slice(0, 4)
            .map((k) => `${k.kind} ${int(k.count)}, ${fmt(k.sqlSeconds)}`)
            .join('; '),
        ])
    ),
  ];
  const largest = Math.max(...file.results.map((r) => r.size));
  const stages = (file.orchestrator?.stages ?? []).filter(
    (stage) => stage.size === 0 || stage.size === largest
  );
  if (stages.length)
    lines.push(
      '',
      `The orchestrator's steps at ${int(largest)} (seconds, then its own RSS and heap in MB after each):`,
      '',
      markdownTable(
        ['size', 'step', 'seconds', 'RSS MB', 'heap MB'],
        stages.map((stage) => [
          stage.size ? int(stage.size) : '-',
          stage.name,
          fmt(stage.seconds),
          int(stage.rssMB),
          int(stage.heapMB),
        ])
      )
    );
  const wrong = file.results.filter((r) => !r.correct);
  if (wrong.length) {
    lines.push('', 'Correctness problems:', '');
    for (const r of wrong)
      lines.push(`- ${r.scenario} at ${int(r.size)}: ${r.problems.join('; ')}`);
  }
  return lines.join('\n');
};

const BEGIN =
  '<!-- bench:results:begin (generated by npm run bench; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';

/** The peak RSS growth per 100,000 users, when the file goes beyond 100,000. */
const growthSection = (file: ResultsFile, baseline: { file: ResultsFile; name: string } | null) => {
  const own = file.results.some((r) => r.size === 100_000);
  const rows = growthOf(file.results, own ? [] : (baseline?.file.results ?? []));
  if (!rows.length) return [];
  const source = own
    ? 'both from this run'
    : `100,000 from \`bench/results/${baseline?.name}\` (${baseline ? runLabel(baseline.file) : ''})`;
  return [
    `Peak RSS growth per 100,000 users (${source}):`,
    '',
    markdownTable(
      [
        'scenario',
        'peak RSS MB at 100,000',
        `peak RSS MB at ${int(rows[0].size)}`,
        'MB per 100,000 users',
      ],
      rows.map((row) => [row.scenario, int(row.fromMB), int(row.toMB), fmt(row.mbPer100k)]),
      1
    ),
    '',
  ];
};

/** `2026-12-01-postgres-million-2.json` -> its parts; null for other files (partial, faults...). */
const RESULTS_NAME =
  /^(\d{4}-\d{2}-\d{2})-(sqlite|postgres)(?:-(quick|million|partial))?(?:-(\d+))?\.json$/;

const parseName = (name: string) => {
  const match = RESULTS_NAME.exec(name);
  if (!match) return null;
  const [, date, db, kind, n] = match;
  return { date, db, kind: kind ?? 'full', n: Number(n ?? 1) };
};

/** Results file names of the folder, oldest first (by date, then by -N). */
const resultsFiles = (dir: string) =>
  fs
    .readdirSync(dir)
    .flatMap((name) => {
      const parts = parseName(name);
      return parts ? [{ name, ...parts }] : [];
    })
    .sort((a, b) => a.date.localeCompare(b.date) || a.n - b.n);

const readResults = (dir: string, name: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as ResultsFile;

/** `<date>-<db>[-<kind>].json`, or `-2`, `-3`... after it when a run of the day has it already. */
export const resultsFileName = (
  dir: string,
  date: string,
  db: DbKind,
  kind: 'quick' | 'million' | 'partial' | null
) => {
  const base = `${date}-${db}${kind ? `-${kind}` : ''}`;
  let name = `${base}.json`;
  for (let n = 2; fs.existsSync(path.join(dir, name)); n += 1) name = `${base}-${n}.json`;
  return name;
};

/** The newest results of this database (not quick) that measured `size` users. */
export const newestWith = (dir: string, db: DbKind, size: number) => {
  const candidates = resultsFiles(dir)
    .filter((entry) => entry.db === db && entry.kind !== 'quick')
    .reverse();
  for (const { name } of candidates) {
    const file = readResults(dir, name);
    if (file.results.some((r) => r.size === size)) return { name, file };
  }
  return null;
};

/**
 * The generated part of docs/PERFORMANCE.md (markers included, before prettier) from a results
 * folder: per database and kind (full, a million, quick; partial runs are left out), the newest run
 * beside the one before it.
 */
export const generatedSection = (dir: string) => {
  const files = resultsFiles(dir);
  const order = [
    ['sqlite', 'full'],
    ['postgres', 'full'],
    ['postgres', 'million'],
    ['sqlite', 'million'],
    ['sqlite', 'quick'],
    ['postgres', 'quick'],
  ];
  const sections = order.flatMap(([db, kind]) => {
    const runs = files.filter((entry) => entry.db === db && entry.kind === kind);
    if (!runs.length) return [];
    const [before, newest] = runs
      .slice(-2)
      .map(({ name }) => ({ name, file: readResults(dir, name) }));
    const [current, previous] = newest ? [newest, before] : [before, null];
    const baseline = kind === 'million' ? newestWith(dir, db as DbKind, 100_000) : null;
    return [markdownSection(current.file, current.name, previous, baseline)];
  });
  return [BEGIN, '', ...sections.flatMap((section) => [section, '']), END].join('\n');
};

/** Puts the generated part between the markers of the page (or appends it). */
export const spliceGenerated = (page: string, generated: string) => {
  const start = page.indexOf(BEGIN);
  const end = page.indexOf(END);
  return start >= 0 && end > start
    ? page.slice(0, start) + generated + page.slice(end + END.length)
    : `${page || '# Performance\n\nRun `npm run bench` (or `npm run bench -- --quick`).\n'}\n## Results\n\n${generated}\n`;
};

/** Rewrites the generated part of docs/PERFORMANCE.md from bench/results. */
export const writePerformanceDoc = async (root: string) => {
  const doc = path.join(root, 'docs', 'PERFORMANCE.md');
  const current = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '';
  const next = spliceGenerated(current, generatedSection(path.join(root, 'bench', 'results')));
  // Formatted as `npm run lint` (prettier --check) wants it.
  const prettier = require('prettier') as {
    resolveConfig(file: string): Promise<object | null>;
    format(text: string, options: object): Promise<string>;
  };
  const options = (await prettier.resolveConfig(doc)) ?? {};
  fs.writeFileSync(doc, await prettier.format(next, { ...options, parser: 'markdown' }));
};
