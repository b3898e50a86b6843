import { csvCell } from '../audit';

describe('csvCell: audit export cells safe to open in a spreadsheet', () => {
  it.each([
    ['=HYPERLINK("https://evil.example","x")', `"'=HYPERLINK(""https://evil.example"",""x"")"`],
    ['=1+1', "'=1+1"],
    ['+cmd|calc', "'+cmd|calc"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\tSUM(1)', "'\tSUM(1)"],
    ['\r=1', `"'\r=1"`],
  ])('neutralises a cell starting a formula: %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it.each([
    ['alice', 'alice'],
    ['a=b', 'a=b'],
    ['x, y', '"x, y"'],
    ['say "hi"', '"say ""hi"""'],
    [null, ''],
    [undefined, ''],
    [42, '42'],
    [{ reason: '=bad' }, '"{""reason"":""=bad""}"'],
  ])('leaves other values as RFC 4180 wants: %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});
