/**
 * The one fault-injection mechanism of the fakes (Graph, Okta, CSV files): a queue of faults, each
 * given to the matching requests after `skip` of them went through, `times` times. "A 500 at page
 * 3 of the user listing" is `add({ kind: 500 }, { path: '/users', skip: 2 })`. Each fake decides
 * what a fault of its own kind looks like on its wire.
 */

export type FaultMatch = {
  /** Only requests whose path (and query) contains this string or matches this pattern. */
  path?: string | RegExp;
  /** Let this many matching requests through first (a fault "at page N" skips N - 1). */
  skip?: number;
  /** How many matching requests get it (default 1; Infinity: until cleared). */
  times?: number;
};

type Pending<F> = { fault: F; path?: string | RegExp; skip: number; remaining: number };

export const pathMatches = (pattern: string | RegExp | undefined, path: string): boolean =>
  pattern === undefined ||
  (typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path));

export class FaultQueue<F> {
  private pending: Pending<F>[] = [];

  add(fault: F, match: FaultMatch = {}): void {
    this.pending.push({
      fault,
      path: match.path,
      skip: match.skip ?? 0,
      remaining: match.times ?? 1,
    });
  }

  /**
   * The fault for this request, or null. The first pending fault that matches (and that `accepts`
   * takes) decides: while it still skips, the request goes through untouched.
   */
  take(path: string, accepts: (fault: F) => boolean = () => true): F | null {
    const entry = this.pending.find(
      (candidate) => accepts(candidate.fault) && pathMatches(candidate.path, path)
    );
    if (!entry) return null;
    if (entry.skip > 0) {
      entry.skip -= 1;
      return null;
    }
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.pending.splice(this.pending.indexOf(entry), 1);
    return entry.fault;
  }

  /** Faults not yet used up (for assertions: "the fault did fire"). */
  size(): number {
    return this.pending.length;
  }

  clear(): void {
    this.pending = [];
  }
}
