/** The routes of SCIM directories: the SCIM endpoint (content API) and the panel's admin routes. */
import { ACTIONS } from '../constants';
import type { AdminRoute } from '../routes';
import { SCIM_BASE_PATH } from './constants';

/** Admin routes: the tenant URL, tokens, activity and held deactivations of a SCIM directory. */
export const SCIM_ADMIN_ROUTES: readonly AdminRoute[] = [
  {
    method: 'GET',
    path: '/directories/:id/scim',
    handler: 'scim-admin.show',
    actions: [ACTIONS.read],
  },
  {
    method: 'POST',
    path: '/directories/:id/scim/tokens',
    handler: 'scim-admin.issueToken',
    actions: [ACTIONS.settings],
  },
  {
    method: 'POST',
    path: '/directories/:id/scim/confirm',
    handler: 'scim-admin.confirmHeld',
    actions: [ACTIONS.run],
  },
  {
    method: 'DELETE',
    path: '/directories/:id/scim/tokens/:tokenId',
    handler: 'scim-admin.revokeToken',
    actions: [ACTIONS.settings],
  },
];

/**
 * The SCIM endpoint: every method and path under the base, so that an unknown path is a SCIM 404.
 * No Strapi authentication (auth: false): the directory's bearer token is checked by the handler,
 * and no users-permissions JWT or admin token is accepted there.
 */
export const SCIM_CONTENT_ROUTES = [
  {
    method: 'ALL',
    path: `${SCIM_BASE_PATH}/:key`,
    handler: 'scim.handle',
    config: { auth: false, policies: [] },
  },
  {
    method: 'ALL',
    path: `${SCIM_BASE_PATH}/:key/(.*)`,
    handler: 'scim.handle',
    config: { auth: false, policies: [] },
  },
];
