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
/** The password every person of the demo CSV directory signs in with (README: "Demo sign-in"). */
export const DEMO_USER_PASSWORD = 'Welcome-to-the-demo-1';

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

/**
 * The Azure AD sandbox: a second directory pointing at the fake Entra ID / Graph tenant that
 * `npm run demo` starts beside Strapi (DEMO_AZURE_SANDBOX). Created with every group selected and
 * left for the newcomer to test and sync from the panel.
 */
export const seedAzureSandbox = async (strapi: Core.Strapi) => {
  const sandbox = process.env.DEMO_AZURE_SANDBOX;
  if (!sandbox) return;
  const info = JSON.parse(sandbox) as {
    url: string;
    tenantId: string;
    clientId: string;
    clientSecret: string;
    caCertificate: string;
  };
  const directories = strapi.plugin(PLUGIN).service('directories');
  const connection = {
    tenantId: info.tenantId,
    clientId: info.clientId,
    authorityHost: info.url,
    graphBaseUrl: info.url,
    caCertificate: fs.readFileSync(info.caCertificate, 'utf8'),
  };
  const existing = (await directories.list()).find(
    (d: { name: string }) => d.name === 'Demo Azure AD'
  );
  if (existing) {
    // The sandbox gets a new port at every start.
    await directories.update(existing.id, {
      connection,
      secrets: { clientSecret: info.clientSecret },
    });
    return;
  }
  const directory = await directories.create({
    name: 'Demo Azure AD',
    type: 'azure',
    loginProvider: 'microsoft',
    connection,
    secrets: { clientSecret: info.clientSecret },
    groupSync: { mode: 'regex', pattern: '^Intranet' },
  });
  const provider = directories.provider(await directories.findRow(directory.id), {
    log: strapi.log,
  });
  const groups: string[] = [];
  for await (const page of provider.listGroups())
    groups.push(...page.map((g: { externalId: string }) => g.externalId));
  await provider.close?.();
  await directories.update(directory.id, { userGroups: groups });
  strapi.log.info(
    `[demo] created the directory 'Demo Azure AD' (${groups.length} groups selected): sync it from Settings > User Directory Sync`
  );
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
      // The demo's people sign in to the intranet (POST /api/auth/local) with this one password:
      // a shared password is unsafe outside a demo, and the panel says so.
      secrets: { defaultPassword: DEMO_USER_PASSWORD },
      groupSync: { mode: 'regex', pattern: '^Intranet|^Managers$' },
      options: { orgChart: true, passwordPolicy: 'shared' },
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
