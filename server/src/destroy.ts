import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

/** Graceful shutdown: running syncs stop after their current page, and are waited for. */
const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  await getService('runner', { strapi }).shutdown();
};

export default destroy;
