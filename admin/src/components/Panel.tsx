import type { ReactNode } from 'react';
import { Box, Flex, Typography } from '@strapi/design-system';

/** A white card with a title, a short explanation and its content. */
export const Panel = ({
  title,
  description,
  actions,
  children,
  ...rest
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  'data-testid'?: string;
}) => (
  <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius {...rest}>
    <Flex direction="column" alignItems="stretch" gap={4}>
      <Flex justifyContent="space-between" alignItems="flex-start" gap={4}>
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
        {actions ? <Flex gap={2}>{actions}</Flex> : null}
      </Flex>
      {children}
    </Flex>
  </Box>
);
