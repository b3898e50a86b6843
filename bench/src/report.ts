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

export type ResultsFile = {
  db: DbKind;
  date: string;
  quick: boolean;
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
  /** The plugin code measured: the commit, and whether server/src differed from it. */
  plugin: { commit: string; serverSrcChanged: boolean };
  results: ResultEntry[];
  ratios: { size: number; oursOverFloor: number | null; naiveOverOurs: number | null }[];
  targets: { size: number; list: Target[] };
  totalSeconds: number;
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

/** The targets, judged at the largest size measured. */
export const judge = (results: ResultEntry[]): { size: number; list: Target[] } => {
  const size = Math.max(...results.map((r) => r.size));
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
  if (full) add('Entra ID full sync ≤ 60 s', `${fmt(full.seconds)} s`, full.seconds <= 60);
  if (full && floor) {
    const ratio = full.seconds / floor.seconds;
    add('Full sync within 2x of the floor', `${fmt(ratio, 2)}x`, ratio <= 2);
  }
  if (quiet)
    add(
      'No-change run ≤ 5 s with zero user writes',
      `${fmt(quiet.seconds)} s, ${quiet.userWrites} user writes`,
      quiet.seconds <= 5 && quiet.userWrites === 0
    );
  if (changed) add('1 % changed ≤ 10 s', `${fmt(changed.seconds)} s`, changed.seconds <= 10);
  if (csv) add('CSV full sync ≤ 30 s', `${fmt(csv.seconds)} s`, csv.seconds <= 30);
  add('Peak RSS ≤ 512 MB', `${int(peak)} MB`, peak <= 512);
  if (full && naive?.extrapolatedSeconds) {
    const ratio = naive.extrapolatedSeconds / full.seconds;
    add('≥ 30x faster than naive', `${fmt(ratio)}x`, ratio >= 30);
  }
  const wrong = results.filter((r) => !r.correct);
  add(
    'Every run syncs the right users, roles, blocked flags',
    wrong.length ? wrong.map((r) => `${r.scenario}@${r.size}`).join(', ') : 'all correct',
    wrong.length === 0
  );
  return { size, list };
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

const markdownTable = (head: string[], rows: string[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

const phaseText = (r: ResultEntry) =>
  r.phases
    .filter((p) => p.seconds >= 0.05)
    .map((p) => `${p.phase} ${fmt(p.seconds)}`)
    .join(', ');

/** The generated section for one results file. */
export const markdownSection = (file: ResultsFile, name: string) => {
  const { machine } = file;
  const lines = [
    `### ${file.db === 'sqlite' ? 'SQLite' : 'PostgreSQL'}${file.quick ? ' (quick: 1,000 and 10,000)' : ''} — ${file.date}`,
    '',
    `From \`bench/results/${name}\`. ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, ` +
      `${machine.platform}, Node ${machine.node}, Strapi ${machine.strapi}, ${machine.database}. ` +
      `Load average at start: ${machine.loadAverageAtStart.map((v) => fmt(v, 2)).join(' / ')}. ` +
      (file.plugin
        ? `Plugin at ${file.plugin.commit}${file.plugin.serverSrcChanged ? ' with uncommitted changes in server/src' : ''}. `
        : '') +
      `Whole benchmark: ${int(file.totalSeconds)} s.`,
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
    `Targets at ${int(file.targets.size)} users${file.targets.size < 100000 ? ' (the targets are set for 100,000: indicative only)' : ''}:`,
    '',
    markdownTable(
      ['target', 'measured', 'met'],
      file.targets.list.map((t) => [t.name, t.value, t.met ? 'met' : '**not met**'])
    ),
    '',
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

/** Rewrites the generated part of docs/PERFORMANCE.md from the newest results of each kind. */
export const writePerformanceDoc = async (root: string) => {
  const dir = path.join(root, 'bench', 'results');
  const files = fs
    .readdirSync(dir)
    .filter((name) => /^\d{4}-\d{2}-\d{2}-(sqlite|postgres)(-quick)?\.json$/.test(name))
    .sort();
  const newest = new Map<string, string>();
  for (const name of files) newest.set(name.replace(/^\d{4}-\d{2}-\d{2}-/, ''), name);
  const order = ['sqlite.json', 'postgres.json', 'sqlite-quick.json', 'postgres-quick.json'];
  const sections = order
    .filter((key) => newest.has(key))
    .map((key) => {
      const name = newest.get(key) as string;
      const file = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as ResultsFile;
      return markdownSection(file, name);
    });
  const generated = [BEGIN, '', ...sections.flatMap((s) => [s, '']), END].join('\n');
  const doc = path.join(root, 'docs', 'PERFORMANCE.md');
  const current = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '';
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + generated + current.slice(end + END.length)
      : `${current || '# Performance\n\nRun `npm run bench` (or `npm run bench -- --quick`).\n'}\n## Results\n\n${generated}\n`;
  // Formatted as `npm run lint` (prettier --check) wants it.
  const prettier = require('prettier') as {
    resolveConfig(file: string): Promise<object | null>;
    format(text: string, options: object): Promise<string>;
  };
  const options = (await prettier.resolveConfig(doc)) ?? {};
  fs.writeFileSync(doc, await prettier.format(next, { ...options, parser: 'markdown' }));
};
