/**
 * Page-by-page reading of an SDK Collection.
 *
 * The SDK's `for await` yields `null` for an empty page that still has `rel="next"` (and its
 * `each()` stops there, silently ending the listing). Reading whole pages with `getNextPage()`
 * avoids both: an empty page is skipped and the next link followed. A link that comes back after
 * a page with data (a paging loop) fails the run instead of spinning.
 */
import type { Collection } from '@okta/okta-sdk-nodejs';
import { CancelledError, TransientSyncError } from '../errors';

/** Empty pages in a row tolerated before the listing is declared stuck. */
const MAX_EMPTY_PAGES = 50;

/** Yields the pages of `collection` (never an empty one) until the last page. */
export async function* readPages<T>(
  collection: Collection<T>,
  what: string,
  signal?: AbortSignal
): AsyncGenerator<T[]> {
  const seen = new Set<string>();
  let emptyInARow = 0;
  while (collection.nextUri) {
    if (signal?.aborted) throw new CancelledError();
    const url = collection.nextUri;
    if (seen.has(url)) {
      throw new TransientSyncError(
        'okta-paging-loop',
        `Okta sent the same page link twice while listing ${what}; the listing was stopped so that nobody is disabled on a partial read. The next run will try again.`
      );
    }
    const items = (await collection.getNextPage()) as unknown as T[];
    if (items.length === 0) {
      emptyInARow += 1;
      if (emptyInARow > MAX_EMPTY_PAGES) {
        throw new TransientSyncError(
          'okta-paging-stuck',
          `Okta sent ${MAX_EMPTY_PAGES} empty pages in a row while listing ${what}. The next run will try again.`
        );
      }
      continue;
    }
    emptyInARow = 0;
    seen.add(url);
    yield items;
  }
}

/**
 * Maps `items` with at most `limit` calls in flight, keeping the order. After one call fails no
 * new call starts (the run is ending: no stray requests after it), and the first failure is thrown
 * once the calls in flight have settled.
 */
export const mapLimit = async <T, R>(
  items: T[],
  limit: number,
  map: (item: T) => Promise<R>
): Promise<R[]> => {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next;
      next += 1;
      try {
        results[index] = await map(items[index]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(
    Array.from({ length: Math.min(limit, items.length) }, worker)
  );
  const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
  return results;
};
