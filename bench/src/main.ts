/**
 * npm run bench [-- --quick] [-- --db postgres] [-- --sizes 1000,5000] [-- --strict] [-- --dirty]
 * npm run bench -- --render: only rewrite the generated part of docs/PERFORMANCE.md.
 *
 * Refuses to run (exit 2) when the measured files have uncommitted changes, unless --dirty: then
 * the results record the diff's sha256 and say they are not reproducible from a commit. Builds the
 * plugin, then for each size: a generated organisation (5 % as many groups, a manager tree) behind
 * the fake Entra ID / Graph server, and the same people as a CSV file behind the HTTPS file server,
 * both in this process; the playground's Strapi in a child process on a fresh database, driven
 * through the plugin's real runner. Measures floor, naive, graph-full, graph-nochange, graph-1pct
 * and csv-full, checks every run against the fakes' own data, writes
 * bench/results/<date>-<db>[-quick|-million|-partial][-N].json and the generated part of
 * docs/PERFORMANCE.md. Up to 10,000 users, scim-push: the same people pushed over SCIM
 * (bench/src/scim-push.ts). Exits non-zero when a run synced the wrong thing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { compileStrapi } from '@strapi/strapi';
import { startCsvFileServer } from '../../tests/fakes/csv/server';
import { startGraphFake, type GraphFake } from '../../tests/fakes/graph';
import { generateOrg } from '../../tests/fakes/org';
import { Agent, treeState, type TreeState } from './harness';
import {
  changeOnePercent,
  csvFileOf,
  GraphModel,
  UserComparison,
  type Check,
  type ExpectedUser,
} from './model';
import { certsDir, playgroundDir, repoRoot } from './paths';
import { scimPushRound, type ScimPushResult } from './scim-push';
import type { ProfileSummary } from './profile';
import type { AgentCommands, DbKind, Measurement } from './protocol';
import {
  consoleTable,
  growthOf,
  judge,
  newestWith,
  ratiosOf,
  resultsFileName,
  writePerformanceDoc,
  type OrchestratorStage,
  type ResultEntry,
  type ResultsFile,
  type Scenario,
} from './report';

const NAIVE_USERS = 2000;
const SEED = 2026;

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
};
const quick = flag('quick');
/** --skip floor,naive,csv,graph,scim: leave parts out while investigating (the results are partial). */
const skip = new Set((option('skip') ?? '').split(',').filter(Boolean));
/** Identity links (and their users) per page of the correctness check. */
const CHECK_PAGE = 5000;
const db = (option('db') ?? 'sqlite') as DbKind;
if (db !== 'sqlite' && db !== 'postgres') throw new Error(`--db must be sqlite or postgres`);
const sizes = option('sizes')
  ? (option('sizes') as string).split(',').map(Number)
  : quick
    ? [1000, 10000]
    : [1000, 10000, 100000];

const root = repoRoot();
const logFile = path.join(os.tmpdir(), `uds-bench-${db}-${process.pid}.log`);
const CA = fs.readFileSync(path.join(certsDir(), 'ca.pem'), 'utf8');
const say = (line: string) => process.stdout.write(`${line}\n`);
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const MINUTE = 60_000;
/** How long one measured operation may take before the bench gives up on it (1M: 50 min). */
const runTimeout = (size: number) => ({ timeoutMs: Math.max(10 * MINUTE, size * 3) });
const setupTimeout = { timeoutMs: 10 * MINUTE };

/** This process's own memory (the fakes, the expectations), sampled every half second. */
const orchestrator = {
  peakRssMB: 0,
  stages: [] as OrchestratorStage[],
  sample() {
    this.peakRssMB = Math.max(this.peakRssMB, Math.round(process.memoryUsage.rss() / 1048576));
  },
  /** Times `work` and records this process's memory after it (what holding its result costs). */
  async stage<T>(name: string, size: number, work: () => T | Promise<T>): Promise<T> {
    const started = Date.now();
    const value = await work();
    const memory = process.memoryUsage();
    const stage: OrchestratorStage = {
      name,
      size,
      seconds: (Date.now() - started) / 1000,
      rssMB: Math.round(memory.rss / 1048576),
      heapMB: Math.round(memory.heapUsed / 1048576),
    };
    this.stages.push(stage);
    this.sample();
    say(
      `  ${name}: ${stage.seconds.toFixed(1)} s, this process now ${stage.rssMB} MB RSS (heap ${stage.heapMB} MB)`
    );
    return value;
  },
};

