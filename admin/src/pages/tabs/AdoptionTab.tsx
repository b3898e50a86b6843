import { useState } from 'react';
import { Button, Checkbox, Flex, Link, Loader, Typography } from '@strapi/design-system';
import { ArrowClockwise, Check } from '@strapi/icons';
import { useNotification } from '@strapi/strapi/admin';
import { Link as RouterLink } from 'react-router-dom';
import type { Adoption, Directories } from '../../../../shared/contracts';
import { type Column, DataTable, Lines } from '../../components/DataTable';
import { ToneBadge } from '../../components/RunStatusBadge';
import { Panel } from '../../components/Panel';
import { useAdoption } from '../../hooks/useAdoption';
import { useApiError } from '../../hooks/useApiError';
import { useT } from '../../hooks/useT';
import { changeLines } from '../../utils/format';

type Props = { directory: Directories.Directory; canRun: boolean };

/** Local users: the ones matching the directory's people, what adopting changes, adopt them. */
export const AdoptionTab = ({ directory, canRun }: Props) => {
  const t = useT();
  const { notify, messageOf } = useApiError();
  const { toggleNotification } = useNotification();
  const preview = useAdoption(directory.id);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [adopting, setAdopting] = useState(false);
  const candidates = preview.data ?? [];
  const open = candidates.filter((candidate) => !candidate.refused);
  const refused = candidates.length - open.length;
  const allChosen = open.length > 0 && open.every((c) => chosen.has(c.localUser.id));

  const choose = (id: number, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };

  const adopt = async (users: number[] | 'all') => {
    setAdopting(true);
    try {
      const adopted = await preview.adopt(users);
      toggleNotification({
        type: 'success',
        message: t('adoption.done', { count: adopted.length }),
      });
      setChosen(new Set());
      preview.reload();
    } catch (error) {
      notify(error);
    } finally {
      setAdopting(false);
    }
  };

  const columns: Column<Adoption.Candidate>[] = [
    {
      key: 'choose',
      header: (
        <Checkbox
          aria-label={t('adoption.chooseAll')}
          disabled={!canRun || open.length === 0}
          checked={allChosen ? true : chosen.size > 0 ? 'indeterminate' : false}
          onCheckedChange={(on) =>
            setChosen(on === true ? new Set(open.map((c) => c.localUser.id)) : new Set())
          }
        />
      ),
      cell: (candidate) => (
        <Checkbox
          aria-label={t('adoption.choose', { name: candidate.localUser.username })}
          disabled={!canRun || Boolean(candidate.refused)}
          checked={chosen.has(candidate.localUser.id)}
          onCheckedChange={(on) => choose(candidate.localUser.id, on === true)}
        />
      ),
    },
    {
      key: 'local',
      header: t('adoption.localUser'),
      wrap: true,
      cell: ({ localUser }) => (
        <Lines lines={[localUser.username, localUser.email ?? '—', `#${localUser.id}`]} />
      ),
    },
    {
      key: 'directory',
      header: t('adoption.directoryUser'),
      wrap: true,
      cell: ({ directoryUser }) => (
        <Lines
          lines={[
            directoryUser.username ?? '—',
            directoryUser.email ?? '—',
            directoryUser.externalId,
          ]}
        />
      ),
    },
    {
      key: 'match',
      header: t('adoption.match'),
      cell: (candidate) =>
        candidate.match === 'email' ? t('adoption.byEmail') : t('adoption.byUsername'),
    },
    {
      key: 'changes',
      header: t('adoption.changes'),
      wrap: true,
      cell: (candidate) => {
        const lines = changeLines(candidate.changes);
        return lines.length ? <Lines lines={lines} /> : t('adoption.noChange');
      },
    },
    {
      key: 'status',
      header: t('adoption.status'),
      wrap: true,
      cell: (candidate) =>
        candidate.refused ? (
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <ToneBadge tone="danger">{t('adoption.refused')}</ToneBadge>
            <Typography variant="pi" textColor="neutral700" data-testid="adoption-reason">
              {candidate.refused}
            </Typography>
          </Flex>
        ) : (
          <ToneBadge tone="success">{t('adoption.ready')}</ToneBadge>
        ),
    },
  ];

  return (
    <Panel
      title={t('tabs.adoption')}
      description={t('adoption.description')}
      data-testid="adoption"
      actions={
        <>
          <Button
            variant="tertiary"
            startIcon={<ArrowClockwise />}
            loading={preview.loading && Boolean(preview.data)}
            onClick={preview.reload}
          >
            {t('adoption.refresh')}
          </Button>
          <Button
            variant="secondary"
            disabled={!canRun || open.length === 0 || adopting}
            onClick={() => void adopt('all')}
          >
            {t('adoption.adoptAll', { count: open.length })}
          </Button>
          <Button
            startIcon={<Check />}
            loading={adopting}
            disabled={!canRun || chosen.size === 0}
            onClick={() => void adopt([...chosen])}
          >
            {t('adoption.adoptChosen', { count: chosen.size })}
          </Button>
        </>
      }
    >
      {!canRun ? (
        <Typography variant="pi" textColor="neutral600">
          {t('adoption.noRunPermission')}
        </Typography>
      ) : null}
      {preview.loading && !preview.data ? <Loader small>{t('adoption.loading')}</Loader> : null}
      {preview.error ? (
        <Typography textColor="danger600">{messageOf(preview.error)}</Typography>
      ) : null}
      {preview.data ? (
        <Typography textColor="neutral600" data-testid="adoption-summary">
          {t('adoption.summary', { count: candidates.length, refused })}{' '}
          <Link tag={RouterLink} to="?tab=audit">
            {t('adoption.seeAudit')}
          </Link>
        </Typography>
      ) : null}
      <DataTable
        data-testid="adoption-table"
        columns={columns}
        rows={candidates}
        rowKey={(candidate) => candidate.localUser.id}
        rowTestId="adoption-row"
        rowData={(candidate) => ({
          username: candidate.localUser.username,
          refused: candidate.refused ? 'true' : 'false',
        })}
      />
    </Panel>
  );
};
