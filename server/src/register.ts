import type { Core } from '@strapi/strapi';
import { PLUGIN_ID, PROFILE_ATTRIBUTES, UID, USER_UID } from './constants';
import { BUILT_IN_PROVIDERS } from './providers';
import { getService } from './utils/get-service';

/** Adds the directory's profile fields and sync indexes to the users-permissions user. */
const extendUserContentType = (strapi: Core.Strapi) => {
  const userType = strapi.contentType(USER_UID) as unknown as
    | { attributes: Record<string, unknown>; indexes?: { name: string; columns: string[] }[] }
    | undefined;
  if (!userType) return;
  for (const name of PROFILE_ATTRIBUTES) {
    userType.attributes[name] ??= { type: 'string' };
  }
  userType.attributes.manager ??= {
    type: 'relation',
    relation: 'manyToOne',
    target: USER_UID,
  };
  // The user's directory groups (direct memberships), written by the sync:
  // GET /api/users/me?populate=directoryGroups answers them.
  userType.attributes.directoryGroups ??= {
    type: 'relation',
    relation: 'manyToMany',
    target: UID.group,
    mappedBy: 'users',
  };
  // Username has no index of its own: the sync's look-ups by username and email need one.
  const indexes = (userType.indexes ??= []);
  for (const column of ['username', 'email']) {
    const name = `up_users_${column}_uds_idx`;
    if (!indexes.some((index) => index.name === name)) indexes.push({ name, columns: [column] });
  }
};

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  extendUserContentType(strapi);
  const providers = getService('providers', { strapi });
  for (const [type, definition] of Object.entries(BUILT_IN_PROVIDERS))
    providers.register(type, definition);
  strapi.admin.services.permission.actionProvider.registerMany([
    {
      section: 'plugins',
      displayName: 'Read directories and runs',
      uid: 'read',
      pluginName: PLUGIN_ID,
    },
    {
      section: 'plugins',
      displayName: 'Change directory settings',
      uid: 'settings.update',
      pluginName: PLUGIN_ID,
    },
    { section: 'plugins', displayName: 'Run and cancel syncs', uid: 'run', pluginName: PLUGIN_ID },
    {
      section: 'plugins',
      displayName: 'Read the audit log',
      uid: 'audit.read',
      pluginName: PLUGIN_ID,
    },
  ]);
};

export default register;