/** The Strapi log lines worth showing while the benchmark runs. */
const relayLine = (line: string) => {
  if (/user-directory-sync\]|Entra ID|CSV|error/i.test(line) && !/run\.(start|finish)/.test(line))
    say(`      | ${line.replace(/^\[[^\]]+\]\s*/, '').slice(0, 220)}`);
};

/** --profile: CPU-profile the runs at the largest size (slower; the figures are marked). */
const profiling = (scenario: Scenario, size: number) =>
  flag('profile') && size === Math.max(...sizes) ? `${scenario}-${size}` : undefined;

const showProfile = (profile: ProfileSummary | undefined) => {
  if (!profile) return;
  say(`      CPU profile (${profile.totalSeconds.toFixed(1)} s sampled): ${profile.file}`);
  say('      self time:');
  for (const entry of profile.self.slice(0, 15))
    say(`        ${entry.seconds.toFixed(2).padStart(6)} s  ${entry.name}`);
  say('      plugin functions, inclusive:');
  for (const entry of profile.plugin.slice(0, 15))
    say(`        ${entry.seconds.toFixed(2).padStart(6)} s  ${entry.name}`);
  for (const heap of profile.heap) {
    say(`      live heap at ${heap.mark} (sampled): ${heap.totalMB} MB`);
    for (const site of heap.sites.slice(0, 10))
      say(`        ${site.MB.toFixed(1).padStart(6)} MB  ${site.name}`);
  }
};

const results: ResultEntry[] = [];
const scimPush: ScimPushResult[] = [];
let failures = 0;

/** Runs an agent call while measuring the CPU this process (the fakes) spends meanwhile. */
const withFakeCpu = async <T>(work: () => Promise<T>) => {
  const before = process.cpuUsage();
  const value = await work();
  const spent = process.cpuUsage(before);
  return { value, fakeCpuSeconds: Math.round((spent.user + spent.system) / 1000) / 1000 };
};

const record = (
  scenario: Scenario,
  size: number,
  users: number,
  measured: Measurement,
  check: Check,
  extra: Partial<ResultEntry> & { fakeCpuSeconds: number }
) => {
  const entry: ResultEntry = {
    scenario,
    users,
    seconds: measured.seconds,
    usersPerSecond: Math.round(users / measured.seconds),
    peakRssMB: measured.peakRssMB,
    statements: measured.statements,
    correct: check.correct,
    size,
    userWrites: measured.userWrites,
    cpuSeconds: measured.cpuSeconds,
    sqlSeconds: measured.sqlSeconds,
    startRssMB: measured.startRssMB,
    peakHeapMB: measured.peakHeapMB,
    commitMs,
    marks: measured.marks,
    segments: measured.segments,
    phases: measured.phases,
    roleWindow: measured.roleWindow,
    top: measured.top,
    problems: check.problems,
    ...extra,
  };
  results.push(entry);
  if (!check.correct) failures += 1;
  const phases = measured.phases
    .filter((p) => p.seconds >= 0.05 && (p.phase !== 'starting' || measured.phases.length > 1))
    .map((p) => `${p.phase} ${p.seconds.toFixed(1)}`)
    .join(', ');
  say(
    `  ${scenario.padEnd(15)} ${int(users).padStart(7)} users  ${measured.seconds.toFixed(2).padStart(7)} s  ` +
      `${int(entry.usersPerSecond).padStart(7)}/s  RSS ${measured.startRssMB} -> peak ${measured.peakRssMB} MB (heap ${measured.peakHeapMB})  ` +
      `${int(measured.statements)} statements (${measured.userWrites} user writes, SQL ${measured.sqlSeconds.toFixed(1)} s, CPU ${measured.cpuSeconds.toFixed(1)} s, fake CPU ${extra.fakeCpuSeconds.toFixed(1)} s)  ` +
      `${check.correct ? 'correct' : 'WRONG'}`
  );
  if (phases) say(`      phases: ${phases}`);
  if (Object.keys(measured.marks).length)
    say(
      `      marks (s from start): ${Object.entries(measured.marks)
        .map(([name, at]) => `${name} ${at.toFixed(1)}`)
        .join(', ')}`
    );
  if (measured.roleWindow)
    say(
      `      roles: ${measured.roleWindow.count} created from ${measured.roleWindow.from.toFixed(1)} s to ${measured.roleWindow.to.toFixed(1)} s`
    );
  if (measured.segments.length > 1 || scenario.startsWith('graph') || scenario === 'csv-full')
    for (const segment of measured.segments)
      say(
        `      ${segment.name.padEnd(5)} ${segment.seconds.toFixed(1).padStart(6)} s, ${int(segment.statements)} statements ` +
          `(${int(segment.commits)} commits), SQL ${segment.sqlSeconds.toFixed(1)} s: ` +
          segment.top.map((k) => `${k.kind} x${k.count} ${k.sqlSeconds.toFixed(2)} s`).join('; ')
      );
  say(
    `      top: ${measured.top
      .slice(0, 5)
      .map((k) => `${k.kind} x${k.count} ${k.sqlSeconds.toFixed(2)} s`)
      .join('; ')}`
  );
  for (const problem of check.problems) say(`      PROBLEM: ${problem}`);
};

