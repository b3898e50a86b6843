import type { Core } from '@strapi/strapi';
import { version } from '../../../package.json';

export default (_: { strapi: Core.Strapi }) => ({
  /** GET /health: the plugin's version, proof that the plugin is loaded and the caller may read. */
  index(ctx: { body: unknown }) {
    ctx.body = { data: { version } };
  },
});
