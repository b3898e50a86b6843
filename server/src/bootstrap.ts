import type { Core } from '@strapi/strapi';
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

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  registerWebhookEvents(strapi);
  // Runs left 'running' by an instance that died are found through their expired lease.
  await getService('runner', { strapi }).recoverExpired();
  getService('scheduler', { strapi }).start();
};

export default bootstrap;
