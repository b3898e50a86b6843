/**
 * The Strapi side of the scim-push scenario: a child process that boots the playground's Strapi on a
 * fresh database (a temporary SQLite file or a fresh PostgreSQL schema), serves HTTP on 127.0.0.1,
 * makes a SCIM directory with a token, and reads back what the pushes stored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createStrapi, type Core } from '@strapi/strapi';
import { createTokenStore } from '../../server/src/scim/tokens';
import { postgresQuery } from '../../tests/helpers/postgres';
import { playgroundDir } from './paths';
import type { DbKind } from './protocol';

process.env.APP_KEYS ??= 'benchKeyA,benchKeyB';
process.env.API_TOKEN_SALT ??= 'bench-api-token-salt';
process.env.ADMIN_JWT_SECRET ??= 'bench-admin-jwt-secret';
process.env.TRANSFER_TOKEN_SALT ??= 'bench-transfer-token-salt';
process.env.JWT_SECRET ??= 'bench-jwt-secret';
process.env.ENCRYPTION_KEY ??= 'bench-encryption-key';
process.env.USER_DIRECTORY_SYNC_SCHEDULER = 'false';
process.env.STRAPI_TELEMETRY_DISABLED = 'true';
process.env.BROWSER = 'none';
process.env.STRAPI_LOG_LEVEL ??= 'warn';

export type ScimAgentCommands = {
  boot: { args: { db: DbKind }; result: { url: string; base: string; token: string } };
  stored: {
    args: Record<string, never>;
    result: { users: { username: string; jobTitle: string | null; blocked: boolean }[] };
  };
  stop: { args: Record<string, never>; result: { ok: true } };
};

let strapi: Core.Strapi | null = null;
let cleanup: () => Promise<void> = async () => undefined;

const boot = async ({ db }: { db: DbKind }) => {
  const appDir = playgroundDir();
  const id = `${process.pid}_${randomUUID().slice(0, 8)}`;
  process.env.DATABASE_CLIENT = db;
  if (db === 'sqlite') {
    const file = path.join(appDir, `.tmp/bench-scim-${id}.db`);
    process.env.DATABASE_FILENAME = path.relative(appDir, file);
    cleanup = async () => {
      for (const suffix of ['', '-journal', '-wal', '-shm'])
        fs.rmSync(file + suffix, { force: true });
    };
  } else {
    const schema = `bench_scim_${id}`;
    process.env.DATABASE_SCHEMA = schema;
    await postgresQuery(`CREATE SCHEMA "${schema}"`);
    cleanup = () => postgresQuery(`DROP SCHEMA "${schema}" CASCADE`);
  }
  const app = createStrapi({
    appDir,
    distDir: path.join(appDir, 'dist'),
    autoReload: false,
    serveAdminPanel: false,
  });
  strapi = app;
  await app.load();
  await app.server.mount();
  const server = app.server.httpServer;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const directory = (await app
    .plugin('user-directory-sync')
    .service('directories')
    .create({
      name: 'Bench SCIM',
      type: 'scim',
      enabled: true,
      safety: { maxDisablePercent: 100 },
    })) as { id: number; directoryKey: string };
  const { token } = await createTokenStore(app).issue(directory.id, 'bench');
  return { url, base: `/api/user-directory-sync/scim/v2/${directory.directoryKey}`, token };
};

const stored = async () => {
  const rows = (await strapi!.db.query('plugin::users-permissions.user').findMany({
    select: ['username', 'jobTitle', 'blocked'],
  })) as { username: string; jobTitle: string | null; blocked: boolean }[];
  return { users: rows };
};

const stop = async () => {
  if (strapi) await strapi.destroy();
  strapi = null;
  await cleanup();
  return { ok: true as const };
};

const handlers = { boot, stored, stop } as Record<string, (args: never) => Promise<unknown>>;

process.on('message', (message: { id: number; cmd: string; args: unknown }) => {
  handlers[message.cmd](message.args as never)
    .then((result) => {
      process.send?.({ id: message.id, ok: true, result });
      if (message.cmd === 'stop') setTimeout(() => process.exit(0), 50);
    })
    .catch((error: unknown) =>
      process.send?.({
        id: message.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      })
    );
});
process.on('disconnect', () => {
  stop()
    .catch(() => undefined)
    .finally(() => process.exit(1));
});
