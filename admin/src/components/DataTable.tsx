import type { ReactNode } from 'react';
import { Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';

/** One column: its header and how a row shows in it. */
export type Column<Row> = {
  key: string;
  /** A string is shown as Strapi's table headers are; anything else as it is (a checkbox). */
  header: ReactNode;
  /** A string or number is shown as table text; anything else as it is. */
  cell: (row: Row) => ReactNode;
  /** Long text wraps instead of widening the table (names, details). */
  wrap?: boolean;
  /** Left out (a column that does not apply here). */
  hidden?: boolean;
};

type Props<Row> = {
  columns: Column<Row>[];
  /** Nothing is shown when there is none. */
  rows: Row[];
  /** The row's `id` by default. */
  rowKey?: (row: Row, index: number) => string | number;
  /** The test id of every row. */
  rowTestId?: string;
  /** `data-*` attributes of a row (what a test or a style picks it by). */
  rowData?: (row: Row) => Record<string, string>;
  'data-testid'?: string;
};

const keyOf = (row: unknown, index: number) => (row as { id?: string | number }).id ?? index;

const show = (content: ReactNode, header = false) =>
  typeof content === 'string' || typeof content === 'number' ? (
    <Typography variant={header ? 'sigma' : 'omega'} textColor={header ? undefined : 'neutral800'}>
      {content}
    </Typography>
  ) : (
    content
  );

/** The one table of the panel: the header built from the columns, a row per item. */
export const DataTable = <Row,>({
  columns,
  rows,
  rowKey = keyOf,
  rowTestId,
  rowData,
  ...rest
}: Props<Row>) => {
  const shown = columns.filter((column) => !column.hidden);
  if (!rows.length) return null;
  return (
    <Table colCount={shown.length} rowCount={rows.length + 1} {...rest}>
      <Thead>
        <Tr>
          {shown.map((column) => (
            <Th key={column.key}>{show(column.header, true)}</Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((row, index) => (
          <Tr
            key={rowKey(row, index)}
            data-testid={rowTestId}
            {...Object.fromEntries(
              Object.entries(rowData?.(row) ?? {}).map(([name, value]) => [`data-${name}`, value])
            )}
          >
            {shown.map((column) => (
              <Td key={column.key} style={column.wrap ? { whiteSpace: 'normal' } : undefined}>
                {show(column.cell(row))}
              </Td>
            ))}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};

/** Short lines one under the other, in a cell (a plan entry's changes, a user's logins). */
export const Lines = ({ lines }: { lines: string[] }) => (
  <Flex direction="column" alignItems="flex-start">
    {lines.map((line, i) => (
      <Typography key={i} variant="pi" textColor="neutral700">
        {line}
      </Typography>
    ))}
  </Flex>
);
