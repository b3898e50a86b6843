/** Fault injection (on the fakes' shared FaultQueue) and the request log of the fake Graph server. */
import { FaultQueue, pathMatches } from '../faults';

/**
 * An HTTP status answered with Graph's error body (429, 5xx, or a refusal: 400, 403, 404...),
 * a slow answer, a connection cut before the answer, a body cut half way (`truncate`), an access
 * token that expires now (`expire-token`: every token handed out so far is refused from this
 * request on), or a page whose first user record has fields of the wrong types (`malformed`).
 */
export type FaultKind = number | 'slow' | 'cut' | 'truncate' | 'expire-token' | 'malformed';

export type FaultRule = {
  kind: FaultKind;
  /** How many matching requests get it (default 1; Infinity for "until cleared"). */
  times?: number;
  /** Only requests whose path (and query) contains this string or matches this pattern. */
  path?: string | RegExp;
  /** Let this many matching requests through first (a fault at page N skips N - 1). */
  skip?: number;
  /**
   * The Retry-After header of a 429/503: seconds (integer or fractional, e.g. 0.05 or '2.128'),
   * or null for none. Default: '1' for 429, none for the others.
   */
  retryAfter?: number | string | null;
  /** For 'slow': how long to wait before answering normally (default 2000 ms). */
  delayMs?: number;
};

export class Faults {
  private readonly queue = new FaultQueue<FaultRule>();
  /** While set, paged responses on matching paths repeat the same nextLink forever. */
  repeatedNextLink: { path?: string | RegExp } | null = null;

  add(rule: FaultRule): void {
    this.queue.add(rule, { path: rule.path, skip: rule.skip, times: rule.times });
  }

  /** Takes the first pending fault for a path among the given kinds, counting it down. */
  take(path: string, kinds: (kind: FaultKind) => boolean): FaultRule | null {
    return this.queue.take(path, (rule) => kinds(rule.kind));
  }

  repeatsNextLink(path: string): boolean {
    return this.repeatedNextLink !== null && pathMatches(this.repeatedNextLink.path, path);
  }

  /** Faults not yet used up (for assertions). */
  pending(): number {
    return this.queue.size();
  }

  clear(): void {
    this.queue.clear();
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
        : (entry: LoggedRequest) => pathMatches(filter, `${entry.path}${entry.query}`);
    return this.entries.filter(test).length;
  }

  reset(): void {
    this.entries.length = 0;
  }
}
