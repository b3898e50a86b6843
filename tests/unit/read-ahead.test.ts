import { readAhead } from '../../server/src/utils/read-ahead';

/** A source that logs when each page is asked for and handed out. */
const source = (pages: number, log: string[], failAt?: number) =>
  (async function* () {
    try {
      for (let page = 1; page <= pages; page += 1) {
        log.push(`asked ${page}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (page === failAt) throw new Error(`page ${page} failed`);
        yield page;
      }
    } finally {
      log.push('closed');
    }
  })();

describe('readAhead', () => {
  it('asks for the next page while the current one is being written', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    for await (const page of readAhead(source(3, log))) {
      log.push(`writing ${page}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push(page);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(log.indexOf('asked 2')).toBeLessThan(log.indexOf('writing 1') + 2);
    expect(log.indexOf('asked 2')).toBeGreaterThan(log.indexOf('asked 1'));
    expect(log.indexOf('asked 3')).toBeLessThan(log.indexOf('writing 2') + 2);
  });

  it('raises a failed page read ahead when it is reached, after the pages before it', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      await expect(
        (async () => {
          for await (const page of readAhead(source(3, log, 2))) {
            await new Promise((resolve) => setTimeout(resolve, 30));
            seen.push(page);
          }
        })()
      ).rejects.toThrow('page 2 failed');
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    expect(seen).toEqual([1]);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('closes the source when the consumer stops early', async () => {
    const log: string[] = [];
    for await (const page of readAhead(source(5, log))) {
      if (page === 2) break;
    }
    expect(log).toContain('closed');
    expect(log.filter((line) => line.startsWith('asked')).length).toBeLessThanOrEqual(3);
  });
});
