import { useState } from 'react';
import { Button, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowClockwise, Check } from '@strapi/icons';
import { Page, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import type { ReactNode } from 'react';
import type { Directories } from '../../../../shared/contracts';
import { useApiError } from '../../hooks/useApiError';
import { type MessageKey, useT } from '../../hooks/useT';
import { Panel } from '../Panel';
import { useScim } from './useScim';

const DATE = { dateStyle: 'medium', timeStyle: 'short' } as const;

/** A small table: a header of message keys and rows of cells. */
const SimpleTable = ({
  headers,
  rows,
  testId,
}: {
  headers: MessageKey[];
  rows: { key: string | number; cells: ReactNode[] }[];
  testId: string;
}) => {
  const t = useT();
  return (
    <Table colCount={headers.length} rowCount={rows.length + 1} data-testid={testId}>
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
        {rows.map((row) => (
          <Tr key={row.key}>
            {row.cells.map((cell, i) => (
              <Td key={i}>
                <Typography>{cell}</Typography>
              </Td>
            ))}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};

/**
 * Runs tab of a SCIM directory: nothing to start (the identity provider pushes), so it shows the
 * deactivations the brake holds with their confirm, requests per hour and the last errors.
 */
export const ScimActivity = ({
  directory,
  canRun,
}: {
  directory: Directories.Directory;
  canRun: boolean;
}) => {
  const t = useT();
  const { formatDate } = useIntl();
  const { notify, messageOf } = useApiError();
  const { toggleNotification } = useNotification();
  const scim = useScim(directory.id);
  const [confirming, setConfirming] = useState(false);

  if (scim.loading && !scim.data) return <Page.Loading />;
  if (!scim.data) return <Page.Error content={messageOf(scim.error)} />;
  const { activity, held } = scim.data;

  const confirm = async () => {
    setConfirming(true);
    try {
      const { disabled } = await scim.confirmHeld();
      toggleNotification({
        type: 'success',
        message: t('scim.held.confirmed', { count: disabled }),
      });
      scim.reload();
    } catch (error) {
      notify(error);
    } finally {
      setConfirming(false);
    }
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={4} data-testid="scim-activity">
      {held.length ? (
        <Panel
          title={t('scim.held.title')}
          description={t('scim.held.description')}
          data-testid="scim-held"
          actions={
            <Button
              variant="danger"
              startIcon={<Check />}
              loading={confirming}
              disabled={!canRun}
              onClick={() => void confirm()}
            >
              {t('scim.held.confirm')}
            </Button>
          }
        >
          <SimpleTable
            testId="scim-held-list"
            headers={['scim.held.person']}
            rows={held.map((entry) => ({
              key: entry.externalId,
              cells: [entry.subject ?? entry.externalId],
            }))}
          />
        </Panel>
      ) : null}
      <Panel
        title={t('scim.activity.title')}
        description={t('scim.activity.description')}
        actions={
          <Button variant="tertiary" startIcon={<ArrowClockwise />} onClick={scim.reload}>
            {t('scim.reload')}
          </Button>
        }
      >
        {activity.lastRequestAt ? (
          <Typography textColor="neutral600">
            {t('scim.activity.lastRequest', { date: formatDate(activity.lastRequestAt, DATE) })}
          </Typography>
        ) : null}
        {activity.hours.length === 0 ? (
          <Typography textColor="neutral600">{t('scim.activity.none')}</Typography>
        ) : (
          <SimpleTable
            testId="scim-hours"
            headers={['scim.activity.hour', 'scim.activity.requests', 'scim.activity.errors']}
            rows={activity.hours.map((hour) => ({
              key: hour.hour,
              cells: [formatDate(hour.hour, DATE), hour.requests, hour.errors],
            }))}
          />
        )}
      </Panel>
      <Panel title={t('scim.errors.title')}>
        {activity.lastErrors.length === 0 ? (
          <Typography textColor="neutral600">{t('scim.errors.none')}</Typography>
        ) : (
          <SimpleTable
            testId="scim-errors"
            headers={[
              'scim.errors.at',
              'scim.errors.request',
              'scim.errors.status',
              'scim.errors.detail',
            ]}
            rows={activity.lastErrors.map((error, i) => ({
              key: `${error.at}-${i}`,
              cells: [
                formatDate(error.at, DATE),
                `${error.method} ${error.path}`,
                error.status,
                error.detail,
              ],
            }))}
          />
        )}
      </Panel>
    </Flex>
  );
};
