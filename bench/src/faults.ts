/**
 * npm run faults [-- --quick] [-- --db postgres] [-- --sources azure,okta,csv,memory]
 *
 * Reliability figures: for each source (Entra ID, Okta, CSV, the memory test provider) behind its
 * fake, a real Strapi (the playground, in a child process, as `npm run bench` boots it) and the
 * plugin's real runner. Each fault of the provider contract is injected at each page (a spread of
 * them when there are many) of a 10,000-user full run and of a delta round; after each run:
 * nobody wrongly disabled (a user the source still has active, blocked by the run), the run either
 * succeeded after retrying or failed with a message naming the cause (no JavaScript error text),
 * and the next clean run (the one the engine picks, as a schedule would) converges: the stored
 * users equal the source. Writes bench/results/<date>-faults-<db>[-quick].json and (full runs
 * only) the generated part of docs/RELIABILITY.md.
 * --quick: 500 users and one page (the middle one) per phase, for CI. --pages N: N pages per
 * phase (default 3: the first, the middle and the last; Okta full runs: the middle one, see
 * pagesFor). --render <results file>: only rewrite docs/RELIABILITY.md from it. Exits non-zero
 * when a check failed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileStrapi } from '@strapi/strapi';
import { CONTRACT_FAULTS, type ContractFault, type Phase } from '../../tests/fakes/contract';
import {
  azureSource,
  csvSource,
  memorySource,
  oktaSource,
  type FaultSource,
  type SourceName,
} from './fault-sources';
import { writeReliabilityDoc, type FaultRow, type FaultsFile } from './fault-report';
import { Agent, pluginVersion } from './harness';
import { compareUsers, type ExpectedUser } from './model';
import { certsDir, playgroundDir, repoRoot } from './paths';
import type { DbKind, RunResult, StoredUser } from './protocol';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
};
const quick = flag('quick');
const db = (option('db') ?? 'sqlite') as DbKind;
if (db !== 'sqlite' && db !== 'postgres') throw new Error('--db must be sqlite or postgres');
const ALL_SOURCES: SourceName[] = ['azure', 'okta', 'csv', 'memory'];
const sources = (option('sources')?.split(',') ?? ALL_SOURCES) as SourceName[];
const users = Number(option('users') ?? (quick ? 500 : 10000));
/** Pages tried per phase: all of them up to this many, else a spread with the first and last. */
const maxPages = Number(option('pages') ?? (quick ? 1 : 3));
/**
 * An Okta full run reads every member page through the SDK twice (sync groups, then users): at
 * 10,000 users about 170 pages and 25 s on a busy 2-core machine, so its full runs try the middle
 * page only unless --pages says otherwise.
 */
const pagesFor = (source: SourceName, phase: Phase) =>
  source === 'okta' && phase === 'full' && !option('pages') ? 1 : maxPages;

const root = repoRoot();
const logFile = path.join(os.tmpdir(), `uds-faults-${db}-${process.pid}.log`);
const say = (line: string) => process.stdout.write(`${line}\n`);

/** Words a failed run's message must contain to name the cause of each fault. */
const CAUSE: Record<ContractFault, RegExp> = {
  throttle: /429|throttl|rate limit/i,
  'server-error': /500|kept failing|unavailable|went away/i,
  timeout: /time|did not answer|within/i,
  truncated: /cut|ECONNRESET|aborted|hang up|not valid JSON/i,
  refused: /refused|400|403/i,
  'token-expired': /token/i,
  malformed: /./,
};

/** A message a person cannot act on: a JavaScript error's text or the generic fallback. */
const JS_ERROR = /^(TypeError|ReferenceError|SyntaxError|RangeError|Error):|unexpected error/i;

/** Pages 1..count, or `max` of them spread evenly (first and last included; one: the middle). */
export const pagesToTry = (count: number, max: number): number[] => {
  if (count <= max) return Array.from({ length: count }, (_, i) => i + 1);
  if (max === 1) return [Math.ceil(count / 2)];
  const picked = new Set<number>();
  for (let i = 0; i < max; i += 1) picked.add(1 + Math.round((i * (count - 1)) / (max - 1)));
  return [...picked].sort((a, b) => a - b);
};

