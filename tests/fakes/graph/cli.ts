/**
 * Starts the fake Entra ID + Graph server on its own, for the demo:
 *   node cli.js --port 8443 --users 500 [--groups 25] [--seed 42] [--domain contoso.example]
 *   (or PORT=8443 USERS=500)
 * and prints one line of JSON: url, tenantId, clientId, clientSecret.
 * Clients trust tests/fakes/certs/ca.pem.
 */
import { generateOrg } from '../org';
import { startGraphFake } from './index';

const argument = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
};
const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));

const users = number(argument('users') ?? process.env.USERS) ?? 100;
const groups = number(argument('groups') ?? process.env.GROUPS);
const seed = number(argument('seed') ?? process.env.SEED);
const domain = argument('domain') ?? process.env.DOMAIN;

startGraphFake({
  port: number(argument('port') ?? process.env.PORT) ?? 0,
  host: argument('host') ?? process.env.HOST,
  users,
  groups,
  seed,
  ...(domain ? { org: generateOrg({ users, groups, seed, domain }) } : {}),
}).then(
  (fake) => {
    const { url, port, tenantId, clientId, clientSecret } = fake;
    const users = fake.store.listUsers().length;
    const groups = fake.store.listGroups().length;
    process.stdout.write(
      `${JSON.stringify({ url, port, tenantId, clientId, clientSecret, users, groups, caCertificate: 'tests/fakes/certs/ca.pem' })}\n`
    );
    const stop = () => void fake.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
);
