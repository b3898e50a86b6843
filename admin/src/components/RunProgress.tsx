import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { Cross } from '@strapi/icons';
import { keyframes, styled } from 'styled-components';
import type { Runs } from '../../../shared/contracts';
import { type MessageKey, useT } from '../hooks/useT';
import { percentDone, shownTotal } from '../utils/progress';

const slide = keyframes`
  from { transform: translateX(-100%); }
  to { transform: translateX(250%); }
`;

const Track = styled.div`
  position: relative;
  overflow: hidden;
  width: 100%;
  height: 1rem;
  border-radius: ${({ theme }) => theme.borderRadius};
  background: ${({ theme }) => theme.colors.neutral150};
`;

const Fill = styled.div<{ $percent: number | undefined }>`
  height: 100%;
  border-radius: ${({ theme }) => theme.borderRadius};
  background: ${({ theme }) => theme.colors.primary600};
  width: ${({ $percent }) => ($percent === undefined ? '40%' : `${$percent}%`)};
  transition: width 0.4s ease;
  animation: ${({ $percent }) => ($percent === undefined ? slide : 'none')} 1.4s linear infinite;
`;

/**
 * A run going on: its phase, a progress bar (moving stripe while the total is unknown), "N of M"
 * (or "N of about M" for an estimated total), Cancel.
 */
export const RunProgress = ({
  run,
  onCancel,
  cancelling,
  canRun,
}: {
  run: Runs.Run;
  onCancel: () => void;
  cancelling: boolean;
  canRun: boolean;
}) => {
  const t = useT();
  const percent = percentDone(run.progress);
  const total = shownTotal(run.progress);
  const { done, phase, estimated } = run.progress;
  const count =
    total === undefined
      ? t('progress.countUnknown', { done })
      : t(estimated ? 'progress.countAbout' : 'progress.count', { done, total });
  return (
    <Box
      background="neutral0"
      padding={6}
      shadow="filterShadow"
      hasRadius
      data-testid="run-progress"
      data-phase={phase}
    >
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex justifyContent="space-between" gap={4}>
          <Typography variant="delta" tag="h2">
            {t(run.dryRun ? 'progress.dryTitle' : 'progress.title', { id: run.id })}
          </Typography>
          <Button
            variant="danger-light"
            startIcon={<Cross />}
            loading={cancelling}
            disabled={!canRun}
            onClick={onCancel}
          >
            {t('progress.cancel')}
          </Button>
        </Flex>
        <Track
          role="progressbar"
          aria-label={t('progress.label')}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
        >
          <Fill $percent={percent} />
        </Track>
        <Typography textColor="neutral700" data-testid="run-progress-text">
          {t(`progress.phase.${phase}` as MessageKey)}
          {' — '}
          {count}
        </Typography>
      </Flex>
    </Box>
  );
};
