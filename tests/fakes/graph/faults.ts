/** Fault injection and the request log of the fake Graph server. */

export type FaultKind = 429 | 500 | 502 | 503 | 504 | 'slow' | 'cut';

export type FaultRule = {
  /** An HTTP status answered with Graph's error body, a slow answer, or a cut connection. */
  kind: FaultKind;
  /** How many matching requests get it (default 1; Infinity for "until cleared"). */
  times?: number;
  /** Only requests whose path (and query) contains this string or matches this pattern. */
  path?: string | RegExp;
  /**
   * The Retry-After header of a 429/503: seconds (integer or fractional, e.g. 0.05 or '2.128'),
   * or null for none. Default: '1' for 429, none for the others.
   */
  retryAfter?: number | string | null;
  /** For 'slow': how long to wait before answering normally (default 2000 ms). */
  delayMs?: number;
};

type ActiveFault = Required<Pick<FaultRule, 'kind'>> & FaultRule & { remaining: number };

const matches = (pattern: string | RegExp | undefined, path: string) =>
  pattern === undefined ||
  (typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path));

export class Faults {
  private rules: ActiveFault[] = [];
  /** While set, paged responses on matching paths repeat the same nextLink forever. */
  repeatedNextLink: { path?: string | RegExp } | null = null;

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, remaining: rule.times ?? 1 });
  }

  /** Takes the first pending fault for a path among the given kinds, counting it down. */
  take(path: string, kinds: (kind: FaultKind) => boolean): ActiveFault | null {
    const index = this.rules.findIndex((rule) => kinds(rule.kind) && matches(rule.path, path));
    if (index === -1) return null;
    const rule = this.rules[index];
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.splice(index, 1);
    return rule;
  }

  repeatsNextLink(path: string): boolean {
    return this.repeatedNextLink !== null && matches(this.repeatedNextLink.path, path);
  }

  /** Faults not yet used up (for assertions). */
  pending(): number {
    return this.rules.length;
  }

  clear(): void {
    this.rules = [];
    this.repeatedNextLink = null;
  }
}

export type LoggedRequest = {
  method: string;
  /** Path without the query, e.g. `/v1.0/users/delta`. */
  path: string;
  query: string;
  status: number;
  /** True for a request carried inside a `$batch`. */
  batched: boolean;
};

export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  /** How many requests match (all when no filter). */
  count(filter?: string | RegExp | ((entry: LoggedRequest) => boolean)): number {
    if (filter === undefined) return this.entries.length;
    const test =
      typeof filter === 'function'
        ? filter
        : (entry: LoggedRequest) => matches(filter, `${entry.path}${entry.query}`);
    return this.entries.filter(test).length;
  }

  reset(): void {
    this.entries.length = 0;
  }
}