const wrongDisables = (
  before: Map<string, StoredUser>,
  after: StoredUser[],
  expected: Map<string, ExpectedUser>
): number =>
  after.filter(
    (user) =>
      user.blocked &&
      before.get(user.username)?.blocked === false &&
      expected.get(user.username)?.blocked === false
  ).length;

const byName = (list: StoredUser[]) => new Map(list.map((user) => [user.username, user]));

type Context = { agent: Agent; source: FaultSource; directoryId: number; round: number };

const snapshot = ({ agent, directoryId }: Context) => agent.call('users', { directoryId });

/** What the fast snapshot can be compared on: identity, email, blocked, job title. */
const comparable = (expected: Map<string, ExpectedUser>) =>
  new Map(
    [...expected].map(([username, user]) => [
      username,
      { blocked: user.blocked, email: user.email, jobTitle: user.jobTitle },
    ])
  );

const run = async ({ agent, directoryId }: Context, full: boolean, confirm = false) => {
  const started = Date.now();
  const result = await agent.call('run', { directoryId, full, confirm });
  return { run: result.run, seconds: (Date.now() - started) / 1000 };
};

/**
 * A clean run, then the stored users compared with the source. `next`: the run the engine picks
 * next (a delta round once a full run has saved its cursor, as a schedule would run it); `full`:
 * a full run (the first one).
 */
const converge = async (context: Context, kind: 'next' | 'full') => {
  const { run: clean } = await run(context, kind === 'full');
  const { users: stored, identities } = await snapshot(context);
  const check = compareUsers(comparable(context.source.expected()), stored, identities);
  const problems = [...check.problems];
  if (clean.status !== 'succeeded')
    problems.unshift(`clean run ${clean.status}: ${clean.error?.message}`);
  return { converged: problems.length === 0, problems, stored, mode: clean.mode };
};

const judge = (fault: ContractFault, result: RunResult) => {
  if (result.status === 'succeeded') return { ok: true, note: '' };
  const message = result.error?.message ?? '';
  if (JS_ERROR.test(message) || result.error?.code === 'unexpected-error')
    return { ok: false, note: `a message nobody can act on: ${message}` };
  if (!CAUSE[fault].test(message)) return { ok: false, note: `the message does not name ${fault}` };
  return { ok: true, note: '' };
};

/** The outcome each fault must have: refusals stop the run; the rest are retried through. */
const expectedStatus = (fault: ContractFault, source: SourceName) =>
  fault === 'refused' || source === 'memory' ? 'failed' : 'succeeded';

const exercise = async (context: Context, rows: FaultRow[], before: StoredUser[]) => {
  const { source } = context;
  let previous = byName(before);
  for (const phase of source.phases) {
    // The pages of a clean run of this phase (the full run: the first run of the source, counted).
    if (phase === 'delta') {
      await source.change(context.round++);
      source.faults.resetLog();
      const probe = await converge(context, 'next');
      previous = byName(probe.stored);
      if (probe.mode !== 'delta')
        throw new Error(
          `${source.name}: the run after a full run was a ${probe.mode} run, not a delta round`
        );
      if (!probe.converged)
        throw new Error(
          `${source.name}: a clean delta round did not converge: ${probe.problems.join('; ')}`
        );
    }
    const pages =
      source.fullPages && phase === 'full' ? source.fullPages : source.faults.pagesServed(phase);
    const tried = pagesToTry(pages, pagesFor(source.name, phase));
    say(`  ${source.name} ${phase}: ${pages} page(s) per run; trying ${tried.join(', ')}`);
    for (const fault of CONTRACT_FAULTS) {
      for (const page of tried) {
        await source.change(context.round++);
        const injected = await source.faults.inject(fault, phase, page);
        if (!injected.ok) {
          await source.faults.clear();
          rows.push({
            source: source.name,
            phase,
            fault,
            page,
            outcome: 'n/a',
            note: injected.why,
          });
          break;
        }
        const faulted = await run(context, phase === 'full');
        const fired = await source.faults.fired();
        await source.faults.clear();
        const { users: after } = await snapshot(context);
        const wrong = wrongDisables(previous, after, source.expected());
        const verdict = judge(fault, faulted.run);
        const healed = await converge(context, 'next');
        previous = byName(healed.stored);
        const want = expectedStatus(fault, source.name);
        const notes = [
          verdict.note,
          fired ? '' : 'the fault did not fire',
          faulted.run.status === want ? '' : `expected ${want}`,
          ...healed.problems,
        ].filter(Boolean);
        const row: FaultRow = {
          source: source.name,
          phase,
          fault,
          page,
          outcome: faulted.run.status,
          mode: faulted.run.mode,
          code: faulted.run.error?.code ?? null,
          message: faulted.run.error?.message ?? null,
          wrongDisables: wrong,
          converged: healed.converged,
          ok: verdict.ok && fired && wrong === 0 && healed.converged,
          seconds: Math.round(faulted.seconds * 100) / 100,
          note: notes.join('; '),
        };
        rows.push(row);
        say(
          `    ${phase.padEnd(5)} ${fault.padEnd(13)} page ${String(page).padStart(3)}: ${row.outcome}${row.code ? ` (${row.code})` : ''}, ${wrong} wrongly disabled, ${healed.converged ? 'converged' : 'NOT converged'} ${row.ok ? '' : `  PROBLEM: ${row.note}`}`
        );
      }
    }
  }
};

