import type { ReactNode } from 'react';
import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { useT } from '../hooks/useT';

/** The Save button of a form panel. */
export type SaveAction = { onSave: () => void; saving: boolean; disabled?: boolean };

/** A white card with a title, a short explanation, its actions (Save) and its content. */
export const Panel = ({
  title,
  description,
  actions,
  save,
  children,
  ...rest
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  save?: SaveAction;
  children: ReactNode;
  'data-testid'?: string;
}) => {
  const t = useT();
  return (
    <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius {...rest}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Flex justifyContent="space-between" alignItems="flex-start" gap={4} wrap="wrap">
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="delta" tag="h2">
              {title}
            </Typography>
            {description ? (
              <Typography variant="pi" textColor="neutral600">
                {description}
              </Typography>
            ) : null}
          </Flex>
          {actions || save ? (
            <Flex gap={2} shrink={0} wrap="wrap">
              {actions}
              {save ? (
                <Button
                  startIcon={<Check />}
                  loading={save.saving}
                  disabled={save.disabled}
                  onClick={save.onSave}
                >
                  {t('form.save')}
                </Button>
              ) : null}
            </Flex>
          ) : null}
        </Flex>
        {children}
      </Flex>
    </Box>
  );
};
