import { Box, Typography } from '@strapi/design-system';
import { unstable_useContentManagerContext as useContentManagerContext } from '@strapi/strapi/admin';
import { useOwner } from '../hooks/useOwner';
import { useT } from '../hooks/useT';

const USER_UID = 'plugin::users-permissions.user';

/** In the Content Manager's edit view of a user: which directory owns it and when it last synced. */
export const DirectoryOwner = () => {
  const { model, id } = useContentManagerContext();
  const owner = useOwner(USER_UID, model === USER_UID ? id : undefined);
  const t = useT();
  if (model !== USER_UID || !owner.data) return null;
  const { directory, lastRunAt, state } = owner.data;
  return (
    <Box
      data-testid="directory-owner"
      background="neutral0"
      hasRadius
      shadow="tableShadow"
      padding={4}
      marginTop={2}
    >
      <Typography variant="sigma" textColor="neutral600" tag="h3">
        {t('owner.title')}
      </Typography>
      <Box paddingTop={2}>
        <Typography>{t('owner.directory', { name: directory.name })}</Typography>
      </Box>
      <Box paddingTop={1}>
        <Typography textColor="neutral600">
          {lastRunAt
            ? t('owner.lastRun', { date: new Date(lastRunAt).toLocaleString() })
            : t('owner.never')}
          {state === 'disabled' ? ` · ${t('owner.disabled')}` : ''}
        </Typography>
      </Box>
    </Box>
  );
};
