import { ACTIONS } from '../constants';

type Action = (typeof ACTIONS)[keyof typeof ACTIONS];

/** One admin route and the RBAC actions that open it: any one of `actions` is enough. */
export type AdminRoute = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: string;
  actions: readonly Action[];
};

/** Calls the directory with its stored credentials: needs more than the read action. */
const USES_CREDENTIALS = [ACTIONS.settings, ACTIONS.run] as const;

/**
 * The admin API (docs/API.md, docs/SECURITY.md), each route with the actions that open it.
 * tests/api/security.test.ts calls every route of this table with no token, without its action and
 * with it.
 */
export const ADMIN_ROUTES: readonly AdminRoute[] = [
  { method: 'GET', path: '/health', handler: 'health.index', actions: [ACTIONS.read] },
  { method: 'GET', path: '/meta', handler: 'directories.meta', actions: [ACTIONS.read] },
  { method: 'GET', path: '/owner', handler: 'directories.owner', actions: [ACTIONS.read] },
  { method: 'GET', path: '/directories', handler: 'directories.find', actions: [ACTIONS.read] },
  {
    method: 'POST',
    path: '/directories',
    handler: 'directories.create',
    actions: [ACTIONS.settings],
  },
  {
    method: 'GET',
    path: '/directories/:id',
    handler: 'directories.findOne',
    actions: [ACTIONS.read],
  },
  {
    method: 'PUT',
    path: '/directories/:id',
    handler: 'directories.update',
    actions: [ACTIONS.settings],
  },
  {
    method: 'DELETE',
    path: '/directories/:id',
    handler: 'directories.delete',
    actions: [ACTIONS.settings],
  },
  {
    method: 'POST',
    path: '/directories/:id/test-connection',
    handler: 'directories.testConnection',
    actions: [ACTIONS.settings],
  },
  {
    method: 'GET',
    path: '/directories/:id/groups',
    handler: 'directories.groups',
    actions: USES_CREDENTIALS,
  },
  {
    method: 'POST',
    path: '/directories/:id/reset',
    handler: 'directories.reset',
    actions: [ACTIONS.run],
  },
  {
    method: 'GET',
    path: '/directories/:id/adoption',
    handler: 'directories.adoptionPreview',
    actions: USES_CREDENTIALS,
  },
  {
    method: 'POST',
    path: '/directories/:id/adoption',
    handler: 'directories.adopt',
    actions: [ACTIONS.run],
  },
  { method: 'POST', path: '/directories/:id/runs', handler: 'runs.start', actions: [ACTIONS.run] },
  { method: 'GET', path: '/runs', handler: 'runs.find', actions: [ACTIONS.read] },
  { method: 'GET', path: '/runs/:id', handler: 'runs.findOne', actions: [ACTIONS.read] },
  // The plan of an applied run is its audit entries: the controller asks for the audit action too.
  { method: 'GET', path: '/runs/:id/plan', handler: 'runs.plan', actions: [ACTIONS.read] },
  { method: 'POST', path: '/runs/:id/cancel', handler: 'runs.cancel', actions: [ACTIONS.run] },
  { method: 'GET', path: '/audit', handler: 'audit.find', actions: [ACTIONS.audit] },
  { method: 'GET', path: '/audit/export', handler: 'audit.export', actions: [ACTIONS.audit] },
];

/** Strapi's own policy when one action opens the route; the plugin's "any of" policy otherwise. */
const policyFor = (actions: readonly Action[]) =>
  actions.length === 1
    ? { name: 'admin::hasPermissions', config: { actions: [...actions] } }
    : { name: 'plugin::user-directory-sync.has-any-permission', config: { actions: [...actions] } };

const admin = {
  type: 'admin',
  routes: ADMIN_ROUTES.map(({ method, path, handler, actions }) => ({
    method,
    path,
    handler,
    config: { policies: [policyFor(actions)] },
  })),
};

/** Content API: the read-only org chart, guarded by users-permissions like any content route. */
const contentApi = {
  type: 'content-api',
  routes: [
    { method: 'GET', path: '/org-chart', handler: 'org-chart.index', config: { policies: [] } },
    // Directory groups, read-only (issue 15): each needs its permission given to a role.
    { method: 'GET', path: '/groups', handler: 'group.find', config: { policies: [] } },
    { method: 'GET', path: '/groups/mine', handler: 'group.mine', config: { policies: [] } },
    { method: 'GET', path: '/groups/:id', handler: 'group.findOne', config: { policies: [] } },
  ],
};

export default { admin, 'content-api': contentApi };
