import type { Core } from '@strapi/strapi';
import { ensureDemoAdmin } from './demo';

export default {
  register() {},

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    if (process.env.DEMO_MODE === 'true') await ensureDemoAdmin(strapi);
  },
};
