/**
 * Demo set-up, run by the playground's bootstrap when `npm run demo` starts it: a ready super admin
 * (DEMO_ADMIN_EMAIL / DEMO_ADMIN_PASSWORD), and unless DEMO_SEED=false a demo directory synced once.
 */
import type { Core } from '@strapi/strapi';

export const ensureDemoAdmin = async (strapi: Core.Strapi) => {
  const email = process.env.DEMO_ADMIN_EMAIL;
  const password = process.env.DEMO_ADMIN_PASSWORD;
  if (!email || !password) return;
  const existing = await strapi.db.query('admin::user').findOne({ where: { email } });
  if (existing) return;
  const superAdmin = await strapi.service('admin::role').getSuperAdmin();
  await strapi.service('admin::user').create({
    email,
    password,
    firstname: 'Demo',
    lastname: 'Admin',
    isActive: true,
    roles: [superAdmin.id],
  });
  strapi.log.info(`[demo] created the admin ${email}`);
};
