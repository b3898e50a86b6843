import { useEffect, useRef, useState } from 'react';
import { Alert, Box, Button, Flex, Typography } from '@strapi/design-system';
import { Eye, Play } from '@strapi/icons';
import type { Directories, Runs } from '../../../../shared/contracts';
import { Pager } from '../../components/Pager';
import { Panel } from '../../components/Panel';
import { PlanView } from '../../components/PlanView';
import { RunHistory } from '../../components/RunHistory';
import { RunProgress } from '../../components/RunProgress';
import { useApiError } from '../../hooks/useApiError';
import { useRun } from '../../hooks/useRun';
import { useRuns } from '../../hooks/useRuns';
import { type MessageKey, useT } from '../../hooks/useT';
import { isActive } from '../../utils/runs';

type Props = {
  directory: Directories.Directory;
  canRun: boolean;
  /** Called when a followed run ends (the directory's last run time changed). */
  onFinished: () => void;
};

/** Runs: Sync now, Dry run with its plan, live progress, Cancel, the held-run banner, history. */
export const RunsTab = ({ directory, canRun, onFinished }: Props) => {
  const t = useT();
  const { notify, messageOf } = useApiError();
  const [page, setPage] = useState(1);
  const runs = useRuns(directory.id, page);
  const [followId, setFollowId] = useState<number | null>(null);
  const [planRun, setPlanRun] = useState<Runs.Run | null>(null);
  const [finished, setFinished] = useState<Runs.Run | null>(null);
  const [starting, setStarting] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const followed = useRun(followId);
  // Runs seen to end here: the history may still list them as running until it reloads.
  const settled = useRef(new Set<number>());
  const latest = page === 1 ? runs.data?.data[0] : undefined;
  const newestId = Math.max(latest?.id ?? 0, finished?.id ?? 0);

  // A run already going on when the tab opens (a scheduled one, another admin's) is followed too.
  useEffect(() => {
    if (followId === null && latest && isActive(latest) && !settled.current.has(latest.id))
      setFollowId(latest.id);
  }, [followId, latest]);

  // The followed run ended: show its outcome, and its plan when it was a dry run or held.
  useEffect(() => {
    const run = followed.run;
    if (!run || isActive(run)) return;
    settled.current.add(run.id);
    setFollowId(null);
    setCancelling(false);
    setFinished(run);
    if (run.dryRun || run.status === 'held-safety-threshold') setPlanRun(run);
    runs.reload();
    onFinished();
    // runs.reload and onFinished are stable; only a new state of the run matters.
  }, [followed.run]);

  const start = async (body: Runs.StartBody) => {
    setStarting(true);
    try {
      const run = await runs.start(body);
      setFinished(null);
      setPlanRun(null);
      setFollowId(run.id);
      setPage(1);
      runs.reload();
    } catch (error) {
      notify(error);
    } finally {
      setStarting(false);
    }
  };

  const cancel = async () => {
    if (followId === null) return;
    setCancelling(true);
    try {
      await runs.cancel(followId);
    } catch (error) {
      setCancelling(false);
      notify(error);
    }
  };

  const running = followId !== null;
  const held =
    !running &&
    latest?.status === 'held-safety-threshold' &&
    !latest.dryRun &&
    latest.id !== dismissed
      ? latest
      : null;
  const showResult =
    finished && !running && (finished.dryRun || finished.status !== 'held-safety-threshold');

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Panel
        title={t('tabs.runs')}
        description={t('runs.description')}
        actions={
          <>
            <Button
              variant="secondary"
              startIcon={<Eye />}
              disabled={!canRun || running}
              loading={starting}
              onClick={() => void start({ dryRun: true })}
            >
              {t('runs.dryRun')}
            </Button>
            <Button
              startIcon={<Play />}
              disabled={!canRun || running}
              loading={starting}
              onClick={() => void start({})}
            >
              {t('runs.syncNow')}
            </Button>
          </>
        }
      >
        {!canRun ? (
          <Typography variant="pi" textColor="neutral600">
            {t('runs.noRunPermission')}
          </Typography>
        ) : null}
        {runs.error ? <Typography textColor="danger600">{messageOf(runs.error)}</Typography> : null}
        {runs.data && runs.data.data.length === 0 ? (
          <Typography textColor="neutral600">{t('runs.empty')}</Typography>
        ) : null}
      </Panel>

      {followed.run && running ? (
        <RunProgress
          run={followed.run}
          canRun={canRun}
          cancelling={cancelling}
          onCancel={() => void cancel()}
        />
      ) : null}

      {held ? (
        <Box data-testid="held-banner">
          <Alert
            variant="warning"
            title={t('runs.heldTitle', { id: held.id })}
            closeLabel={t('form.close')}
            onClose={() => setDismissed(held.id)}
            action={
              <Flex gap={2}>
                <Button variant="secondary" size="S" onClick={() => setPlanRun(held)}>
                  {t('runs.showPlan')}
                </Button>
                <Button
                  variant="danger-light"
                  size="S"
                  disabled={!canRun}
                  loading={starting}
                  onClick={() => void start({ confirm: true })}
                  data-testid="confirm-held"
                >
                  {t('runs.confirmHeld')}
                </Button>
              </Flex>
            }
          >
            {held.error?.message ?? t('runs.heldFallback')}
          </Alert>
        </Box>
      ) : null}

      {showResult ? (
        <Box data-testid="run-result" data-status={finished.status}>
          <Alert
            variant={
              finished.status === 'succeeded'
                ? 'success'
                : finished.status === 'failed'
                  ? 'danger'
                  : 'warning'
            }
            title={t(finished.dryRun ? 'runs.resultDryTitle' : 'runs.resultTitle', {
              id: finished.id,
              status: t(`run.status.${finished.status}` as MessageKey),
            })}
            closeLabel={t('form.close')}
            onClose={() => setFinished(null)}
          >
            <span data-testid="run-result-counts">
              {t('runs.countsLine', {
                created: finished.counts.created,
                updated: finished.counts.updated,
                disabled: finished.counts.disabled,
                enabled: finished.counts.enabled,
                skipped: finished.counts.skipped,
                failed: finished.counts.failed,
              })}
            </span>
            {finished.error ? ` — ${finished.error.message}` : ''}
          </Alert>
        </Box>
      ) : null}

      {planRun ? (
        <PlanView
          key={planRun.id}
          run={planRun}
          applying={starting}
          onClose={() => setPlanRun(null)}
          onApply={
            !canRun || running
              ? undefined
              : planRun.status === 'held-safety-threshold' && planRun.id === newestId
                ? () => void start({ confirm: true })
                : planRun.dryRun && planRun.status === 'succeeded' && planRun.id === newestId
                  ? () => void start({})
                  : undefined
          }
          applyLabel={
            planRun.status === 'held-safety-threshold' ? t('runs.confirmHeld') : t('plan.apply')
          }
        />
      ) : null}

      {runs.data && runs.data.data.length > 0 ? (
        <Panel title={t('runs.history')}>
          <RunHistory runs={runs.data.data} onShowPlan={setPlanRun} />
          <Pager pagination={runs.data.meta.pagination} onPage={setPage} />
        </Panel>
      ) : null}
    </Flex>
  );
};
