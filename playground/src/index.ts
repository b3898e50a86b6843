import type { Core } from '@strapi/strapi';
import { ensureDemoAdmin, seedAzureSandbox, seedDemoDirectory } from './demo';

export default {
  register() {},

  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    if (process.env.DEMO_MODE !== 'true') return;
    await ensureDemoAdmin(strapi);
    if (process.env.DEMO_SEED === 'false') return;
    await seedDemoDirectory(strapi);
    await seedAzureSandbox(strapi);
  },
};