/** What a run's own status and counts must say, on top of the database check. */
const runCheck = (
  check: Check,
  run: AgentCommands['run']['result']['run'],
  want: { mode: string; counts?: Record<string, number> }
): Check => {
  const problems = [...check.problems];
  if (run.status !== 'succeeded')
    problems.push(`run ${run.status}: ${run.error?.message ?? 'no message'}`);
  if (run.mode !== want.mode) problems.push(`run mode ${run.mode}, expected ${want.mode}`);
  for (const [name, value] of Object.entries(want.counts ?? {})) {
    if ((run.counts[name] ?? 0) !== value)
      problems.push(`run count ${name} = ${run.counts[name] ?? 0}, expected ${value}`);
  }
  return { correct: problems.length === 0, problems };
};

/**
 * Compares what the database holds with the expectation, a page of identity links at a time, so
 * that the Strapi process never holds the whole directory (its RSS would stay up for the next run's
 * peak). Runs after the run's measurement has stopped.
 */
const storedCheck = async (
  agent: Agent,
  directoryId: number,
  expected: Map<string, ExpectedUser>
): Promise<Check> => {
  const comparison = new UserComparison(expected);
  for (let after = 0; ;) {
    const page = await agent.call(
      'snapshotPage',
      { directoryId, after, limit: CHECK_PAGE },
      setupTimeout
    );
    if (page.last === null) break;
    comparison.add(page.users, page.identities);
    after = page.last;
  }
  return comparison.finish();
};

