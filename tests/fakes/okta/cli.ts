/**
 * Starts the fake Okta org as a standalone process (demo, benchmark) and prints one JSON line:
 * `{"url","apiToken","appId","users","groups", "serviceApp"?}`. Stops on SIGINT / SIGTERM.
 *
 *   node cli.js --port 4010 --users 1000 [--groups 50] [--seed 42] [--https] [--service-app]
 *               [--certs <dir>] [--api-token <token>]
 */
import { readFileSync } from 'fs';
import path from 'path';
import { startOktaFake } from './server';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};
const number = (name: string, env: string) => {
  const text = value(name) ?? process.env[env];
  return text === undefined ? undefined : Number(text);
};

const main = async () => {
  const certs = value('certs');
  const fake = await startOktaFake({
    port: number('port', 'OKTA_FAKE_PORT') ?? 0,
    users: number('users', 'OKTA_FAKE_USERS') ?? 200,
    groups: number('groups', 'OKTA_FAKE_GROUPS'),
    seed: number('seed', 'OKTA_FAKE_SEED'),
    apiToken: value('api-token') ?? process.env.OKTA_FAKE_API_TOKEN,
    https:
      flag('https') && certs
        ? {
            key: readFileSync(path.join(certs, 'localhost-key.pem')),
            cert: readFileSync(path.join(certs, 'localhost.pem')),
          }
        : flag('https'),
  });
  const serviceApp = flag('service-app') ? fake.createServiceApp() : undefined;
  process.stdout.write(
    `${JSON.stringify({
      url: fake.url,
      apiToken: fake.apiToken,
      appId: fake.appId,
      users: fake.store.users.length,
      groups: fake.store.groups.length,
      ...(serviceApp
        ? {
            serviceApp: {
              clientId: serviceApp.clientId,
              keyId: serviceApp.keyId,
              privateKey: serviceApp.privateKeyPem,
            },
          }
        : {}),
    })}\n`
  );
  const stop = () => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1)
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
