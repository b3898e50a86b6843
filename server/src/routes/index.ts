import { ACTIONS } from '../constants';

const guard = (action: string) => ({
  policies: [{ name: 'admin::hasPermissions', config: { actions: [action] } }],
});

const route = (method: string, path: string, handler: string, action: string) => ({
  method,
  path,
  handler,
  config: guard(action),
});

/** Admin routes of shared/API.md, each guarded by one RBAC action. */
const admin = {
  type: 'admin',
  routes: [
    route('GET', '/health', 'health.index', ACTIONS.read),
    route('GET', '/meta', 'directories.meta', ACTIONS.read),
    route('GET', '/owner', 'directories.owner', ACTIONS.read),
    route('GET', '/directories', 'directories.find', ACTIONS.read),
    route('POST', '/directories', 'directories.create', ACTIONS.settings),
    route('GET', '/directories/:id', 'directories.findOne', ACTIONS.read),
    route('PUT', '/directories/:id', 'directories.update', ACTIONS.settings),
    route('DELETE', '/directories/:id', 'directories.delete', ACTIONS.settings),
    route(
      'POST',
      '/directories/:id/test-connection',
      'directories.testConnection',
      ACTIONS.settings
    ),
    route('GET', '/directories/:id/groups', 'directories.groups', ACTIONS.read),
    route('POST', '/directories/:id/reset', 'directories.reset', ACTIONS.run),
    route('GET', '/directories/:id/adoption', 'directories.adoptionPreview', ACTIONS.read),
    route('POST', '/directories/:id/adoption', 'directories.adopt', ACTIONS.run),
    route('POST', '/directories/:id/runs', 'runs.start', ACTIONS.run),
    route('GET', '/runs', 'runs.find', ACTIONS.read),
    route('GET', '/runs/:id', 'runs.findOne', ACTIONS.read),
    route('GET', '/runs/:id/plan', 'runs.plan', ACTIONS.read),
    route('POST', '/runs/:id/cancel', 'runs.cancel', ACTIONS.run),
    route('GET', '/audit', 'audit.find', ACTIONS.audit),
    route('GET', '/audit/export', 'audit.export', ACTIONS.audit),
  ],
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
