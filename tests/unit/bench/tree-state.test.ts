/**
 * The bench's reproducibility check: what counts as a change to the measured code, and the exit 2
 * of `npm run bench` on such a tree before anything runs (the compiled CLI, in a throw-away repo).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { treeState } from '../../../bench/src/harness';

const REPO = path.resolve(__dirname, '..', '..', '..');

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const write = (root: string, file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
};

/** A git repository with one commit of a few files, in and out of the measured paths. */
const committedRepo = (files: Record<string, string>) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'uds-tree-'));
  for (const [file, text] of Object.entries(files)) write(root, file, text);
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, '-c', 'user.name=bench', '-c', 'user.email=bench@example.com', 'commit', '-qm', 'one');
  return root;
};

describe('treeState', () => {
  let root: string;
  beforeEach(() => {
    root = committedRepo({
      'server/src/index.ts': 'export default 1;\n',
      'bench/src/main.ts': '// bench\n',
      'bench/results/2026-12-01-sqlite.json': '{}\n',
      'docs/PERFORMANCE.md': '# Performance\n',
      '.gitignore': 'dist\n',
    });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a committed tree is clean and names its commit', () => {
    const state = treeState(root);
    expect(state).toEqual({
      commit: git(root, 'rev-parse', 'HEAD').trim(),
      dirty: false,
      changes: [],
      diffSha256: null,
    });
    expect(state.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("the bench's own output, docs and ignored build output do not count", () => {
    write(root, 'docs/PERFORMANCE.md', '# Performance, regenerated\n');
    write(root, 'bench/results/2026-12-02-sqlite.json', '{}\n');
    write(root, 'dist/server/index.js', 'built\n');
    expect(treeState(root).dirty).toBe(false);
  });

  it('a changed plugin file makes the tree dirty, named, with the sha256 of the diff', () => {
    write(root, 'server/src/index.ts', 'export default 2;\n');
    const state = treeState(root);
    expect(state.dirty).toBe(true);
    expect(state.changes).toEqual([' M server/src/index.ts']);
    expect(state.diffSha256).toMatch(/^[0-9a-f]{64}$/);
    write(root, 'server/src/index.ts', 'export default 3;\n');
    expect(treeState(root).diffSha256).not.toBe(state.diffSha256);
  });

  it('an untracked file counts, and its contents are in the hash', () => {
    write(root, 'bench/src/extra.ts', 'export const a = 1;\n');
    const first = treeState(root);
    expect(first.changes).toEqual(['?? bench/src/extra.ts']);
    write(root, 'bench/src/extra.ts', 'export const a = 2;\n');
    const second = treeState(root);
    expect(second.diffSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(second.diffSha256).not.toBe(first.diffSha256);
  });

  it('outside a git checkout nothing can be vouched for', () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'uds-plain-'));
    try {
      const state = treeState(plain);
      expect(state.commit).toBe('unknown');
      expect(state.dirty).toBe(true);
      expect(state.changes[0]).toMatch(/^git: /);
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe('npm run bench on a dirty tree', () => {
  let root: string;
  beforeAll(() => {
    // A clean clone of this working tree (its tracked files as they are now, committed), with the
    // bench compiled as `npm run bench` compiles it.
    const files: Record<string, string> = {};
    for (const file of git(REPO, 'ls-files', '-z').split('\0').filter(Boolean))
      if (
        fs.existsSync(path.join(REPO, file)) &&
        !fs.lstatSync(path.join(REPO, file)).isSymbolicLink()
      )
        files[file] = fs.readFileSync(path.join(REPO, file), 'utf8');
    root = committedRepo(files);
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
    execFileSync(
      path.join(REPO, 'node_modules', '.bin', 'tsc'),
      [
        ...['-p', 'bench/tsconfig.json', '--noCheck', '--composite', 'false'],
        ...['--declaration', 'false', '--emitDeclarationOnly', 'false'],
      ],
      { cwd: root, stdio: 'pipe' }
    );
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('exits 2 naming the changed files, before building anything', () => {
    const results = () => fs.readdirSync(path.join(root, 'bench', 'results')).sort();
    const before = results();
    write(root, 'tests/fakes/org.ts', '// changed\n');
    write(root, 'bench/src/new-scenario.ts', '// new\n');
    const run = spawnSync(
      process.execPath,
      [path.join(root, '.tmp/bench/bench/src/main.js'), '--quick'],
      { cwd: root, encoding: 'utf8', timeout: 60_000 }
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('uncommitted changes in the files that decide what is measured');
    expect(run.stderr).toContain(' M tests/fakes/org.ts');
    expect(run.stderr).toContain('?? bench/src/new-scenario.ts');
    expect(run.stderr).toContain('--dirty');
    expect(run.stdout).not.toContain('Building plugin');
    expect(fs.existsSync(path.join(root, 'dist'))).toBe(false);
    expect(results()).toEqual(before);
  });
});
