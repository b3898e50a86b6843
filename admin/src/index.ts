import type { StrapiApp } from '@strapi/strapi/admin';
import { DirectoryOwner } from './components/DirectoryOwner';
import { PERMISSIONS } from './permissions';
import { PLUGIN_ID } from './pluginId';
import { getTranslation } from './utils/getTranslation';

/**
 * Settings > User Directory Sync: Configuration (the read action) and Audit log (audit.read).
 */
const plugin: StrapiApp['appPlugins'][string] = {
  register(app) {
    app.addSettingsLink(
      {
        id: PLUGIN_ID,
        intlLabel: {
          id: getTranslation('settings.section'),
          defaultMessage: 'User Directory Sync',
        },
      },
      [
        {
          id: `${PLUGIN_ID}-configuration`,
          to: PLUGIN_ID,
          intlLabel: {
            id: getTranslation('settings.configuration'),
            defaultMessage: 'Configuration',
          },
          Component: () => import('./pages/App'),
          permissions: PERMISSIONS.read,
        },
        {
          id: `${PLUGIN_ID}-audit`,
          to: `${PLUGIN_ID}-audit`,
          intlLabel: {
            id: getTranslation('settings.audit'),
            defaultMessage: 'Audit log',
          },
          Component: () => import('./pages/AuditApp'),
          permissions: PERMISSIONS.audit,
        },
      ]
    );
    app.registerPlugin({ id: PLUGIN_ID, name: PLUGIN_ID });
  },

  /** The Content Manager's edit view of a user says which directory owns it. */
  bootstrap(app) {
    app.getPlugin('content-manager').injectComponent('editView', 'right-links', {
      name: `${PLUGIN_ID}-owner`,
      Component: DirectoryOwner,
    });
  },

  async registerTrads({ locales }: { locales: string[] }) {
    return Promise.all(
      locales.map(async (locale) => {
        try {
          const { default: data } = (await import(`./translations/${locale}.json`)) as {
            default: Record<string, string>;
          };
          return {
            data: Object.fromEntries(
              Object.entries(data).map(([key, value]) => [getTranslation(key), value])
            ),
            locale,
          };
        } catch {
          return { data: {}, locale };
        }
      })
    );
  },
};

export default plugin;
