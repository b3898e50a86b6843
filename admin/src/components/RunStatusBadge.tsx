import type { ReactNode } from 'react';
import { Badge } from '@strapi/design-system';
import type { Runs } from '../../../shared/contracts';
import { type MessageKey, useT } from '../hooks/useT';
import { statusVariant } from '../utils/runs';

type Tone = 'success' | 'danger' | 'warning' | 'primary' | 'neutral';

/**
 * A badge in a tone whose text keeps a 4.5:1 contrast (WCAG AA): the design system's own danger and
 * success badges (600 on 200) fall short of it at badge size.
 */
export const ToneBadge = ({
  tone,
  children,
  ...rest
}: {
  tone: Tone;
  children: ReactNode;
  'data-testid'?: string;
  'data-status'?: string;
}) => (
  <Badge textColor={`${tone}700`} backgroundColor={`${tone}100`} {...rest}>
    {children}
  </Badge>
);

/** A run's status as a coloured badge. */
export const RunStatusBadge = ({ status }: { status: Runs.Status }) => {
  const t = useT();
  return (
    <ToneBadge tone={statusVariant(status)} data-testid="run-status" data-status={status}>
      {t(`run.status.${status}` as MessageKey)}
    </ToneBadge>
  );
};