const graphRound = async (size: number) => {
  say(`\n== ${int(size)} users, ${int(Math.round(size * 0.05))} groups: Entra ID (fake Graph) ==`);
  const fake: GraphFake = await orchestrator.stage(
    'organisation and fake Graph tenant generated',
    size,
    () => startGraphFake({ users: size, groups: Math.max(3, Math.round(size * 0.05)), seed: SEED })
  );
  const model = new GraphModel(fake.store);
  const groupIds = fake.store.listGroups().map((group) => group.id);
  const agent = Agent.start(logFile, relayLine, strapiHeapMB);
  try {
    const boot = await agent.call('boot', { db }, setupTimeout);
    say(
      `  Strapi booted in ${boot.seconds.toFixed(1)} s (${boot.rssMB} MB RSS, ${boot.dbVersion}, one-row commit ${boot.commitMs} ms)`
    );
    databaseVersion = boot.dbVersion;
    commitMs = boot.commitMs;
    const inScope = model.inScopeUsers().length;

    // The floor: plain paging and batch inserts into an empty table.
    if (!skip.has('floor')) await floorRun();
    // The naive way, on an empty table too (the kindest case for it).
    if (!skip.has('naive')) await naiveRun();
    async function floorRun() {
      const floor = await withFakeCpu(() =>
        agent.call(
          'floor',
          {
            graph: {
              url: fake.url,
              tenantId: fake.tenantId,
              clientId: fake.clientId,
              clientSecret: fake.clientSecret,
              ca: CA,
            },
          },
          runTimeout(size)
        )
      );
      const floorCheck: Check =
        floor.value.users === inScope
          ? { correct: true, problems: [] }
          : {
              correct: false,
              problems: [`floor inserted ${floor.value.users}, expected ${inScope}`],
            };
      record('floor', size, floor.value.users, floor.value, floorCheck, {
        fakeCpuSeconds: floor.fakeCpuSeconds,
        notes: `${floor.value.pages} pages, ${floor.value.fetchSeconds.toFixed(1)} s waiting for Graph`,
      });
      await agent.call('clearUsers', {}, setupTimeout);
    }

    async function naiveRun() {
      const naiveUsers = model.plainUsers(Math.min(NAIVE_USERS, inScope));
      const naive = await withFakeCpu(() =>
        agent.call('naive', { users: naiveUsers }, runTimeout(NAIVE_USERS))
      );
      const extrapolatedSeconds = Math.round((naive.value.seconds / naive.value.users) * inScope);
      record(
        'naive',
        size,
        naive.value.users,
        naive.value,
        naive.value.stored === naiveUsers.length && naive.value.linked === naiveUsers.length
          ? { correct: true, problems: [] }
          : {
              correct: false,
              problems: [
                `naive stored ${naive.value.stored} users with ${naive.value.linked} role links, expected ${naiveUsers.length}`,
              ],
            },
        {
          fakeCpuSeconds: naive.fakeCpuSeconds,
          extrapolatedSeconds,
          notes: `extrapolated linearly to ${inScope} users: ${extrapolatedSeconds} s`,
        }
      );
      await agent.call('clearUsers', {}, setupTimeout);
    }

    const { id } = await agent.call(
      'createDirectory',
      {
        body: {
          name: `Bench Entra ID ${size}`,
          type: 'azure',
          connection: {
            tenantId: fake.tenantId,
            clientId: fake.clientId,
            authorityHost: fake.url,
            graphBaseUrl: fake.url,
            caCertificate: CA,
          },
          secrets: { clientSecret: fake.clientSecret },
          userGroups: groupIds,
          groupSync: { mode: 'all' },
        },
      },
      setupTimeout
    );
    const measureRun = async (
      scenario: Scenario,
      want: { mode: string; counts?: Record<string, number> },
      notes?: string
    ) => {
      const measured = await withFakeCpu(() =>
        agent.call('run', { directoryId: id, profile: profiling(scenario, size) }, runTimeout(size))
      );
      showProfile(measured.value.profile);
      const expected = await orchestrator.stage('expected users worked out', size, () =>
        model.expected()
      );
      const stored = await orchestrator.stage('database compared with it, page by page', size, () =>
        storedCheck(agent, id, expected)
      );
      const check = runCheck(stored, measured.value.run, want);
      const extraProblems =
        scenario === 'graph-nochange' && measured.value.userWrites > 0
          ? [`${measured.value.userWrites} writes to user tables in a no-change run`]
          : [];
      const final: Check = {
        correct: check.correct && extraProblems.length === 0,
        problems: [...check.problems, ...extraProblems],
      };
      record(scenario, size, model.inScopeUsers().length, measured.value, final, {
        fakeCpuSeconds: measured.fakeCpuSeconds,
        counts: measured.value.run.counts,
        mode: measured.value.run.mode,
        notes,
      });
    };

    await measureRun('graph-full', { mode: 'full', counts: { created: inScope } });
    await measureRun('graph-nochange', {
      mode: 'delta',
      counts: { created: 0, updated: 0, disabled: 0, enabled: 0 },
    });
    const changes = await orchestrator.stage('1 % changed in the fake', size, () =>
      changeOnePercent(fake.store, model, groupIds)
    );
    say(
      `  changed in the fake: ${changes.attributes} attributes, ${changes.deleted} deleted, ${changes.disabled} disabled, ` +
        `${changes.joinedGroup} joined All Staff, ${changes.leftGroup} left All Staff, ${changes.added} new`
    );
    await measureRun(
      'graph-1pct',
      {
        mode: 'delta',
        counts: { created: changes.added, disabled: changes.deleted + changes.disabled },
      },
      `${changes.changed} users changed: ${JSON.stringify(changes)}`
    );
  } finally {
    await agent.stop();
    await fake.close();
  }
};

