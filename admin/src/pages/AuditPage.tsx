import { Box } from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { AuditLog } from '../components/AuditLog';
import { useDirectories } from '../hooks/useDirectories';
import { useT } from '../hooks/useT';

/** Settings > User Directory Sync > Audit log: every directory's changes, filtered and exported. */
export const AuditPage = () => {
  const t = useT();
  const directories = useDirectories(false);
  return (
    <Page.Main>
      <Page.Title>{t('settings.audit')}</Page.Title>
      <Layouts.Header title={t('settings.audit')} subtitle={t('audit.subtitle')} />
      <Layouts.Content>
        <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
          <AuditLog directories={directories.data ?? []} />
        </Box>
      </Layouts.Content>
    </Page.Main>
  );
};
