/**
 * Demo set-up, run by the playground's bootstrap when `npm run demo` starts it: a ready super admin
 * (DEMO_ADMIN_EMAIL / DEMO_ADMIN_PASSWORD), and unless DEMO_SEED=false a CSV directory of 1,000
 * generated people, stored in the Media Library and synced once at start.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Core } from '@strapi/strapi';

const PLUGIN = 'user-directory-sync';
const DEMO_FILE = path.join(__dirname, '..', '..', 'data', 'demo-people.csv');

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

/** The demo CSV directory: created once, then synced at every start. */
export const seedDemoDirectory = async (strapi: Core.Strapi) => {
  const directories = strapi.plugin(PLUGIN).service('directories');
  const existing = (await directories.list()).find((d: { name: string }) => d.name === 'Demo CSV');
  let id = existing?.id as number | undefined;
  if (!id) {
    const source = fs.existsSync(DEMO_FILE)
      ? DEMO_FILE
      : path.join(__dirname, '..', 'data', 'demo-people.csv');
    const copy = path.join(os.tmpdir(), `demo-people-${process.pid}.csv`);
    fs.copyFileSync(source, copy);
    const [file] = await strapi
      .plugin('upload')
      .service('upload')
      .upload({
        data: {},
        files: {
          filepath: copy,
          originalFilename: 'demo-people.csv',
          mimetype: 'text/csv',
          size: fs.statSync(copy).size,
        },
      });
    fs.rmSync(copy, { force: true });
    const directory = await directories.create({
      name: 'Demo CSV',
      type: 'csv',
      enabled: true,
      connection: {
        location: 'media',
        mediaFileId: file.id,
        matchField: 'username',
        managerField: 'manager',
      },
      secrets: { defaultPassword: 'Welcome-to-the-demo-1' },
      groupSync: { mode: 'regex', pattern: '^Intranet|^Managers$' },
      options: { orgChart: true },
    });
    id = directory.id as number;
    strapi.log.info(
      `[demo] created the directory 'Demo CSV' from the Media Library file ${file.name}`
    );
  }
  const runner = strapi.plugin(PLUGIN).service('runner');
  const run = await runner.start(id, { trigger: 'api', actor: 'demo' });
  await runner.wait(run.id);
  const [done] = await strapi.db
    .query(`plugin::${PLUGIN}.sync-run`)
    .findMany({ where: { id: run.id } });
  strapi.log.info(`[demo] first sync of 'Demo CSV': ${done.status} ${JSON.stringify(done.counts)}`);
};
