import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

const bootstrap = async ({ strapi }: { strapi: Core.Strapi }) => {
  // Runs left 'running' by an instance that died are found through their expired lease.
  await getService('runner', { strapi }).recoverExpired();
};

export default bootstrap;
