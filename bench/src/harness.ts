/**
 * What `npm run bench` and `npm run faults` share: the Strapi child process (bench/src/agent.ts)
 * driven over IPC, and the commit being measured.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
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
    logFile: string
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

  /** Forks the agent; its output goes to `logFile`, each line also to `relay`. */
  static start(logFile: string, relay: (line: string) => void): Agent {
    const log = fs.openSync(logFile, 'a');
    const child = fork(path.join(__dirname, 'agent.js'), [], {
      cwd: repoRoot(),
      execArgv: ['--expose-gc'],
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

  call<K extends CommandName>(
    cmd: K,
    args: AgentCommands[K]['args']
  ): Promise<AgentCommands[K]['result']> {
    const id = this.next++;
    const request: Request = { id, cmd, args };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send(request);
    });
  }

  async stop() {
    await this.call('stop', {}).catch(() => undefined);
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** The commit measured, and whether the plugin's sources had uncommitted changes (read-only git). */
export const pluginVersion = (root: string, paths = ['server/src']) => {
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    return {
      commit: git(['rev-parse', '--short', 'HEAD']),
      serverSrcChanged: git(['status', '--porcelain', ...paths]) !== '',
    };
  } catch {
    return { commit: 'unknown', serverSrcChanged: false };
  }
};
