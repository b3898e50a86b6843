import { Button, MenuItem, SimpleMenu } from '@strapi/design-system';
import { ArrowClockwise, Filter, Play } from '@strapi/icons';
import { useFetchClient, useNotification, useRBAC } from '@strapi/strapi/admin';
import { useNavigate, useParams } from 'react-router-dom';
import type { Directories, Runs } from '../../../shared/contracts';
import { useApiError } from '../hooks/useApiError';
import { useLoader } from '../hooks/useLoader';
import { useT } from '../hooks/useT';
import { PERMISSIONS } from '../permissions';
import { API } from '../pluginId';

export const USER_UID = 'plugin::users-permissions.user';

/** The Directory sync menu's entries, for each directory. */
const MENU = [
  { action: 'sync', icon: Play, label: 'cm.syncNow' },
  { action: 'reset', icon: ArrowClockwise, label: 'cm.reset' },
] as const;

/** The Content Manager's list filtered on the users the sync disabled (blocked). */
export const DISABLED_FILTER = new URLSearchParams({
  page: '1',
  'filters[$and][0][blocked][$eq]': 'true',
}).toString();

/**
 * In the Content Manager's user list header: "Disabled by directory sync" (one click) and the
 * "Directory sync" menu (sync a directory now, reset its last run), for admins with the run action.
 */
export const ContentManagerActions = () => {
  const { slug } = useParams();
  if (slug !== USER_UID) return null;
  return <UserListActions />;
};

const UserListActions = () => {
  const t = useT();
  const navigate = useNavigate();
  const { get, post } = useFetchClient();
  const { notify } = useApiError();
  const { toggleNotification } = useNotification();
  const { allowedActions, isLoading } = useRBAC([...PERMISSIONS.read, ...PERMISSIONS.run]);
  const allowed = !isLoading && allowedActions.canRead && allowedActions.canRun;
  const directories = useLoader(
    allowed
      ? () =>
          get<Directories.List>(`${API}/directories`).then(({ data }) =>
            data.data.filter((directory) => directory.target === 'users-permissions')
          )
      : null,
    `cm-directories-${allowed}`
  );

  const act = async (directory: Directories.Directory, action: 'sync' | 'reset') => {
    try {
      if (action === 'sync') {
        const { data } = await post<Runs.Started>(`${API}/directories/${directory.id}/runs`, {});
        toggleNotification({
          type: 'success',
          message: t('cm.syncStarted', { name: directory.name, id: data.data.id }),
        });
      } else {
        await post(`${API}/directories/${directory.id}/reset`);
        toggleNotification({
          type: 'success',
          message: t('cm.resetDone', { name: directory.name }),
        });
      }
    } catch (error) {
      notify(error);
    }
  };

  return (
    <>
      <Button
        variant="tertiary"
        startIcon={<Filter />}
        data-testid="cm-disabled-filter"
        onClick={() => navigate({ search: DISABLED_FILTER })}
      >
        {t('cm.disabledFilter')}
      </Button>
      {allowed && directories.data?.length ? (
        <SimpleMenu label={t('cm.menu')} variant="tertiary" data-testid="cm-directory-sync">
          {directories.data.flatMap((directory) =>
            MENU.map(({ action, icon: Icon, label }) => (
              <MenuItem
                key={`${action}-${directory.id}`}
                startIcon={<Icon />}
                onSelect={() => void act(directory, action)}
              >
                {t(label, { name: directory.name })}
              </MenuItem>
            ))
          )}
        </SimpleMenu>
      ) : null}
    </>
  );
};
