import { useState } from 'react';
import { Badge, Button, Flex, IconButton, Loader, Typography } from '@strapi/design-system';
import { Cross, Play } from '@strapi/icons';
import type { Runs } from '../../../shared/contracts';
import { useApiError } from '../hooks/useApiError';
import { usePlan } from '../hooks/usePlan';
import { type MessageKey, useT } from '../hooks/useT';
import { changeLines, detailsLine, fieldLines } from '../utils/format';
import { type Column, DataTable, Lines } from './DataTable';
import { Pager } from './Pager';
import { Panel } from './Panel';

type Section = 'create' | 'update' | 'enable' | 'disable' | 'skip' | 'role' | 'other';

const sectionOf = (action: string): Section => {
  switch (action) {
    case 'user.create':
      return 'create';
    case 'user.update':
      return 'update';
    case 'user.enable':
      return 'enable';
    case 'user.disable':
      return 'disable';
    case 'user.skip':
    case 'user.conflict':
      return 'skip';
    default:
      return action.startsWith('role.') ? 'role' : 'other';
  }
};

const SECTIONS: Section[] = ['create', 'update', 'enable', 'disable', 'skip', 'role', 'other'];

/** The lines that explain one change: fields of a creation, diffs of an update, a reason. */
const linesOf = (entry: Runs.PlanEntry, roleLine: (reason: string) => string): string[] => {
  const { details } = entry;
  const section = sectionOf(entry.action);
  // Which role rule gave the user its role (or the default role), on a creation or a role change.
  const role = typeof details.roleReason === 'string' ? [roleLine(details.roleReason)] : [];
  if (section === 'create') return [...fieldLines(details.fields), ...role];
  const lines = [...changeLines(details.changes), ...role];
  if (typeof details.reason === 'string') lines.unshift(details.reason);
  if (lines.length) return lines;
  const other = detailsLine(details);
  return other ? [other] : [];
};

type Props = {
  run: Runs.Run;
  /** Apply this plan: a real run (or the confirmation of a held run). */
  onApply?: () => void;
  applyLabel?: string;
  applying?: boolean;
  onClose: () => void;
};

/** A run's plan (dry run, held run) or applied changes: creates, updates with diffs, disables, skips. */
export const PlanView = ({ run, onApply, applyLabel, applying, onClose }: Props) => {
  const t = useT();
  const { messageOf } = useApiError();
  const [page, setPage] = useState(1);
  const plan = usePlan(run.id, page);
  const entries = plan.data?.data ?? [];
  const applied = plan.data?.meta.applied ?? false;
  const bySection = new Map<Section, Runs.PlanEntry[]>();
  for (const entry of entries) {
    const section = sectionOf(entry.action);
    bySection.set(section, [...(bySection.get(section) ?? []), entry]);
  }

  const columns: Column<Runs.PlanEntry>[] = [
    {
      key: 'subject',
      header: t('plan.subject'),
      cell: (entry) => (
        <Typography fontWeight="semiBold" data-testid="plan-subject">
          {entry.subject}
        </Typography>
      ),
    },
    {
      key: 'details',
      header: t('plan.details'),
      wrap: true,
      cell: (entry) => (
        <Lines lines={linesOf(entry, (reason) => t('plan.roleReason', { reason }))} />
      ),
    },
  ];

  return (
    <Panel
      data-testid="plan"
      title={t(applied ? 'plan.appliedTitle' : 'plan.title', { id: run.id })}
      description={applied ? t('plan.appliedDescription') : t('plan.description')}
      actions={
        <>
          {onApply && !applied ? (
            <Button
              startIcon={<Play />}
              loading={applying}
              onClick={onApply}
              data-testid="apply-plan"
            >
              {applyLabel ?? t('plan.apply')}
            </Button>
          ) : null}
          <IconButton label={t('plan.close')} variant="ghost" onClick={onClose}>
            <Cross />
          </IconButton>
        </>
      }
    >
      <Flex gap={2} wrap="wrap" data-testid="plan-summary">
        {(run.status === 'held-safety-threshold' && !run.dryRun
          ? // A held run applied everything but its leavers: only they wait in this plan.
            (['disabled'] as const)
          : (['created', 'updated', 'enabled', 'disabled', 'unchanged', 'skipped'] as const)
        ).map((key) => {
          // A held run counts no disable: its leavers wait in the plan for the confirmation.
          const count =
            key === 'disabled' && run.status === 'held-safety-threshold'
              ? (bySection.get('disable')?.length ?? 0)
              : run.counts[key];
          return (
            <Badge key={key} variant={count ? 'primary' : 'neutral'}>
              {t(`counts.${key}` as MessageKey, { count })}
            </Badge>
          );
        })}
      </Flex>
      {run.status === 'held-safety-threshold' && run.error ? (
        <Typography textColor="warning700" data-testid="plan-held">
          {run.error.message}
        </Typography>
      ) : null}
      {plan.loading && !plan.data ? <Loader small>{t('form.loading')}</Loader> : null}
      {plan.error ? <Typography textColor="danger600">{messageOf(plan.error)}</Typography> : null}
      {plan.data && entries.length === 0 ? (
        <Typography textColor="neutral600" data-testid="plan-empty">
          {t('plan.empty')}
        </Typography>
      ) : null}
      {SECTIONS.filter((section) => bySection.has(section)).map((section) => {
        const rows = bySection.get(section) ?? [];
        return (
          <Flex
            key={section}
            direction="column"
            alignItems="stretch"
            gap={2}
            data-testid={`plan-${section}`}
          >
            <Typography variant="sigma" textColor="neutral600" tag="h3">
              {t(`plan.section.${section}` as MessageKey, { count: rows.length })}
            </Typography>
            <DataTable
              columns={columns}
              rows={rows}
              rowKey={(entry, index) =>
                `${entry.action}-${entry.externalId ?? entry.subject}-${index}`
              }
            />
          </Flex>
        );
      })}
      <Pager pagination={plan.data?.meta.pagination} onPage={setPage} />
    </Panel>
  );
};