/** Rows without a page: the directory emptied, a selected group deleted. */
const scenarios = async (context: Context, rows: FaultRow[], before: StoredUser[]) => {
  const { source } = context;
  const scenario = async (
    name: FaultRow['fault'],
    phase: Phase,
    apply: () => Promise<(() => Promise<void>) | null>
  ) => {
    const previous = byName(before);
    const restore = await apply();
    const faulted = await run(context, phase === 'full');
    const { users: after } = await snapshot(context);
    const disabled = after.filter(
      (user) => user.blocked && previous.get(user.username)?.blocked === false
    ).length;
    const wrong =
      name === 'empty-directory' ? disabled : wrongDisables(previous, after, source.expected());
    if (restore) await restore();
    // A deleted group may take more people out of scope than the safety threshold lets a run
    // disable: the run holds (rightly), and an admin's confirm applies it.
    if (faulted.run.status === 'held-safety-threshold' && name === 'deleted-scope-group')
      await run(context, false, true);
    const healed = await converge(context, 'next');
    before = healed.stored;
    const message = faulted.run.error?.message ?? null;
    const row: FaultRow = {
      source: source.name,
      phase,
      fault: name,
      page: 0,
      outcome: faulted.run.status,
      mode: faulted.run.mode,
      code: faulted.run.error?.code ?? null,
      message,
      wrongDisables: wrong,
      disabled,
      converged: healed.converged,
      ok: wrong === 0 && healed.converged && !JS_ERROR.test(message ?? ''),
      seconds: Math.round(faulted.seconds * 100) / 100,
      note: healed.problems.join('; '),
    };
    rows.push(row);
    say(
      `    ${phase.padEnd(5)} ${name.padEnd(22)}: ${row.outcome}${row.code ? ` (${row.code})` : ''}, ${disabled} disabled by the run, ${healed.converged ? 'converged' : 'NOT converged'} ${row.ok ? '' : `  PROBLEM: ${row.note}`}`
    );
  };
  await scenario('empty-directory', 'full', () => source.empty());
  const deleteGroup = source.deleteScopeGroup;
  if (deleteGroup) {
    await scenario(
      'deleted-scope-group',
      source.phases.includes('delta') ? 'delta' : 'full',
      async () => {
        await deleteGroup();
        return null;
      }
    );
  }
};

const startSource = (name: SourceName, agent: Agent): Promise<FaultSource> => {
  switch (name) {
    case 'azure':
      return azureSource(users);
    case 'okta':
      // --quick: 6 groups (each Okta request costs ~70 ms here, and a run reads every group twice).
      return oktaSource(users, quick ? 6 : 20);
    case 'csv':
      return csvSource(users);
    case 'memory':
      return memorySource(users, agent);
  }
};

