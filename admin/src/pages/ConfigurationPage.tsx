import { useState } from 'react';
import {
  Badge,
  Box,
  Dialog,
  EmptyStateLayout,
  Flex,
  IconButton,
  Link,
  LinkButton,
  Switch,
  Typography,
} from '@strapi/design-system';
import { Pencil, Plus, Trash } from '@strapi/icons';
import { ConfirmDialog, Layouts, Page, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { Link as RouterLink } from 'react-router-dom';
import { type Column, DataTable } from '../components/DataTable';
import { RunStatusBadge } from '../components/RunStatusBadge';
import { useApiError } from '../hooks/useApiError';
import { type DirectoryWithLastRun, useDirectories } from '../hooks/useDirectories';
import { useHealth } from '../hooks/useHealth';
import { usePermissions } from '../hooks/usePermissions';
import { useT } from '../hooks/useT';
import { TYPE_LABELS } from '../utils/types';

const DATE = { dateStyle: 'medium', timeStyle: 'short' } as const;

/** Settings > User Directory Sync > Configuration: the directories, add, enable, delete. */
export const ConfigurationPage = () => {
  const t = useT();
  const { formatDate } = useIntl();
  const health = useHealth();
  const directories = useDirectories();
  const { canUpdate } = usePermissions();
  const { notify, messageOf } = useApiError();
  const { toggleNotification } = useNotification();
  const [deleting, setDeleting] = useState<DirectoryWithLastRun | null>(null);
  const [switching, setSwitching] = useState<number | null>(null);

  if (health.loading || (directories.loading && !directories.data)) return <Page.Loading />;

  const typeLabel = (type: string) => (TYPE_LABELS[type] ? t(TYPE_LABELS[type]) : type);

  const toggle = async (directory: DirectoryWithLastRun, enabled: boolean) => {
    setSwitching(directory.id);
    try {
      await directories.setEnabled(directory.id, enabled);
      toggleNotification({
        type: 'success',
        message: t(enabled ? 'list.enabledNotice' : 'list.disabledNotice', {
          name: directory.name,
        }),
      });
      directories.reload();
    } catch (error) {
      notify(error);
    } finally {
      setSwitching(null);
    }
  };

  const confirmDelete = async () => {
    if (!deleting) return;
    try {
      const unlinked = await directories.remove(deleting.id);
      toggleNotification({
        type: 'success',
        message: t('list.deleted', { name: deleting.name, count: unlinked }),
      });
      directories.reload();
    } catch (error) {
      notify(error);
    } finally {
      setDeleting(null);
    }
  };

  const rows = directories.data ?? [];
  const columns: Column<DirectoryWithLastRun>[] = [
    {
      key: 'name',
      header: t('configuration.name'),
      wrap: true,
      cell: (directory) => (
        <Link tag={RouterLink} to={`directories/${directory.id}`}>
          {directory.name}
        </Link>
      ),
    },
    { key: 'type', header: t('configuration.type'), wrap: true, cell: (d) => typeLabel(d.type) },
    {
      key: 'status',
      header: t('configuration.status'),
      cell: (directory) => (
        <Flex gap={2}>
          <Switch
            aria-label={t('list.enable', { name: directory.name })}
            checked={directory.enabled}
            disabled={!canUpdate || switching === directory.id}
            onCheckedChange={(checked) => void toggle(directory, checked)}
          />
          <Typography>
            {directory.enabled ? t('configuration.enabled') : t('configuration.disabled')}
          </Typography>
        </Flex>
      ),
    },
    {
      key: 'lastRun',
      header: t('configuration.lastRun'),
      wrap: true,
      cell: (directory) => (directory.lastRunAt ? formatDate(directory.lastRunAt, DATE) : '—'),
    },
    {
      key: 'outcome',
      header: t('list.outcome'),
      cell: (directory) =>
        directory.lastRun ? (
          <Flex gap={2} wrap="wrap">
            <RunStatusBadge status={directory.lastRun.status} />
            {directory.lastRun.dryRun ? (
              <Typography variant="pi" textColor="neutral600">
                {t('runs.dryRunFlag')}
              </Typography>
            ) : null}
          </Flex>
        ) : (
          <Typography textColor="neutral600">{t('list.never')}</Typography>
        ),
    },
    {
      key: 'nextRun',
      header: t('configuration.nextRun'),
      wrap: true,
      cell: (directory) =>
        directory.enabled && directory.nextRunAt ? formatDate(directory.nextRunAt, DATE) : '—',
    },
    {
      key: 'actions',
      header: t('list.actions'),
      cell: (directory) => (
        <Flex gap={1}>
          <IconButton
            tag={RouterLink}
            to={`directories/${directory.id}`}
            label={t('list.open', { name: directory.name })}
            variant="ghost"
          >
            <Pencil />
          </IconButton>
          {canUpdate ? (
            <IconButton
              label={t('list.delete', { name: directory.name })}
              variant="ghost"
              onClick={() => setDeleting(directory)}
            >
              <Trash />
            </IconButton>
          ) : null}
        </Flex>
      ),
    },
  ];

  return (
    <Page.Main>
      <Page.Title>{t('settings.section')}</Page.Title>
      <Layouts.Header
        title={t('settings.section')}
        subtitle={t('configuration.subtitle')}
        primaryAction={
          canUpdate ? (
            <LinkButton tag={RouterLink} to="directories/new" startIcon={<Plus />}>
              {t('list.add')}
            </LinkButton>
          ) : undefined
        }
        secondaryAction={
          health.data ? (
            <Badge data-testid="plugin-version">
              {t('configuration.version', { version: health.data })}
            </Badge>
          ) : (
            <Typography textColor="danger600">{messageOf(health.error)}</Typography>
          )
        }
      />
      <Layouts.Content>
        {directories.error ? (
          <Typography textColor="danger600">{messageOf(directories.error)}</Typography>
        ) : null}
        {rows.length === 0 && !directories.error ? (
          <EmptyStateLayout
            content={t('configuration.empty')}
            action={
              canUpdate ? (
                <LinkButton
                  tag={RouterLink}
                  to="directories/new"
                  variant="secondary"
                  startIcon={<Plus />}
                >
                  {t('list.add')}
                </LinkButton>
              ) : undefined
            }
          />
        ) : null}
        <DataTable
          columns={columns}
          rows={rows}
          rowTestId="directory-row"
          rowData={(directory) => ({ name: directory.name })}
        />
        <Box paddingTop={4}>
          <Typography variant="pi" textColor="neutral600">
            {t('list.scheduleNote')}
          </Typography>
        </Box>
      </Layouts.Content>
      <Dialog.Root open={deleting !== null} onOpenChange={(open) => !open && setDeleting(null)}>
        <ConfirmDialog
          title={t('list.deleteTitle', { name: deleting?.name ?? '' })}
          variant="danger"
          onConfirm={confirmDelete}
        >
          <Flex direction="column" gap={2}>
            <Typography textAlign="center">
              {t('list.deleteBody', { name: deleting?.name ?? '' })}
            </Typography>
            <Typography textAlign="center" fontWeight="bold">
              {t('list.deleteUsersStay')}
            </Typography>
          </Flex>
        </ConfirmDialog>
      </Dialog.Root>
    </Page.Main>
  );
};
