/**
 * Iterates `source` one item ahead: the next page is asked for as soon as the current one is
 * handed out, so the source's request (and, on PostgreSQL, its parsing) overlaps the writes of the
 * current page. A failure of the page read ahead surfaces when that page is reached, never as an
 * unhandled rejection; stopping early closes the source.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const ask = () => {
    const next = iterator.next();
    next.catch(() => undefined);
    return next;
  };
  let next = ask();
  let finished = false;
  try {
    for (;;) {
      const result = await next;
      if (result.done) {
        finished = true;
        return;
      }
      next = ask();
      yield result.value;
    }
  } catch (error) {
    finished = true;
    throw error;
  } finally {
    if (!finished) {
      // The consumer stopped (a cancel, a failed write): let the page in flight settle, then close.
      await next.catch(() => undefined);
      await iterator.return?.();
    }
  }
}
