/**
 * A CPU profile of one run (node's inspector, in-process) and its summary: where the Strapi process
 * spent its CPU, by function (self time) and by plugin function (inclusive time); and what the live
 * heap holds at marks of the run, by allocation site.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector';
import os from 'node:os';
import path from 'node:path';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

export type ProfileSummary = {
  file: string;
  totalSeconds: number;
  self: { name: string; seconds: number }[];
  plugin: { name: string; seconds: number }[];
  /** Live heap by allocation site at marks of the run (sampling heap profiler). */
  heap: { mark: string; totalMB: number; sites: { name: string; MB: number }[] }[];
};

type HeapNode = {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
};

/** Live sampled heap by allocation site: the innermost frame in the plugin, else the allocator. */
const summarizeHeap = (head: HeapNode, mark: string) => {
  const sites = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode, pluginFrame: string | null) => {
    const here = label(node as unknown as ProfileNode);
    const inPlugin =
      /\/dist\/server\//.test(node.callFrame.url) && !/node_modules/.test(node.callFrame.url);
    const frame = inPlugin ? here : pluginFrame;
    if (node.selfSize) {
      total += node.selfSize;
      const name = frame ? `${frame} <- ${here}` : here;
      sites.set(name, (sites.get(name) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, frame);
  };
  walk(head, null);
  return {
    mark,
    totalMB: Math.round(total / 1048576),
    sites: [...sites]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([name, size]) => ({ name, MB: Math.round((size / 1048576) * 10) / 10 })),
  };
};

const post = <T>(session: Session, method: string, params?: object) =>
  new Promise<T>((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) =>
      error ? reject(error) : resolve(result as T)
    )
  );

const label = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/') : '';
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
};

const summarize = (profile: Profile, file: string): ProfileSummary => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
  const self = new Map<string, number>();
  for (const [id, micros] of selfTime) {
    const name = label(byId.get(id) as ProfileNode);
    self.set(name, (self.get(name) ?? 0) + micros);
  }
  // Inclusive time of the plugin's own functions (dist/server), each function once per stack.
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, micros] of selfTime) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at) as ProfileNode;
      if (!/user-directory-sync|\/dist\/server\//.test(node.callFrame.url)) continue;
      const name = label(node);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
    }
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, micros]) => ({ name, seconds: Math.round(micros / 1000) / 1000 }));
  return {
    file,
    totalSeconds: Math.round(total / 1000) / 1000,
    self: top(self, 20),
    plugin: top(inclusive, 20),
    heap: [],
  };
};

/**
 * Runs `work` under the CPU profiler and the sampling heap profiler; `heapAt(mark)` records the live
 * heap by allocation site at that moment. Writes the .cpuprofile and returns a summary.
 */
export const profiled = async <T>(
  name: string,
  work: (hooks: { heapAt(mark: string): void }) => Promise<T>
): Promise<{ value: T; profile: ProfileSummary }> => {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 500 });
  await post(session, 'HeapProfiler.enable');
  await post(session, 'HeapProfiler.startSampling', { samplingInterval: 65536 });
  await post(session, 'Profiler.start');
  const heap: ProfileSummary['heap'] = [];
  const heapAt = (mark: string) => {
    session.post('HeapProfiler.getSamplingProfile', (error, result) => {
      if (!error)
        heap.push(summarizeHeap((result as { profile: { head: HeapNode } }).profile.head, mark));
    });
  };
  try {
    const value = await work({ heapAt });
    heapAt('end');
    const { profile } = await post<{ profile: Profile }>(session, 'Profiler.stop');
    await post(session, 'HeapProfiler.stopSampling');
    const file = path.join(os.tmpdir(), `uds-bench-${name}-${process.pid}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    return { value, profile: { ...summarize(profile, file), heap } };
  } finally {
    session.disconnect();
  }
};
