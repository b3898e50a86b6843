/**
 * The built playground started with `strapi start` on a free port (DEMO_MODE creates the admin, no
 * demo directory), a fresh SQLite file per start, and a small client of its admin API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const ADMIN = { email: 'e2e@example.com', password: 'E2e-password-1' };

/** A port nobody listens on right now. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

export type Playground = {
  base: string;
  /** What Strapi printed (for failures). */
  output: () => string;
  /** Calls the admin API with the token of `as` (the super admin by default). */
  api: <T = unknown>(method: string, route: string, body?: unknown, token?: string) => Promise<T>;
  /** Logs in through the admin API; returns the access token. */
  login: (email: string, password: string) => Promise<string>;
  stop: () => Promise<void>;
};

export const startPlayground = async (): Promise<Playground> => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const database = `.tmp/e2e-${process.pid}-${port}.db`;
  let log = '';
  const child: ChildProcess = spawn('npx', ['strapi', 'start'], {
    cwd: path.join(ROOT, 'playground'),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_FILENAME: database,
      DEMO_MODE: 'true',
      DEMO_SEED: 'false',
      DEMO_ADMIN_EMAIL: ADMIN.email,
      DEMO_ADMIN_PASSWORD: ADMIN.password,
      NODE_ENV: 'production',
      STRAPI_TELEMETRY_DISABLED: 'true',
      USER_DIRECTORY_SYNC_SCHEDULER: 'false',
    },
    detached: true,
  });
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  let closed = false;
  const done = new Promise<void>((resolve) =>
    child.once('close', () => {
      closed = true;
      resolve();
    })
  );

  const stop = async () => {
    if (child.pid && !closed) {
      // The whole group: npx, strapi start and the server process it forks. `close` waits until
      // every one of them let go of the output pipes.
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10000);
      await done;
      clearTimeout(timer);
    }
    const file = path.join(ROOT, 'playground', database);
    for (const suffix of ['', '-journal', '-wal', '-shm'])
      fs.rmSync(file + suffix, { force: true });
  };

  try {
    for (let i = 0; ; i += 1) {
      if (child.exitCode !== null) throw new Error(`Strapi exited early:\n${log}`);
      if (i >= 120) throw new Error(`Strapi did not start:\n${log}`);
      const ok = await fetch(`${base}/_health`).then(
        (r) => r.status === 204,
        () => false
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const call = async <T>(method: string, route: string, body?: unknown, token?: string) => {
    const res = await fetch(`${base}${route}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  const login = async (email: string, password: string) =>
    (await call<{ data: { token: string } }>('POST', '/admin/login', { email, password })).data
      .token;
  let superToken: string | null = null;

  return {
    base,
    output: () => log,
    login,
    api: async (method, route, body, token) => {
      superToken ??= await login(ADMIN.email, ADMIN.password);
      return call(method, route, body, token ?? superToken);
    },
    stop,
  };
};

/**
 * Creates an active admin whose only role grants `actions` (no super admin): a role through
 * POST /admin/roles and PUT /admin/roles/:id/permissions, the user through POST /admin/users, then
 * activated with a password through PUT /admin/users/:id.
 */
export const createAdminWith = async (
  playground: Playground,
  name: string,
  actions: string[]
): Promise<{ email: string; password: string }> => {
  const role = await playground.api<{ data: { id: number } }>('POST', '/admin/roles', {
    name,
    description: `e2e: ${actions.join(', ')}`,
  });
  await playground.api('PUT', `/admin/roles/${role.data.id}/permissions`, {
    permissions: actions.map((action) => ({
      action,
      subject: null,
      properties: {},
      conditions: [],
    })),
  });
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.com`;
  const password = 'Limited-password-1';
  const user = await playground.api<{ data: { id: number } }>('POST', '/admin/users', {
    email,
    firstname: 'Limited',
    lastname: name,
    roles: [role.data.id],
  });
  await playground.api('PUT', `/admin/users/${user.data.id}`, { password, isActive: true });
  return { email, password };
};