const csvRound = async (size: number) => {
  say(`\n== ${int(size)} rows: CSV over HTTPS with basic auth, default password ==`);
  const { body, expected } = await orchestrator.stage(
    'organisation and people.csv generated',
    size,
    () =>
      csvFileOf(
        generateOrg({ users: size, groups: Math.max(3, Math.round(size * 0.05)), seed: SEED })
      )
  );
  const server = await startCsvFileServer({
    files: { '/people.csv': body },
    username: 'hr',
    password: 'hr-secret',
  });
  say(
    `  people.csv: ${int(body.length / 1024)} KB, ${int(size)} rows, ${int(expected.size)} with an email`
  );
  const agent = Agent.start(logFile, relayLine, strapiHeapMB);
  try {
    const boot = await agent.call('boot', { db }, setupTimeout);
    say(
      `  Strapi booted in ${boot.seconds.toFixed(1)} s (${boot.rssMB} MB RSS, one-row commit ${boot.commitMs} ms)`
    );
    commitMs = boot.commitMs;
    const { id } = await agent.call(
      'createDirectory',
      {
        body: {
          name: `Bench CSV ${size}`,
          type: 'csv',
          connection: {
            location: 'remote',
            url: `${server.url}/people.csv`,
            username: 'hr',
            matchField: 'username',
            managerField: 'manager',
            caCertificate: CA,
          },
          secrets: { password: 'hr-secret', defaultPassword: 'Welcome-2026' },
          groupSync: { mode: 'all' },
          // The whole download must arrive within it: a million rows are about 160 MB.
          options: { timeoutMs: 300_000 },
        },
      },
      setupTimeout
    );
    const measured = await withFakeCpu(() =>
      agent.call('run', { directoryId: id, profile: profiling('csv-full', size) }, runTimeout(size))
    );
    showProfile(measured.value.profile);
    const stored = await orchestrator.stage('database compared with it, page by page', size, () =>
      storedCheck(agent, id, expected)
    );
    const check = runCheck(stored, measured.value.run, {
      mode: 'full',
      counts: { created: expected.size },
    });
    record('csv-full', size, size, measured.value, check, {
      fakeCpuSeconds: measured.fakeCpuSeconds,
      counts: measured.value.run.counts,
      mode: measured.value.run.mode,
    });
  } finally {
    await agent.stop();
    await server.close();
  }
};

let databaseVersion = '';
/** The one-row commit time measured when the current Strapi process booted. */
let commitMs = 0;

/** --strapi-heap MB: the Strapi process runs with `--max-old-space-size=MB` (results partial). */
const strapiHeapMB = option('strapi-heap') ? Number(option('strapi-heap')) : undefined;

/** A million people (`--sizes 1000000`): its own kind of results, with the million's targets. */
const million =
  Math.max(...sizes) >= 1_000_000 &&
  !flag('profile') &&
  strapiHeapMB === undefined &&
  [...skip].every((part) => part === 'naive' || part === 'scim');
/**
 * Other sizes, parts left out or a profile: written as -partial, not shown in PERFORMANCE.md. Leaving
 * out only the SCIM push (its own table, about 20 minutes at 10,000 on SQLite) keeps the kind.
 */
const partial =
  !million &&
  (!!option('sizes') ||
    [...skip].some((part) => part !== 'scim') ||
    flag('profile') ||
    strapiHeapMB !== undefined);

const describeTree = (tree: TreeState) =>
  tree.dirty
    ? `${tree.commit.slice(0, 7)} with uncommitted changes (diff sha256 ${tree.diffSha256?.slice(0, 8) ?? 'unknown'}…)`
    : `${tree.commit.slice(0, 7)}, no uncommitted change`;

