/**
 * What `npm run bench` and `npm run faults` share: the Strapi child process (bench/src/agent.ts)
 * driven over IPC, and the commit being measured.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';
import type { AgentCommands, CommandName, Reply, Request } from './protocol';

/** The Strapi child process and its request / reply channel. */
export class Agent {
  private next = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  private constructor(
    private readonly child: ChildProcess,
    private readonly logFile: string
  ) {
    child.on('message', (reply: Reply) => {
      const entry = this.waiting.get(reply.id);
      if (!entry) return;
      this.waiting.delete(reply.id);
      if (reply.ok) entry.resolve(reply.result);
      else entry.reject(new Error(`agent: ${reply.error}`));
    });
    child.on('exit', (code) => {
      for (const entry of this.waiting.values())
        entry.reject(new Error(`the Strapi process exited (${code}); see ${logFile}`));
      this.waiting.clear();
    });
  }

  /**
   * Forks the agent; its output goes to `logFile`, each line also to `relay`. `heapMB` caps the
   * Strapi process's old space (`--max-old-space-size`, what an operator can set); default: Node's.
   */
  static start(logFile: string, relay: (line: string) => void, heapMB?: number): Agent {
    const log = fs.openSync(logFile, 'a');
    const child = fork(path.join(__dirname, 'agent.js'), [], {
      cwd: repoRoot(),
      execArgv: ['--expose-gc', ...(heapMB ? [`--max-old-space-size=${heapMB}`] : [])],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const onData = (chunk: Buffer) => {
      fs.writeSync(log, chunk);
      // eslint-disable-next-line no-control-regex
      const text = chunk.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');
      for (const line of text.split('\n')) if (line.trim()) relay(line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    return new Agent(child, logFile);
  }

  /** Sends a command; with `timeoutMs`, gives up on it after that long (the child goes on). */
  call<K extends CommandName>(
    cmd: K,
    args: AgentCommands[K]['args'],
    { timeoutMs }: { timeoutMs?: number } = {}
  ): Promise<AgentCommands[K]['result']> {
    const id = this.next++;
    const request: Request = { id, cmd, args };
    return new Promise((resolve, reject) => {
      const timer = timeoutMs
        ? setTimeout(() => {
            this.waiting.delete(id);
            reject(
              new Error(
                `agent: ${cmd} did not answer within ${Math.round(timeoutMs / 1000)} s; see ${this.logFile}`
              )
            );
          }, timeoutMs)
        : null;
      const settle =
        <T>(done: (value: T) => void) =>
        (value: T) => {
          if (timer) clearTimeout(timer);
          done(value);
        };
      this.waiting.set(id, {
        resolve: settle(resolve as (value: unknown) => void),
        reject: settle(reject),
      });
      this.child.send(request);
    });
  }

  /** Stops Strapi (dropping its database), or kills the process if it does not answer in a minute. */
  async stop() {
    await this.call('stop', {}, { timeoutMs: 60_000 }).catch(() => undefined);
    if (this.child.exitCode === null) this.child.kill();
  }
}

const git = (root: string, args: string[]) =>
  execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
  });

/** The commit measured, and whether the plugin's sources had uncommitted changes (read-only git). */
export const pluginVersion = (root: string, paths = ['server/src']) => {
  try {
    return {
      commit: git(root, ['rev-parse', '--short', 'HEAD']).trim(),
      serverSrcChanged: git(root, ['status', '--porcelain', ...paths]).trim() !== '',
    };
  } catch {
    return { commit: 'unknown', serverSrcChanged: false };
  }
};

/**
 * Everything that decides what `npm run bench` measures: the plugin, the panel, the contracts, the
 * bench and the fakes it drives, the helpers the agent imports, the dependencies, the playground's
 * code and config. Its own output (bench/results, docs) is left out.
 */
export const MEASURED_PATHS = [
  'server',
  'admin',
  'shared',
  'bench',
  'tests/fakes',
  'tests/helpers',
  'strapi-server.ts',
  'strapi-admin.ts',
  'package.json',
  'package-lock.json',
  'playground/package.json',
  'playground/src',
  'playground/config',
  ':(exclude)bench/results',
];

/** The checkout a benchmark runs on. */
export type TreeState = {
  /** The commit checked out (40 hex digits), or 'unknown' outside a git checkout. */
  commit: string;
  /** Uncommitted changes or untracked files in MEASURED_PATHS (or no git to tell). */
  dirty: boolean;
  /** Their `git status --porcelain` lines (or why git could not tell). */
  changes: string[];
  /** sha256 of `git diff HEAD` of MEASURED_PATHS, then each untracked file's path and contents. */
  diffSha256: string | null;
};

/** Reads the checkout's commit and its uncommitted changes in the measured files (read-only git). */
export const treeState = (root: string): TreeState => {
  let commit: string;
  let status: string;
  try {
    commit = git(root, ['rev-parse', 'HEAD']).trim();
    status = git(root, ['status', '--porcelain', '--untracked-files=all', '--', ...MEASURED_PATHS]);
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { commit: 'unknown', dirty: true, changes: [`git: ${why}`], diffSha256: null };
  }
  const changes = status.split('\n').filter(Boolean);
  if (changes.length === 0) return { commit, dirty: false, changes, diffSha256: null };
  const hash = createHash('sha256').update(
    execFileSync('git', ['diff', 'HEAD', '--binary', '--', ...MEASURED_PATHS], {
      cwd: root,
      maxBuffer: 1024 * 1024 * 1024,
    })
  );
  const untracked = git(root, [
    'ls-files',
    '--others',
    '--exclude-standard',
    '-z',
    '--',
    ...MEASURED_PATHS,
  ])
    .split('\0')
    .filter(Boolean)
    .sort();
  for (const file of untracked) {
    hash.update(`\0${file}\0`);
    hash.update(fs.readFileSync(path.join(root, file)));
  }
  return { commit, dirty: true, changes, diffSha256: hash.digest('hex') };
};
