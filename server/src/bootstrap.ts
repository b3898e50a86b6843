import type { Core } from '@strapi/strapi';
import { PLUGIN_ID, USER_UID } from './constants';
import { EVENT_ACTIONS } from './services/audit';
import { getService } from './utils/get-service';

/** Lets an admin pick the plugin's events on Strapi's own Webhooks page. */
const registerWebhookEvents = (strapi: Core.Strapi) => {
  const store = strapi.get('webhookStore') as {
    addAllowedEvent?(key: string, value: string): void;
  };
  for (const action of EVENT_ACTIONS) {
    const key = `USER_DIRECTORY_SYNC_${action.replace(/\./g, '_').toUpperCase()}`;
    store?.addAllowedEvent?.(key, `user-directory-sync.${action}`);
  }
};

/** The Content Manager's own first columns of the user list, before anyone customises it. */
const DEFAULT_USER_LIST = ['id', 'username', 'email', 'confirmed'];
/** What an admin should see first: who is disabled, where they work, which directory owns them. */
export const SYNCED_USER_LIST = ['id', 'username', 'email', 'blocked', 'department', 'jobTitle'];

type ListConfiguration = {
  layouts?: { list?: string[] };
  metadatas?: Record<string, { edit?: Record<string, unknown>; list?: Record<string, unknown> }>;
} & Record<string, unknown>;
type ContentTypesService = {
  findConfiguration(contentType: { uid: string }): Promise<ListConfiguration>;
  updateConfiguration(contentType: { uid: string }, configuration: unknown): Promise<unknown>;
};

/**
 * The Content Manager's user list shows the blocked flag, department and job title by default (the
 * owning directory is a column the admin panel adds). Done once, and only while the list is still
 * the Content Manager's default: a list an admin customised is left as it is.
 */
export const configureUserList = async (strapi: Core.Strapi) => {
  const store = strapi.store({ type: 'plugin', name: PLUGIN_ID, key: 'content-manager-user-list' });
  if (await store.get({})) return;
  const service = strapi.plugin('content-manager')?.service('content-types') as
    ContentTypesService | undefined;
  if (!service || !strapi.contentType(USER_UID)) return;
  const configuration = await service.findConfiguration({ uid: USER_UID });
  const list = configuration.layouts?.list;
  if (!list) return;
  if (list.join() === DEFAULT_USER_LIST.join()) {
    const { uid: _uid, ...rest } = configuration as ListConfiguration & { uid?: string };
    await service.updateConfiguration(
      { uid: USER_UID },
      { ...rest, layouts: { ...configuration.layouts, list: SYNCED_USER_LIST } }
    );
  }
  await store.set({ value: { configuredAt: new Date().toISOString(), kept: list } });
};

/**
 * A user's directory groups are shown on its edit view read-only: the sync writes them, an edit
 * there would be undone by the next run. Checked at every start (an admin may not unlock it).
 */
export const lockDirectoryGroups = async (strapi: Core.Strapi) => {
  const service = strapi.plugin('content-manager')?.service('content-types') as
    ContentTypesService | undefined;
  if (!service || !strapi.contentType(USER_UID)) return;
  const configuration = await service.findConfiguration({ uid: USER_UID });
  const field = configuration.metadatas?.directoryGroups;
  if (!field || field.edit?.editable === false) return;
  const { uid: _uid, ...rest } = configuration as ListConfiguration & { uid?: string };
  await service.updateConfiguration(
    { uid: USER_UID },
    {
      ...rest,
      metadatas: {
        ...configuration.metadatas,
        directoryGroups: {
          ...field,
          edit: {
            ...field.edit,
            editable: false,
            mainField: 'name',
            description: 'Written by User Directory Sync from the directory',
          },
        },
      },
    }
  );
};

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  registerWebhookEvents(strapi);
  await configureUserList(strapi);
  await lockDirectoryGroups(strapi);
  // Runs left 'running' by an instance that died are found through their expired lease.
  await getService('runner', { strapi }).recoverExpired();
  getService('scheduler', { strapi }).start();
};

export default bootstrap;
