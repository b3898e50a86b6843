import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

/** Graceful shutdown: no new runs; running syncs stop after their current page and are awaited. */
const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  await getService('scheduler', { strapi }).stop();
  await getService('runner', { strapi }).shutdown();
};

export default destroy;
