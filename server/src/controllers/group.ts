/**
 * Directory groups on the content API (read-only; nobody may call them until an admin allows
 * them for a role in Users & Permissions). The `find` permission also lets
 * `GET /api/users/me?populate=directoryGroups` populate a user's groups.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { UID } from '../constants';
import { getService } from '../utils/get-service';
import { idParam } from './validation';

type Ctx = {
  query: Record<string, unknown>;
  params: Record<string, string>;
  state: { user?: { id: number } | null };
  body: unknown;
};

const FIELDS = ['id', 'documentId', 'name', 'description', 'directoryName', 'memberCount'];

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /api/user-directory-sync/groups: every synced group, by name. */
  async find(ctx: Ctx) {
    const data = await strapi.db
      .query(UID.group)
      .findMany({ select: FIELDS, orderBy: { name: 'asc' } });
    ctx.body = { data };
  },

  /** GET /api/user-directory-sync/groups/:id: one group and its direct parent groups. */
  async findOne(ctx: Ctx) {
    const id = idParam(ctx.params.id, 'id');
    const data = await strapi.db.query(UID.group).findOne({
      where: { id },
      select: FIELDS,
      populate: { parents: { select: ['id', 'name'] } },
    });
    if (!data) throw new errors.NotFoundError(`No directory group ${id}`);
    ctx.body = { data };
  },

  /** GET /api/user-directory-sync/groups/mine: the signed-in user's groups, direct and nested. */
  async mine(ctx: Ctx) {
    if (!ctx.state.user) throw new errors.UnauthorizedError('Sign in to see your groups');
    ctx.body = { data: await getService('groups', { strapi }).ofUser(ctx.state.user.id) };
  },
});
