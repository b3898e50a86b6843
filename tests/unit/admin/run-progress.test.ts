/** The progress bar's arithmetic (admin/src/utils/progress.ts): a low estimate never passes 100 %. */
import { percentDone, shownTotal } from '../../../admin/src/utils/progress';

const progress = (done: number, total: number | null, estimated = false) => ({
  phase: 'fetching' as const,
  done,
  total,
  estimated,
});

describe('the progress bar', () => {
  it.each([
    ['an unknown total: the moving stripe', progress(40, null), undefined, undefined],
    ['nothing read yet of an exact total', progress(0, 200), 200, 0],
    ['half of an exact total', progress(100, 200), 200, 50],
    ['half of an estimate', progress(100, 200, true), 200, 50],
    ['past a low estimate: "done of about done"', progress(260, 200, true), 260, 100],
    ['past an exact total that lagged (an eventual count)', progress(201, 200), 201, 100],
  ])('%s', (_case, value, total, percent) => {
    expect(shownTotal(value)).toBe(total);
    expect(percentDone(value)).toBe(percent);
  });
});
