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

type ActionProvider = {
  values(): RegisteredAction[];
  hooks: {
    willRegister: { register(handler: (event: { value: RegisteredAction }) => void): void };
  };
};
type RegisteredAction = { pluginName?: string; actionId?: string; subjects?: string[] };

/**
 * The Content Manager serves the rows of any content type to an admin holding its explorer actions
 * on it, hidden from its menu or not, and a Super Admin holds them on every type they list: its Read
 * lists all content types. The plugin's rows (encrypted secrets, sync state, identity profiles with
 * password digests, the audit log) are served by the plugin's own API only, so its content types are
 * taken out of the subjects of every Content Manager action, whenever it registers them: no role can
 * hold them, and each `/content-manager/...` request on them is a 403.
 */
const withholdFromContentManager = (strapi: Core.Strapi) => {
  const actions = strapi.admin.services.permission.actionProvider as unknown as ActionProvider;
  const ours = (subject: string) => subject.startsWith(`plugin::${PLUGIN_ID}.`);
  // Directory groups hold no secret: the Content Manager may show them (and a user's groups),
  // read-only. Every other row of the plugin, and every write, stays out of its reach.
  const readable = (action: RegisteredAction, subject: string) =>
    subject === UID.group && action.actionId === 'plugin::content-manager.explorer.read';
  const withhold = (action: RegisteredAction) => {
    if (action.pluginName === 'content-manager' && Array.isArray(action.subjects))
      action.subjects = action.subjects.filter(
        (subject) => !ours(subject) || readable(action, subject)
      );
  };
  actions.hooks.willRegister.register(({ value }) => withhold(value));
  for (const action of actions.values()) withhold(action);
  // And a clear 403 on any Content Manager URL naming them, before the Content Manager answers
  // (it answers some of them, e.g. its relations routes, with a 500 when the permission is missing).
  strapi.server.use(async (ctx, next) => {
    if (ctx.path.startsWith('/content-manager/') && namesOwnType(ctx.url, ctx.method)) {
      ctx.status = 403;
      ctx.body = {
        data: null,
        error: {
          status: 403,
          name: 'ForbiddenError',
          message: `The rows of ${PLUGIN_ID} are served by its own admin API only, not by the Content Manager.`,
          details: {},
        },
      };
      return;
    }
    await next();
  });
};

/** Whether a Content Manager URL names one of the plugin's types (a GET of directory groups aside). */
const namesOwnType = (url: string, method: string) => {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // A malformed escape: look at the URL as it came.
  }
  const named = decoded.match(new RegExp(`plugin::${PLUGIN_ID}\\.[a-z-]+`, 'g')) ?? [];
  return named.some((uid) => uid !== UID.group || method !== 'GET');
};

const register = ({ strapi }: { strapi: Core.Strapi }) => {
  extendUserContentType(strapi);
  withholdFromContentManager(strapi);
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
