import {
  Badge,
  Box,
  Flex,
  Table,
  Tbody,
  Td,
  Th,
  Thead,
  Tr,
  Typography,
} from '@strapi/design-system';
import { Layouts, Page } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { useDirectories } from '../hooks/useDirectories';
import { useHealth } from '../hooks/useHealth';
import { getTranslation } from '../utils/getTranslation';

/** Settings > User Directory Sync > Configuration: the plugin's version and its directories. */
export const ConfigurationPage = () => {
  const { formatMessage } = useIntl();
  const health = useHealth();
  const { directories, error } = useDirectories();
  const t = (id: string, defaultMessage: string, values?: Record<string, string>) =>
    formatMessage({ id: getTranslation(id), defaultMessage }, values);

  if (health.loading) return <Page.Loading />;

  return (
    <Page.Main>
      <Page.Title>{t('settings.section', 'User Directory Sync')}</Page.Title>
      <Layouts.Header
        title={t('settings.section', 'User Directory Sync')}
        subtitle={t(
          'configuration.subtitle',
          'Keep Strapi users in step with Entra ID, Okta or a CSV file.'
        )}
        secondaryAction={
          health.version ? (
            <Badge data-testid="plugin-version">
              {t('configuration.version', 'Version {version}', { version: health.version })}
            </Badge>
          ) : (
            <Typography textColor="danger600">{health.error}</Typography>
          )
        }
      />
      <Layouts.Content>
        <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Typography variant="delta" tag="h2">
              {t('configuration.directories', 'Directories')}
            </Typography>
            {error ? <Typography textColor="danger600">{error}</Typography> : null}
            {directories && directories.length === 0 ? (
              <Typography textColor="neutral600">
                {t('configuration.empty', 'No directory is configured yet.')}
              </Typography>
            ) : null}
            {directories && directories.length > 0 ? (
              <Table colCount={5} rowCount={directories.length + 1}>
                <Thead>
                  <Tr>
                    <Th>
                      <Typography variant="sigma">{t('configuration.name', 'Name')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('configuration.type', 'Type')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">{t('configuration.status', 'Status')}</Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">
                        {t('configuration.lastRun', 'Last run')}
                      </Typography>
                    </Th>
                    <Th>
                      <Typography variant="sigma">
                        {t('configuration.nextRun', 'Next run')}
                      </Typography>
                    </Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {directories.map((directory) => (
                    <Tr key={directory.id}>
                      <Td>
                        <Typography>{directory.name}</Typography>
                      </Td>
                      <Td>
                        <Typography>{directory.type}</Typography>
                      </Td>
                      <Td>
                        <Badge>
                          {directory.enabled
                            ? t('configuration.enabled', 'Enabled')
                            : t('configuration.disabled', 'Disabled')}
                        </Badge>
                      </Td>
                      <Td>
                        <Typography>{directory.lastRunAt ?? '—'}</Typography>
                      </Td>
                      <Td>
                        <Typography>{directory.nextRunAt ?? '—'}</Typography>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            ) : null}
          </Flex>
        </Box>
      </Layouts.Content>
    </Page.Main>
  );
};
