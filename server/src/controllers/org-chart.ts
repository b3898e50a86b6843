import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { getService } from '../utils/get-service';
import { idParam } from './validation';

type Ctx = { query: Record<string, unknown>; body: unknown };

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /api/user-directory-sync/org-chart?root=&depth= (content API, users-permissions guarded). */
  async index(ctx: Ctx) {
    const root =
      ctx.query.root === undefined || ctx.query.root === ''
        ? null
        : idParam(ctx.query.root, 'root');
    const depth = ctx.query.depth === undefined ? 2 : Number(ctx.query.depth);
    if (!Number.isInteger(depth) || depth < 0 || depth > 10) {
      throw new errors.ValidationError('depth: must be a whole number from 0 to 10', {
        errors: [
          {
            path: ['depth'],
            message: 'must be a whole number from 0 to 10',
            name: 'ValidationError',
          },
        ],
      });
    }
    const data = await getService('org-chart', { strapi }).tree(root, depth);
    if (root !== null && !data.length)
      throw new errors.NotFoundError(`No person ${root} in the org chart`);
    ctx.body = { data };
  },
});