/** Exit 2 before anything runs: figures must name a commit that reproduces them. */
const refuseDirtyTree = (tree: TreeState) => {
  const lines = [
    'bench: uncommitted changes in the files that decide what is measured:',
    ...tree.changes.map((line) => `  ${line}`),
    'Commit them (or stash them) first, so that the results name a commit that reproduces them,',
    'or pass --dirty to record the sha256 of the diff and mark the results "not reproducible from a commit".',
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exitCode = 2;
};

const main = async () => {
  const started = Date.now();
  if (flag('render')) {
    await writePerformanceDoc(root);
    say('Rewrote the generated part of docs/PERFORMANCE.md from bench/results.');
    return;
  }
  const tree = treeState(root);
  if (tree.dirty && !flag('dirty')) return refuseDirtyTree(tree);
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  // The CSV file server reads its certificate next to its compiled file.
  fs.cpSync(certsDir(), path.join(__dirname, '..', '..', 'tests', 'fakes', 'certs'), {
    recursive: true,
  });
  const loadAverageAtStart = os.loadavg().map((v) => Math.round(v * 100) / 100);
  const heapLimitMB = Math.round(v8.getHeapStatistics().heap_size_limit / 1048576);
  say(
    `User Directory Sync benchmark: ${db}, sizes ${sizes.map(int).join(' / ')}${quick ? ' (quick)' : ''}; ` +
      `${os.cpus().length} CPUs, load ${loadAverageAtStart.join(' ')}; plugin at ${describeTree(tree)}; ` +
      `this process's heap limit ${int(heapLimitMB)} MB; Strapi log: ${logFile}`
  );
  const sampler = setInterval(() => orchestrator.sample(), 500);
  sampler.unref();
  await orchestrator.stage('playground compiled (TypeScript, before any fake)', 0, () =>
    compileStrapi({ appDir: playgroundDir() })
  );
  for (const size of sizes) {
    if (!skip.has('graph')) await graphRound(size);
    // SCIM push of the same people, up to 10,000 of them (1,000 in --quick): a request pair each.
    if (!skip.has('scim') && size <= (quick ? 1000 : 10000)) {
      const graphFull = results.find((r) => r.scenario === 'graph-full' && r.size === size);
      const pushed = await scimPushRound({
        size,
        db,
        seed: SEED,
        graphFullUsersPerSecond: graphFull?.usersPerSecond ?? null,
        say,
      });
      scimPush.push(pushed);
      if (!pushed.correct) failures += 1;
    }
    if (!skip.has('csv')) await csvRound(size);
  }
  clearInterval(sampler);
  orchestrator.sample();
  const date = new Date().toISOString().slice(0, 10);
  const file: ResultsFile = {
    db,
    date,
    startedAt: new Date(started).toISOString(),
    quick,
    million,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGB: Math.round(os.totalmem() / 1024 ** 3),
      node: process.version,
      strapi: (require('@strapi/strapi/package.json') as { version: string }).version,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      database: databaseVersion,
      loadAverageAtStart,
    },
    plugin: {
      commit: tree.commit,
      dirty: tree.dirty,
      diffSha256: tree.diffSha256,
      changes: tree.changes,
    },
    orchestrator: { heapLimitMB, peakRssMB: orchestrator.peakRssMB, stages: orchestrator.stages },
    ...(strapiHeapMB ? { strapiHeapMB } : {}),
    results,
    ratios: ratiosOf(results),
    targets: judge(results),
    totalSeconds: Math.round((Date.now() - started) / 1000),
  };
  const dir = path.join(root, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const kind = quick ? 'quick' : million ? 'million' : partial ? 'partial' : null;
  const out = path.join(dir, resultsFileName(dir, date, db, kind));
  fs.writeFileSync(out, `${JSON.stringify({ ...file, scimPush }, null, 2)}\n`);
  await writePerformanceDoc(root);

  say(`\n${consoleTable(results)}\n`);
  for (const ratio of file.ratios) {
    say(
      `${int(ratio.size)} users: ours / floor = ${ratio.oursOverFloor ?? 'n/a'}x, naive / ours = ${ratio.naiveOverOurs ?? 'n/a'}x`
    );
  }
  const baseline = results.some((r) => r.size === 100000) ? null : newestWith(dir, db, 100000);
  for (const row of growthOf(results, baseline?.file.results ?? []))
    say(
      `Peak RSS growth, ${row.scenario}: ${int(row.fromMB)} MB at 100,000${baseline ? ` (${baseline.name})` : ''} -> ` +
        `${int(row.toMB)} MB at ${int(row.size)}: ${row.mbPer100k.toFixed(1)} MB per 100,000 users`
    );
  const { size: judgedAt, setFor, list: targets } = judge(results);
  say(
    `\nTargets at ${int(judgedAt)} users${judgedAt !== setFor ? ` (set for ${int(setFor)}: indicative)` : ''}:`
  );
  for (const target of targets)
    say(`  ${target.met ? 'met    ' : 'NOT MET'}  ${target.name}: ${target.value}`);
  say(
    `\nThis process (fakes, checks): peak ${int(orchestrator.peakRssMB)} MB RSS, heap limit ${int(heapLimitMB)} MB.`
  );
  say(`Written ${path.relative(root, out)} and docs/PERFORMANCE.md in ${file.totalSeconds} s.`);
  if (tree.dirty) say(`Measured on ${describeTree(tree)}: not reproducible from a commit.`);
  if (failures > 0) {
    say(`\n${failures} scenario(s) synced the wrong thing: see PROBLEM lines above.`);
    process.exitCode = 1;
  } else if (flag('strict') && targets.some((t) => !t.met)) {
    process.exitCode = 2;
  }
};

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
  );
  process.exitCode = 1;
});
