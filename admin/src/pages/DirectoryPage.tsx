import { Badge, Box, Flex, Link, Tabs, Typography } from '@strapi/design-system';
import { ArrowLeft } from '@strapi/icons';
import { Layouts, Page } from '@strapi/strapi/admin';
import { Link as RouterLink, useParams, useSearchParams } from 'react-router-dom';
import type { Meta } from '../../../shared/contracts';
import { useApiError } from '../hooks/useApiError';
import { useDirectory } from '../hooks/useDirectory';
import { useMeta } from '../hooks/useMeta';
import { usePermissions } from '../hooks/usePermissions';
import { type MessageKey, useT } from '../hooks/useT';
import { TYPE_LABELS } from '../utils/types';
import { ScimActivity } from '../components/scim/ScimActivity';
import { ScimConnection } from '../components/scim/ScimConnection';
import { AdoptionTab } from './tabs/AdoptionTab';
import { AuditTab } from './tabs/AuditTab';
import { ConnectionTab } from './tabs/ConnectionTab';
import { GroupsTab } from './tabs/GroupsTab';
import { MappingTab } from './tabs/MappingTab';
import { RunsTab } from './tabs/RunsTab';
import { SafetyTab } from './tabs/SafetyTab';
import { SettingsTab } from './tabs/SettingsTab';

const TABS = [
  'connection',
  'settings',
  'mapping',
  'groups',
  'safety',
  'runs',
  'adoption',
  'audit',
] as const;
type Tab = (typeof TABS)[number];

/** One directory, in tabs: Connection, Directory settings, Data mapping, ... Audit log. */
export const DirectoryPage = () => {
  const t = useT();
  const { id } = useParams();
  const directoryId = Number(id);
  const [params, setParams] = useSearchParams();
  const permissions = usePermissions();
  const meta = useMeta();
  const directory = useDirectory(directoryId);
  const { messageOf } = useApiError();

  if (permissions.isLoading || meta.loading || (directory.loading && !directory.data))
    return <Page.Loading />;
  if (!directory.data || !meta.data)
    return <Page.Error content={messageOf(directory.error ?? meta.error)} />;

  const current = directory.data;
  const definition: Meta.DirectoryType = meta.data.types.find(
    (entry) => entry.type === current.type
  ) ?? {
    type: current.type,
    secrets: Object.keys(current.secrets),
    requiredConnection: [],
    defaultMapping: [],
    usersByGroup: false,
  };
  const allowed: Record<Tab, boolean> = {
    connection: permissions.canUpdate,
    settings: true,
    mapping: true,
    groups: true,
    safety: true,
    runs: true,
    adoption: true,
    audit: permissions.canAudit,
  };
  const requested = params.get('tab') as Tab | null;
  const tab: Tab =
    requested && TABS.includes(requested)
      ? requested
      : permissions.canUpdate
        ? 'connection'
        : 'settings';
  const typeLabel = TYPE_LABELS[current.type] ? t(TYPE_LABELS[current.type]) : current.type;
  const common = {
    directory: current,
    definition,
    update: directory.update,
    canUpdate: permissions.canUpdate,
  };

  return (
    <Page.Main>
      <Page.Title>{current.name}</Page.Title>
      <Layouts.Header
        title={current.name}
        subtitle={
          <Flex gap={2}>
            <Typography textColor="neutral600">{typeLabel}</Typography>
            <Badge variant={current.enabled ? 'success' : 'neutral'}>
              {current.enabled ? t('configuration.enabled') : t('configuration.disabled')}
            </Badge>
          </Flex>
        }
        navigationAction={
          <Link tag={RouterLink} to=".." startIcon={<ArrowLeft />}>
            {t('form.back')}
          </Link>
        }
      />
      <Layouts.Content>
        <Tabs.Root
          value={tab}
          onValueChange={(value) => setParams({ tab: value }, { replace: true })}
          variant="simple"
        >
          <Tabs.List aria-label={t('tabs.label')}>
            {TABS.map((name) => (
              <Tabs.Trigger key={name} value={name} disabled={!allowed[name]}>
                {t(`tabs.${name}` as MessageKey)}
              </Tabs.Trigger>
            ))}
          </Tabs.List>
          <Box paddingTop={6}>
            {TABS.map((name) => (
              <Tabs.Content key={name} value={name}>
                {!allowed[name] ? (
                  <Page.NoPermissions />
                ) : name === 'connection' && current.type === 'scim' ? (
                  <ScimConnection directory={current} canUpdate={permissions.canUpdate} />
                ) : name === 'connection' ? (
                  <ConnectionTab {...common} testConnection={directory.testConnection} />
                ) : name === 'settings' ? (
                  <SettingsTab {...common} canRun={permissions.canRun} reset={directory.reset} />
                ) : name === 'mapping' ? (
                  <MappingTab
                    {...common}
                    userFields={
                      (current.target === 'admin'
                        ? meta.data?.userFields.admin
                        : meta.data?.userFields['users-permissions']) ?? []
                    }
                  />
                ) : name === 'groups' ? (
                  <GroupsTab {...common} />
                ) : name === 'safety' ? (
                  <SafetyTab {...common} />
                ) : name === 'runs' && current.type === 'scim' ? (
                  <ScimActivity directory={current} canRun={permissions.canRun} />
                ) : name === 'runs' ? (
                  <RunsTab
                    directory={current}
                    canRun={permissions.canRun}
                    onFinished={directory.reload}
                  />
                ) : name === 'adoption' ? (
                  <AdoptionTab directory={current} canRun={permissions.canRun} />
                ) : (
                  <AuditTab directory={current} />
                )}
              </Tabs.Content>
            ))}
          </Box>
        </Tabs.Root>
      </Layouts.Content>
    </Page.Main>
  );
};
