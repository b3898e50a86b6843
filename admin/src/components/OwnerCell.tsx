import { Typography } from '@strapi/design-system';
import { useOwner } from '../hooks/useOwner';
import { useT } from '../hooks/useT';
import { USER_UID } from './ContentManagerActions';

/** A cell of the Content Manager's user list: the directory that owns the user, or "local". */
export const OwnerCell = ({ documentId }: { documentId: string }) => {
  const t = useT();
  const owner = useOwner(USER_UID, documentId);
  if (owner.loading && !owner.data) return <Typography textColor="neutral500">…</Typography>;
  return (
    <Typography textColor={owner.data ? 'neutral800' : 'neutral500'} data-testid="owner-cell">
      {owner.data ? owner.data.directory.name : t('cm.local')}
    </Typography>
  );
};
