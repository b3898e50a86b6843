import { Button, Flex, Typography } from '@strapi/design-system';
import type { Pagination } from '../../../shared/contracts';
import { useT } from '../hooks/useT';

/** Previous / next with "Page 2 of 5"; nothing when everything fits on one page. */
export const Pager = ({
  pagination,
  onPage,
  testId,
}: {
  pagination: Pagination | undefined;
  onPage: (page: number) => void;
  testId?: string;
}) => {
  const t = useT();
  if (!pagination) return null;
  const pages = Math.max(1, Math.ceil(pagination.total / pagination.pageSize));
  if (pages <= 1) return null;
  return (
    <Flex justifyContent="flex-end" gap={3} data-testid={testId}>
      <Button
        variant="tertiary"
        disabled={pagination.page <= 1}
        onClick={() => onPage(pagination.page - 1)}
      >
        {t('pager.previous')}
      </Button>
      <Typography>{t('pager.page', { page: pagination.page, pages })}</Typography>
      <Button
        variant="tertiary"
        disabled={pagination.page >= pages}
        onClick={() => onPage(pagination.page + 1)}
      >
        {t('pager.next')}
      </Button>
    </Flex>
  );
};
