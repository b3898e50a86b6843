/**
 * Starts the fake CSV file server as a process for the demo:
 *   cli --port 8443 --username demo --password demo --file /people.csv=playground/data/demo-people.csv
 * Options also come from CSV_FAKE_PORT, CSV_FAKE_USERNAME, CSV_FAKE_PASSWORD; --http serves plain HTTP.
 * Prints the URL of each file, then serves until SIGINT or SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startCsvFileServer } from './server';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};
const files: Record<string, Buffer> = {};
args.forEach((arg, index) => {
  if (arg !== '--file') return;
  const [path, local] = (args[index + 1] ?? '').split('=');
  if (path && local) files[path.startsWith('/') ? path : `/${path}`] = readFileSync(resolve(local));
});
if (Object.keys(files).length === 0) {
  files['/people.csv'] = readFileSync(
    resolve(__dirname, '../../../playground/data/demo-people.csv')
  );
}

startCsvFileServer({
  files,
  port: Number(option('port') ?? process.env.CSV_FAKE_PORT ?? 0),
  username: option('username') ?? process.env.CSV_FAKE_USERNAME,
  password: option('password') ?? process.env.CSV_FAKE_PASSWORD,
  https: !args.includes('--http'),
}).then((server) => {
  for (const path of Object.keys(files)) process.stdout.write(`${server.url}${path}\n`);
  const stop = () => void server.close();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
