/**
 * `plugin::user-directory-sync.in-group`: a route policy for any content-API route. It passes only
 * for an authenticated user who is, directly or through nested groups, in one of the groups named
 * in its config:
 *
 *   config: { policies: [{ name: 'plugin::user-directory-sync.in-group',
 *                          config: { groups: ['Intranet Editors'] } }] }
 */
import type { Core } from '@strapi/strapi';
import { getService } from '../utils/get-service';

type PolicyContext = { state: { user?: { id: number } | null } };

const inGroup = async (
  policyContext: PolicyContext,
  config: { groups?: string[] } | undefined,
  { strapi }: { strapi: Core.Strapi }
) => {
  const user = policyContext.state.user;
  if (!user) return false;
  return getService('groups', { strapi }).isMember(user.id, config?.groups ?? []);
};

export default inGroup;
