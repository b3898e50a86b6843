import { Button } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { Runs } from '../../../shared/contracts';
import { type MessageKey, useT } from '../hooks/useT';
import { countsSummary, durationSeconds } from '../utils/runs';
import { type Column, DataTable } from './DataTable';
import { RunStatusBadge } from './RunStatusBadge';

const DATE = { dateStyle: 'medium', timeStyle: 'short' } as const;

/** A directory's runs: trigger, status, counts, duration; each with its plan or changes. */
export const RunHistory = ({
  runs,
  onShowPlan,
}: {
  runs: Runs.Run[];
  onShowPlan: (run: Runs.Run) => void;
}) => {
  const t = useT();
  const { formatDate } = useIntl();
  const columns: Column<Runs.Run>[] = [
    { key: 'id', header: t('runs.id'), cell: (run) => `#${run.id}` },
    {
      key: 'started',
      header: t('runs.started'),
      wrap: true,
      cell: (run) => (run.startedAt ? formatDate(run.startedAt, DATE) : '—'),
    },
    {
      key: 'trigger',
      header: t('runs.trigger'),
      cell: (run) =>
        `${t(`run.trigger.${run.trigger}` as MessageKey)}${run.dryRun ? ` · ${t('runs.dryRunFlag')}` : ''}`,
    },
    {
      key: 'status',
      header: t('runs.status'),
      cell: (run) => <RunStatusBadge status={run.status} />,
    },
    {
      key: 'counts',
      header: t('runs.counts'),
      wrap: true,
      cell: (run) => <span data-testid="run-counts">{countsSummary(run.counts, t)}</span>,
    },
    {
      key: 'duration',
      header: t('runs.duration'),
      cell: (run) => {
        const seconds = durationSeconds(run);
        return seconds === null ? '—' : t('runs.seconds', { seconds });
      },
    },
    {
      key: 'actions',
      header: t('list.actions'),
      cell: (run) => (
        <Button variant="tertiary" size="S" onClick={() => onShowPlan(run)}>
          {run.dryRun || run.status === 'held-safety-threshold'
            ? t('runs.showPlan')
            : t('runs.showChanges')}
        </Button>
      ),
    },
  ];
  return (
    <DataTable
      data-testid="run-history"
      columns={columns}
      rows={runs}
      rowTestId="run-row"
      rowData={(run) => ({ status: run.status })}
    />
  );
};
