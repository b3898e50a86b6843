import { useState } from 'react';
import { Badge, Button, Flex, Loader, Typography } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { Audit, Directories } from '../../../shared/contracts';
import { AUDIT_ACTIONS } from '../constants';
import { useApiError } from '../hooks/useApiError';
import { useAudit } from '../hooks/useAudit';
import { useT } from '../hooks/useT';
import { detailsLine } from '../utils/format';
import { type Column, DataTable } from './DataTable';
import { Cell, FormGrid, SelectField, TextField } from './Fields';
import { Pager } from './Pager';

const DATE = { dateStyle: 'medium', timeStyle: 'medium' } as const;
const ALL = '';

/** The day's first (from) or last (to) instant, in the admin's time zone, as ISO 8601. */
const dayBound = (day: string, end: boolean) =>
  day ? new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`).toISOString() : undefined;

type Props = {
  /** Filter on this directory and hide the directory filter (a directory's own tab). */
  directoryId?: number;
  /** The directories to filter on and to name in the table. */
  directories: Directories.Directory[];
};

/** The audit log: filters (directory, action, user, dates), paging and CSV export. */
export const AuditLog = ({ directoryId, directories }: Props) => {
  const t = useT();
  const { formatDate } = useIntl();
  const { notify, messageOf } = useApiError();
  const [directory, setDirectory] = useState(directoryId ? String(directoryId) : ALL);
  const [action, setAction] = useState(ALL);
  const [subject, setSubject] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [page, setPage] = useState(1);
  const [exporting, setExporting] = useState(false);
  const filters: Audit.Filters = {
    directory: directory ? Number(directory) : undefined,
    action: action || undefined,
    subject: subject.trim() || undefined,
    from: dayBound(from, false),
    to: dayBound(to, true),
  };
  const audit = useAudit(filters, page);
  const names = new Map(directories.map((entry) => [entry.id, entry.name]));
  const filter =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setPage(1);
    };

  const download = async () => {
    setExporting(true);
    try {
      await audit.exportCsv();
    } catch (error) {
      notify(error);
    } finally {
      setExporting(false);
    }
  };

  const entries = audit.data?.data ?? [];
  const columns: Column<Audit.Entry>[] = [
    { key: 'at', header: t('audit.at'), wrap: true, cell: (entry) => formatDate(entry.at, DATE) },
    { key: 'action', header: t('audit.action'), cell: (entry) => <Badge>{entry.action}</Badge> },
    {
      key: 'subject',
      header: t('audit.subject'),
      wrap: true,
      cell: (entry) => <Typography fontWeight="semiBold">{entry.subject ?? '—'}</Typography>,
    },
    {
      key: 'directory',
      header: t('audit.directory'),
      hidden: directoryId !== undefined,
      wrap: true,
      cell: (entry) =>
        entry.directory === null ? '—' : (names.get(entry.directory) ?? `#${entry.directory}`),
    },
    { key: 'actor', header: t('audit.actor'), wrap: true, cell: (entry) => entry.actor },
    {
      key: 'details',
      header: t('audit.details'),
      wrap: true,
      cell: (entry) => (
        <Typography variant="pi" textColor="neutral700">
          {detailsLine(entry.details)}
          {entry.run ? ` (${t('audit.run', { id: entry.run })})` : ''}
        </Typography>
      ),
    },
  ];
  return (
    <Flex direction="column" alignItems="stretch" gap={4} data-testid="audit-log">
      <FormGrid>
        {directoryId ? null : (
          <Cell col={3} s={6}>
            <SelectField
              name="audit-directory"
              label={t('audit.directory')}
              value={directory}
              onChange={filter(setDirectory)}
              options={[
                { value: ALL, label: t('audit.allDirectories') },
                ...directories.map((entry) => ({ value: String(entry.id), label: entry.name })),
              ]}
            />
          </Cell>
        )}
        <Cell col={3} s={6}>
          <SelectField
            name="audit-action"
            label={t('audit.action')}
            value={action}
            onChange={filter(setAction)}
            options={[
              { value: ALL, label: t('audit.allActions') },
              ...AUDIT_ACTIONS.map((name) => ({ value: name, label: name })),
            ]}
          />
        </Cell>
        <Cell col={directoryId ? 4 : 2} s={6}>
          <TextField
            name="audit-subject"
            label={t('audit.subject')}
            placeholder={t('audit.subjectPlaceholder')}
            value={subject}
            onChange={filter(setSubject)}
          />
        </Cell>
        {(
          [
            ['from', from, setFrom],
            ['to', to, setTo],
          ] as const
        ).map(([bound, value, set]) => (
          <Cell key={bound} col={2} s={6}>
            <TextField
              name={`audit-${bound}`}
              type="date"
              label={t(`audit.${bound}`)}
              value={value}
              onChange={filter(set)}
            />
          </Cell>
        ))}
      </FormGrid>
      <Flex justifyContent="space-between">
        <Typography textColor="neutral600" data-testid="audit-total">
          {audit.data ? t('audit.total', { total: audit.data.meta.pagination.total }) : ''}
        </Typography>
        <Button
          variant="secondary"
          startIcon={<Download />}
          loading={exporting}
          onClick={() => void download()}
        >
          {t('audit.export')}
        </Button>
      </Flex>
      {audit.loading && !audit.data ? <Loader small>{t('form.loading')}</Loader> : null}
      {audit.error ? <Typography textColor="danger600">{messageOf(audit.error)}</Typography> : null}
      {audit.data && entries.length === 0 ? (
        <Typography textColor="neutral600">{t('audit.empty')}</Typography>
      ) : null}
      <DataTable
        columns={columns}
        rows={entries}
        rowTestId="audit-row"
        rowData={(entry) => ({ subject: entry.subject ?? '' })}
      />
      <Pager pagination={audit.data?.meta.pagination} onPage={setPage} testId="audit-pager" />
    </Flex>
  );
};
