/**
 * An example of the plugin's route policy: these routes answer only users who are (directly or
 * through nested groups) in one of the directory groups named in the policy's config.
 * Give the Authenticated role the routes' permissions in Users & Permissions, then call them with
 * the user's JWT.
 */
export default {
  routes: [
    {
      method: 'GET',
      path: '/intranet/editors',
      handler: 'intranet.editors',
      config: {
        policies: [
          {
            name: 'plugin::user-directory-sync.in-group',
            config: { groups: ['Intranet Editors'] },
          },
        ],
      },
    },
    {
      method: 'GET',
      path: '/intranet/staff',
      handler: 'intranet.staff',
      config: {
        policies: [
          { name: 'plugin::user-directory-sync.in-group', config: { groups: ['All Staff'] } },
        ],
      },
    },
  ],
};