const main = async () => {
  const started = Date.now();
  const version = pluginVersion(root, ['server/src', 'tests/fakes', 'bench/src']);
  if (version.serverSrcChanged)
    say(
      'WARNING: uncommitted changes in server/src, tests/fakes or bench/src: the figures are flagged dirty.'
    );
  // The CSV file server reads its certificate next to its compiled file.
  fs.cpSync(certsDir(), path.join(__dirname, '..', '..', 'tests', 'fakes', 'certs'), {
    recursive: true,
  });
  say(
    `User Directory Sync faults: ${db}, ${users.toLocaleString('en-US')} users, sources ${sources.join(', ')}${quick ? ' (quick)' : ''}; Strapi log: ${logFile}`
  );
  await compileStrapi({ appDir: playgroundDir() });
  const rows: FaultRow[] = [];
  const timings: Record<string, number> = {};
  const agent = Agent.start(logFile, (line) => {
    if (/\berror\b/i.test(line) && !/run \d+ of '.*' failed/.test(line))
      say(`      | ${line.slice(0, 220)}`);
  });
  try {
    const boot = await agent.call('boot', { db, memory: true });
    say(`  Strapi booted in ${boot.seconds.toFixed(1)} s`);
    for (const name of sources) {
      const sourceStarted = Date.now();
      const source = await startSource(name, agent);
      try {
        const { id } = await agent.call('createDirectory', { body: source.directory });
        source.faults.resetLog();
        const context: Context = { agent, source, directoryId: id, round: 0 };
        const first = await converge(context, 'full');
        if (!first.converged)
          throw new Error(
            `${name}: the first full run did not converge: ${first.problems.join('; ')}`
          );
        say(`== ${name}: ${first.stored.length} users stored by the first full run`);
        await exercise(context, rows, first.stored);
        const { users: now } = await snapshot(context);
        await scenarios(context, rows, now);
      } finally {
        await source.close();
      }
      timings[name] = Math.round((Date.now() - sourceStarted) / 1000);
    }
  } finally {
    await agent.stop();
  }
  const date = new Date().toISOString().slice(0, 10);
  const file: FaultsFile = {
    date,
    quick,
    db,
    users,
    maxPages,
    plugin: { commit: version.commit, dirty: version.serverSrcChanged },
    machine: { cpus: os.cpus().length, node: process.version },
    totalSeconds: Math.round((Date.now() - started) / 1000),
    secondsPerSource: timings,
    rows,
  };
  const partial = !!option('sources') || !!option('users') || !!option('pages');
  const name = `${date}-faults-${db}${quick ? '-quick' : partial ? '-partial' : ''}.json`;
  const out = path.join(root, 'bench', 'results', name);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
  // The page shows the full run's figures; a quick or partial run writes its results file only.
  const documented = !partial && !quick;
  if (documented) await writeReliabilityDoc(root, file, name);
  const tried = rows.filter((row) => row.outcome !== 'n/a');
  const bad = tried.filter((row) => !row.ok);
  const wrong = tried.reduce((sum, row) => sum + (row.wrongDisables ?? 0), 0);
  say(
    `\n${tried.length} faulted runs: ${tried.filter((row) => row.outcome === 'succeeded').length} succeeded after retrying, ${tried.filter((row) => row.outcome !== 'succeeded').length} failed naming the cause or not; ${wrong} wrong disables; ${tried.filter((row) => row.converged).length} converged; ${bad.length} problem(s). ${file.totalSeconds} s.`
  );
  say(`Written ${path.relative(root, out)}${documented ? ' and docs/RELIABILITY.md' : ''}.`);
  if (bad.length > 0) process.exitCode = 1;
};

/** --render <results file>: rewrites docs/RELIABILITY.md from a results file, running nothing. */
const render = async (file: string) => {
  const results = JSON.parse(fs.readFileSync(path.resolve(root, file), 'utf8')) as FaultsFile;
  await writeReliabilityDoc(root, results, path.basename(file));
  say(`Rewritten docs/RELIABILITY.md from ${file}.`);
};

const rendering = option('render');
(rendering ? render(rendering) : main()).catch((error: unknown) => {
  process.stderr.write(
    `faults failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
  );
  process.exitCode = 1;
});
