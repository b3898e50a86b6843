import type { ReactNode } from 'react';
import { Button, Flex, IconButton, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useT } from '../hooks/useT';

type Props<Row> = {
  rows: Row[];
  onChange: (rows: Row[]) => void;
  /** A new, empty row. */
  empty: Row;
  /** The two cells of a row: left -> right. */
  render: (row: Row, index: number, set: (row: Row) => void) => [ReactNode, ReactNode];
  addLabel: string;
  /** Other kinds of row, each with its own add button (a pattern rule beside a group rule). */
  more?: { label: string; row: Row }[];
  removeLabel: (index: number) => string;
  disabled?: boolean;
  testId: string;
};

/** Editable rows of `left -> right` pairs (mapping, column matches, group -> role). */
export const PairRows = <Row,>({
  rows,
  onChange,
  empty,
  render,
  addLabel,
  more = [],
  removeLabel,
  disabled,
  testId,
}: Props<Row>) => {
  const t = useT();
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid={testId}>
      {rows.length === 0 ? (
        <Typography variant="pi" textColor="neutral600">
          {t('form.noRows')}
        </Typography>
      ) : null}
      {rows.map((row, index) => {
        const [left, right] = render(row, index, (next) =>
          onChange(rows.map((current, i) => (i === index ? next : current)))
        );
        return (
          <Flex key={index} gap={3} alignItems="flex-start" data-testid={`${testId}-row`}>
            <Flex flex={1} direction="column" alignItems="stretch">
              {left}
            </Flex>
            <Typography paddingTop={8} aria-hidden>
              →
            </Typography>
            <Flex flex={1} direction="column" alignItems="stretch">
              {right}
            </Flex>
            <Flex paddingTop={6}>
              <IconButton
                label={removeLabel(index)}
                variant="ghost"
                disabled={disabled}
                onClick={() => onChange(rows.filter((_, i) => i !== index))}
              >
                <Trash />
              </IconButton>
            </Flex>
          </Flex>
        );
      })}
      <Flex gap={2} wrap="wrap">
        {[{ label: addLabel, row: empty }, ...more].map((kind) => (
          <Button
            key={kind.label}
            variant="secondary"
            startIcon={<Plus />}
            disabled={disabled}
            onClick={() => onChange([...rows, kind.row])}
          >
            {kind.label}
          </Button>
        ))}
      </Flex>
    </Flex>
  );
};
