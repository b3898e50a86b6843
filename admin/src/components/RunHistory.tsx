import { Button, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { Runs } from '../../../shared/contracts';
import { type MessageKey, useT } from '../hooks/useT';
import { countsSummary, durationSeconds } from '../utils/runs';
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
  const headers: MessageKey[] = [
    'runs.id',
    'runs.started',
    'runs.trigger',
    'runs.status',
    'runs.counts',
    'runs.duration',
    'list.actions',
  ];
  return (
    <Table colCount={headers.length} rowCount={runs.length + 1} data-testid="run-history">
      <Thead>
        <Tr>
          {headers.map((header) => (
            <Th key={header}>
              <Typography variant="sigma">{t(header)}</Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {runs.map((run) => {
          const seconds = durationSeconds(run);
          const { counts } = run;
          return (
            <Tr key={run.id} data-testid="run-row" data-status={run.status}>
              <Td>
                <Typography>#{run.id}</Typography>
              </Td>
              <Td>
                <Typography>{run.startedAt ? formatDate(run.startedAt, DATE) : '—'}</Typography>
              </Td>
              <Td>
                <Typography>
                  {t(`run.trigger.${run.trigger}` as MessageKey)}
                  {run.dryRun ? ` · ${t('runs.dryRunFlag')}` : ''}
                </Typography>
              </Td>
              <Td>
                <RunStatusBadge status={run.status} />
              </Td>
              <Td>
                <Typography variant="pi" data-testid="run-counts">
                  {countsSummary(counts, t)}
                </Typography>
              </Td>
              <Td>
                <Typography>{seconds === null ? '—' : t('runs.seconds', { seconds })}</Typography>
              </Td>
              <Td>
                <Button variant="tertiary" size="S" onClick={() => onShowPlan(run)}>
                  {run.dryRun || run.status === 'held-safety-threshold'
                    ? t('runs.showPlan')
                    : t('runs.showChanges')}
                </Button>
              </Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
};
