/**
 * Measures one operation inside the Strapi process: wall time, CPU, peak RSS (sampled every 100 ms
 * and every 200 statements), every statement knex runs (its 'query' events), by kind, with the time
 * spent inside the driver (begin/commit included). It reads the runner's own progress updates off
 * the statements (no extra query) to time each phase and to split a run into setup (groups, roles,
 * identity links), users (the pages) and tail (leavers, managers).
 */
import type { Measurement, PhaseSpan, SegmentSummary, StatementKind } from './protocol';

type KnexLike = {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  client: object;
};

type QueryEvent = { sql?: string; bindings?: unknown[] };

const PHASES = new Set(['fetching', 'planning', 'applying', 'done']);
const MB = 1024 * 1024;

const now = () => Number(process.hrtime.bigint()) / 1e9;

/** `insert up_users`, `select uds_identities`, `begin`... */
export const classify = (sql: string): { verb: string; table: string } => {
  const text = sql.trimStart();
  const verb = (/^\w+/.exec(text)?.[0] ?? '?').toLowerCase();
  const pattern =
    verb === 'insert'
      ? /\binto\s+((?:[`"]?\w+[`"]?\.)?[`"]?\w+[`"]?)/i
      : verb === 'update'
        ? /^update\s+((?:[`"]?\w+[`"]?\.)?[`"]?\w+[`"]?)/i
        : /\bfrom\s+((?:[`"]?\w+[`"]?\.)?[`"]?\w+[`"]?)/i;
  const match = ['select', 'insert', 'update', 'delete'].includes(verb) ? pattern.exec(text) : null;
  const table = match ? match[1].replace(/[`"]/g, '').split('.').pop()! : '';
  return { verb, table };
};

/** One window of a run: setup (before the first page is applied), users, tail (after planning). */
type Segment = {
  name: string;
  from: number;
  statements: number;
  sqlSeconds: number;
  kinds: Map<string, StatementKind>;
};

const bump = (kinds: Map<string, StatementKind>, name: string, sql: string) => {
  let kind = kinds.get(name);
  if (!kind) {
    kind = { kind: name, count: 0, sqlSeconds: 0, sample: sql.slice(0, 240) };
    kinds.set(name, kind);
  }
  return kind;
};

const topKinds = (kinds: Map<string, StatementKind>, n: number) =>
  [...kinds.values()]
    .sort((a, b) => b.sqlSeconds - a.sqlSeconds)
    .slice(0, n)
    .map((kind) => ({ ...kind, sqlSeconds: round(kind.sqlSeconds) }));

export class Meter {
  /** Called when the run reaches a mark (firstApplying, planning, done). */
  onMark: ((mark: string) => void) | null = null;
  private active = false;
  private t0 = 0;
  private cpu0: NodeJS.CpuUsage = { user: 0, system: 0 };
  private startRss = 0;
  private peakRss = 0;
  private peakHeap = 0;
  private ticks = 0;
  private marks: Record<string, number> = {};
  private statements = 0;
  private userWrites = 0;
  private sqlSeconds = 0;
  private kinds = new Map<string, StatementKind>();
  private segments: Segment[] = [];
  private phase = 'starting';
  private phaseSince = 0;
  private phaseTotals = new Map<string, number>();
  private roleWindow: { from: number; to: number; count: number } | null = null;
  private sampler: NodeJS.Timeout | null = null;

  constructor(knex: KnexLike) {
    knex.on('query', (raw: unknown) => this.onQuery(raw as QueryEvent));
    // Every statement, transaction control included, goes through the dialect's _query (the
    // transaction clients share its prototype): time it there.
    const proto = Object.getPrototypeOf(knex.client) as {
      _query: (connection: unknown, obj: QueryEvent) => Promise<unknown>;
    };
    const original = proto._query;
    const timed = (obj: QueryEvent, t: number, segment: Segment | undefined) => {
      if (!this.active) return;
      const spent = now() - t;
      const sql = obj.sql ?? '';
      const { verb, table } = classify(sql);
      const name = table ? `${verb} ${table}` : verb;
      this.sqlSeconds += spent;
      bump(this.kinds, name, sql).sqlSeconds += spent;
      if (segment) {
        segment.sqlSeconds += spent;
        bump(segment.kinds, name, sql).sqlSeconds += spent;
      }
    };
    const current = () => this.segments[this.segments.length - 1];
    proto._query = function (this: unknown, connection: unknown, obj: QueryEvent) {
      const t = now();
      const segment = current();
      return original.call(this, connection, obj).then(
        (value) => {
          timed(obj, t, segment);
          return value;
        },
        (error: unknown) => {
          timed(obj, t, segment);
          throw error;
        }
      );
    };
  }

  private sample() {
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRss) this.peakRss = rss;
  }

  /** Heap in use, sampled less often (it costs more than the RSS). */
  private sampleHeap() {
    const heap = process.memoryUsage().heapUsed;
    if (heap > this.peakHeap) this.peakHeap = heap;
  }

  private onQuery(event: QueryEvent) {
    if (!this.active) return;
    const t = now();
    const sql = event.sql ?? '';
    const { verb, table } = classify(sql);
    if (verb === 'update' && table === 'uds_sync_runs') {
      const phase = (event.bindings ?? []).find(
        (value): value is string => typeof value === 'string' && PHASES.has(value)
      );
      if (phase && phase !== this.phase) this.switchPhase(phase, t);
    }
    this.statements += 1;
    if (this.statements % 200 === 0) this.sample();
    const name = table ? `${verb} ${table}` : verb;
    bump(this.kinds, name, sql).count += 1;
    const segment = this.segments[this.segments.length - 1];
    segment.statements += 1;
    bump(segment.kinds, name, sql).count += 1;
    if (['insert', 'update', 'delete'].includes(verb) && table.startsWith('up_users'))
      this.userWrites += 1;
    if (verb === 'insert' && table === 'up_roles') {
      const at = t - this.t0;
      if (!this.roleWindow) this.roleWindow = { from: at, to: at, count: 0 };
      this.roleWindow.to = at;
      this.roleWindow.count += 1;
    }
  }

  private switchPhase(phase: string, t: number) {
    const mark = phase === 'applying' ? 'firstApplying' : phase;
    if (['applying', 'planning', 'done'].includes(phase) && this.marks[mark] === undefined) {
      this.marks[mark] = round(t - this.t0);
      const segment = mark === 'firstApplying' ? 'users' : mark === 'planning' ? 'tail' : null;
      if (segment)
        this.segments.push({
          name: segment,
          from: t,
          statements: 0,
          sqlSeconds: 0,
          kinds: new Map(),
        });
      this.onMark?.(mark);
    }
    this.phaseTotals.set(
      this.phase,
      (this.phaseTotals.get(this.phase) ?? 0) + (t - this.phaseSince)
    );
    this.phase = phase;
    this.phaseSince = t;
  }

  /** Starts a measurement (a GC first, when node runs with --expose-gc). */
  start() {
    (globalThis as { gc?: () => void }).gc?.();
    this.statements = 0;
    this.userWrites = 0;
    this.sqlSeconds = 0;
    this.kinds = new Map();
    this.phaseTotals = new Map();
    this.roleWindow = null;
    this.startRss = process.memoryUsage.rss();
    this.peakRss = this.startRss;
    this.t0 = now();
    this.segments = [
      { name: 'setup', from: this.t0, statements: 0, sqlSeconds: 0, kinds: new Map() },
    ];
    this.phase = 'starting';
    this.phaseSince = this.t0;
    this.cpu0 = process.cpuUsage();
    this.peakHeap = 0;
    this.ticks = 0;
    this.marks = {};
    this.sampleHeap();
    this.sampler = setInterval(() => {
      this.sample();
      if (++this.ticks % 5 === 0) this.sampleHeap();
    }, 100);
    this.active = true;
  }

  stop(): Measurement {
    this.sample();
    this.sampleHeap();
    const t = now();
    this.active = false;
    if (this.sampler) clearInterval(this.sampler);
    this.switchPhase('end', t);
    const cpu = process.cpuUsage(this.cpu0);
    const phases: PhaseSpan[] = [...this.phaseTotals]
      .filter(([name]) => name !== 'end')
      .map(([phase, seconds]) => ({ phase, seconds: round(seconds) }));
    const segments: SegmentSummary[] = this.segments.map((segment, i) => ({
      name: segment.name,
      seconds: round((this.segments[i + 1]?.from ?? t) - segment.from),
      statements: segment.statements,
      sqlSeconds: round(segment.sqlSeconds),
      commits: segment.kinds.get('commit')?.count ?? 0,
      top: topKinds(segment.kinds, 6).map(({ kind, count, sqlSeconds }) => ({
        kind,
        count,
        sqlSeconds,
      })),
    }));
    return {
      seconds: round(t - this.t0),
      cpuSeconds: round((cpu.user + cpu.system) / 1e6),
      peakRssMB: Math.round(this.peakRss / MB),
      peakHeapMB: Math.round(this.peakHeap / MB),
      marks: this.marks,
      startRssMB: Math.round(this.startRss / MB),
      statements: this.statements,
      sqlSeconds: round(this.sqlSeconds),
      userWrites: this.userWrites,
      top: topKinds(this.kinds, 20),
      segments,
      phases,
      roleWindow: this.roleWindow
        ? {
            from: round(this.roleWindow.from),
            to: round(this.roleWindow.to),
            count: this.roleWindow.count,
          }
        : null,
    };
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
