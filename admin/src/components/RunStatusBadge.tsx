import { Badge } from '@strapi/design-system';
import type { Runs } from '../../../shared/contracts';
import { type MessageKey, useT } from '../hooks/useT';
import { statusVariant } from '../utils/runs';

/** A run's status as a coloured badge. */
export const RunStatusBadge = ({ status }: { status: Runs.Status }) => {
  const t = useT();
  return (
    <Badge variant={statusVariant(status)} data-testid="run-status" data-status={status}>
      {t(`run.status.${status}` as MessageKey)}
    </Badge>
  );
};
