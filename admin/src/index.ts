import type { StrapiApp } from '@strapi/strapi/admin';
import { createElement } from 'react';
import { ContentManagerActions, USER_UID } from './components/ContentManagerActions';
import { DirectoryOwner } from './components/DirectoryOwner';
import { OwnerCell } from './components/OwnerCell';
import { PERMISSIONS } from './permissions';
import { PLUGIN_ID } from './pluginId';
import { getTranslation } from './utils/getTranslation';

type ListHeaders = { displayedHeaders: unknown[]; layout: unknown };

/**
 * The Content Manager's user list gets a "Directory" column: the directory that owns each user.
 * The hook is given no model: the list's URL names it.
 */
const addDirectoryColumn = ({ displayedHeaders, layout }: ListHeaders): ListHeaders => {
  if (!window.location.pathname.includes(`/collection-types/${USER_UID}`))
    return { displayedHeaders, layout };
  return {
    displayedHeaders: [
      ...displayedHeaders,
      {
        attribute: { type: 'string' },
        label: { id: getTranslation('cm.directoryColumn'), defaultMessage: 'Directory' },
        searchable: false,
        sortable: false,
        name: 'user-directory-sync-owner',
        cellFormatter: (row: { documentId: string }) =>
          createElement(OwnerCell, { documentId: row.documentId }),
      },
    ],
    layout,
  };
};

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
    app.registerHook('Admin/CM/pages/ListView/inject-column-in-table', addDirectoryColumn);
  },

  /** The Content Manager's edit view of a user says which directory owns it. */
  bootstrap(app) {
    const contentManager = app.getPlugin('content-manager');
    contentManager.injectComponent('editView', 'right-links', {
      name: `${PLUGIN_ID}-owner`,
      Component: DirectoryOwner,
    });
    contentManager.injectComponent('listView', 'actions', {
      name: `${PLUGIN_ID}-actions`,
      Component: ContentManagerActions,
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
