/**
 * Boots the real playground Strapi app for an API test: a fresh database per test file (a temporary
 * SQLite file, or a fresh PostgreSQL schema when DATABASE_CLIENT=postgres), the admin panel not
 * served, a super admin logged in through /admin/login.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { compileStrapi, createStrapi, type Core } from '@strapi/strapi';
import request from 'supertest';
import { postgresQuery } from './postgres';

const appDir = path.resolve(__dirname, '../../playground');

export type TestApp = {
  strapi: Core.Strapi;
  /** supertest agent on the running server. */
  http: () => ReturnType<typeof request>;
  /** The super admin's access token. */
  token: string;
  /** Logs in (or creates and logs in) an admin with the given permissions; returns its token. */
  adminWith(actions: string[]): Promise<string>;
  stop(): Promise<void>;
};

let compiled: Promise<{ distDir: string }> | null = null;
const compileOnce = () =>
  (compiled ??= compileStrapi({ appDir }).then(({ distDir }) => ({ distDir: distDir as string })));

const SUPER_ADMIN = {
  email: 'admin@example.com',
  password: 'Admin-password-1',
  firstname: 'Ada',
  lastname: 'Admin',
};

export const startApp = async (): Promise<TestApp> => {
  const { distDir } = await compileOnce();
  const id = `${process.pid}-${randomUUID().slice(0, 8)}`;
  let cleanup: () => Promise<void> = async () => undefined;
  if ((process.env.DATABASE_CLIENT ?? 'sqlite') === 'sqlite') {
    const relative = `.tmp/test-${id}.db`;
    process.env.DATABASE_FILENAME = relative;
    const file = path.join(appDir, relative);
    cleanup = async () => {
      for (const suffix of ['', '-journal', '-wal', '-shm'])
        fs.rmSync(file + suffix, { force: true });
    };
  } else {
    const schema = `test_${id.replace(/-/g, '_')}`;
    process.env.DATABASE_SCHEMA = schema;
    await postgresQuery(`CREATE SCHEMA "${schema}"`);
    cleanup = () => postgresQuery(`DROP SCHEMA "${schema}" CASCADE`);
  }

  const strapi = createStrapi({ appDir, distDir, autoReload: false, serveAdminPanel: false });
  try {
    await strapi.load();
    await strapi.server.mount();
  } catch (error) {
    await strapi.destroy().catch(() => undefined);
    await cleanup();
    throw error;
  }
  const http = () => request(strapi.server.httpServer);

  const superAdminRole = await strapi.service('admin::role').getSuperAdmin();
  await strapi
    .service('admin::user')
    .create({ ...SUPER_ADMIN, isActive: true, roles: [superAdminRole.id] });
  const login = async (email: string, password: string) => {
    const res = await http().post('/admin/login').send({ email, password });
    if (res.status !== 200)
      throw new Error(`login of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.data.token as string;
  };
  const token = await login(SUPER_ADMIN.email, SUPER_ADMIN.password);

  let admins = 0;
  const adminWith = async (actions: string[]) => {
    admins += 1;
    const role = await strapi
      .service('admin::role')
      .create({ name: `Test role ${admins}`, description: 'test' });
    if (actions.length) {
      await strapi.service('admin::role').assignPermissions(
        role.id,
        actions.map((action) => ({ action, subject: null, properties: {}, conditions: [] }))
      );
    }
    const email = `editor${admins}@example.com`;
    await strapi.service('admin::user').create({
      email,
      password: 'Editor-password-1',
      firstname: 'Ed',
      lastname: `Itor${admins}`,
      isActive: true,
      roles: [role.id],
    });
    return login(email, 'Editor-password-1');
  };

  return {
    strapi,
    http,
    token,
    adminWith,
    async stop() {
      await strapi.destroy();
      await cleanup();
    },
  };
};
