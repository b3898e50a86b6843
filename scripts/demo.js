#!/usr/bin/env node
/**
 * npm run demo: builds the plugin and the playground, then starts the playground Strapi at
 * http://localhost:$PORT/admin on SQLite with a ready admin account, no prompts.
 *
 *   PORT (1337)  DATABASE_FILENAME (.tmp/demo.db; a fresh file gives a fresh app)
 *   DEMO_ADMIN_EMAIL (admin@example.com)  DEMO_ADMIN_PASSWORD (Demo-password-1)
 *   DEMO_SEED=false  start without the demo directories
 *   DEMO_AZURE=false  start without the Azure AD sandbox (a local fake Entra ID / Graph tenant)
 */
const { spawnSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const playground = path.join(root, 'playground');

const run = (command, args, cwd, extraEnv = {}) => {
  const result = spawnSync(command, args, {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, ...extraEnv },
  });
  if (result.status !== 0) {
    console.error(`\n[demo] '${command} ${args.join(' ')}' failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
};

/** The playground's secrets: made once, kept in playground/.env (git-ignored). */
const ensureEnv = () => {
  const file = path.join(playground, '.env');
  if (fs.existsSync(file)) return;
  const secret = () => crypto.randomBytes(16).toString('base64');
  fs.writeFileSync(
    file,
    [
      `APP_KEYS=${[secret(), secret(), secret(), secret()].join(',')}`,
      `API_TOKEN_SALT=${secret()}`,
      `ADMIN_JWT_SECRET=${secret()}`,
      `TRANSFER_TOKEN_SALT=${secret()}`,
      `JWT_SECRET=${secret()}`,
      `ENCRYPTION_KEY=${secret()}`,
      '',
    ].join('\n')
  );
  console.log('[demo] wrote playground/.env with fresh secrets');
};

const env = {
  PORT: process.env.PORT ?? '1337',
  DATABASE_CLIENT: process.env.DATABASE_CLIENT ?? 'sqlite',
  DATABASE_FILENAME: process.env.DATABASE_FILENAME ?? '.tmp/demo.db',
  DEMO_ADMIN_EMAIL: process.env.DEMO_ADMIN_EMAIL ?? 'admin@example.com',
  DEMO_ADMIN_PASSWORD: process.env.DEMO_ADMIN_PASSWORD ?? 'Demo-password-1',
  DEMO_SEED: process.env.DEMO_SEED ?? 'true',
  DEMO_MODE: 'true',
  STRAPI_TELEMETRY_DISABLED: 'true',
  BROWSER: 'none',
};

/** Starts the fake Entra ID / Graph tenant (2,000 people) and resolves with what it prints. */
const startAzureSandbox = () =>
  new Promise((resolve, reject) => {
    run('npx', ['tsc', '-p', 'tests/fakes/tsconfig.json'], root);
    const fake = spawn(
      process.execPath,
      [
        path.join(root, '.tmp/fakes/tests/fakes/graph/cli.js'),
        ...['--users', '2000', '--port', '0', '--domain', 'contoso.example'],
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }
    );
    fake.stdout.once('data', (line) => {
      const info = JSON.parse(String(line));
      resolve({
        fake,
        info: { ...info, caCertificate: path.join(root, 'tests/fakes/certs/ca.pem') },
      });
    });
    fake.once('exit', (code) => reject(new Error(`the Azure AD sandbox exited (${code})`)));
  });

(async () => {
  ensureEnv();
  console.log('[demo] building the plugin...');
  run('npm', ['run', 'build'], root);
  console.log('[demo] building the playground (server and admin panel)...');
  run('npm', ['run', 'build'], playground, { NODE_ENV: 'production' });

  const sandbox =
    env.DEMO_SEED !== 'false' && process.env.DEMO_AZURE !== 'false'
      ? await startAzureSandbox()
      : null;
  if (sandbox) {
    env.DEMO_AZURE_SANDBOX = JSON.stringify(sandbox.info);
    console.log(
      `[demo] Azure AD sandbox (fake Entra ID / Graph, 2,000 people) at ${sandbox.info.url}`
    );
  }

  console.log(`
[demo] starting Strapi: http://localhost:${env.PORT}/admin
[demo] admin: ${env.DEMO_ADMIN_EMAIL} / ${env.DEMO_ADMIN_PASSWORD}
[demo] database: playground/${env.DATABASE_FILENAME} (${env.DATABASE_CLIENT}); demo data: ${env.DEMO_SEED === 'false' ? 'off' : 'on'}
`);
  const child = spawn('npm', ['run', 'start'], {
    cwd: playground,
    stdio: 'inherit',
    env: { ...process.env, ...env, NODE_ENV: 'production' },
  });
  const stop = (signal) => {
    child.kill(signal);
    sandbox?.fake.kill(signal);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => {
    sandbox?.fake.kill('SIGTERM');
    process.exit(code ?? 0);
  });
})();
