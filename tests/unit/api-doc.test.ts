/**
 * docs/API.md against the code: its audit actions are the ones the server writes, its directory
 * options the ones the providers read (with their defaults) and the panel offers as fields.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AUDIT_ACTIONS } from '../../shared/contracts';
import { optionsOf, OTHER_OPTIONS, PROVIDER_OPTIONS } from '../../admin/src/utils/options';
import { readOptions as readAzureOptions } from '../../server/src/providers/azure/settings';
import { readOktaOptions } from '../../server/src/providers/okta/connection';
import routes from '../../server/src/routes';
import { EVENT_ACTIONS } from '../../server/src/services/audit';

const ROOT = path.resolve(__dirname, '../..');
const doc = fs.readFileSync(path.join(ROOT, 'docs/API.md'), 'utf8');

/** The first cells (`name`) of the table rows under a heading of docs/API.md. */
const tableOf = (heading: string) => {
  const section = doc.slice(doc.indexOf(heading));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| -')));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split('|').map((cell) => cell.trim()));
};

/** Folders whose quoted `x.y` names are not audit actions (route handlers, tests). */
const NOT_AUDIT = new Set(['__tests__', 'routes']);

/** Every `.ts` file of the server, tests and route tables left out. */
const serverSources = (dir = path.join(ROOT, 'server/src')): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return NOT_AUDIT.has(entry.name) ? [] : serverSources(file);
    return entry.name.endsWith('.ts') ? [fs.readFileSync(file, 'utf8')] : [];
  });

describe('docs/API.md', () => {
  const actions = tableOf('### Audit actions');

  it('lists exactly the audit actions of shared/contracts, events marked as the server emits them', () => {
    expect(actions.map((row) => row[1].replace(/`/g, '')).sort()).toEqual(
      [...AUDIT_ACTIONS].sort()
    );
    const events = actions.filter((row) => row[3] === 'event').map((row) => row[1].slice(1, -1));
    expect(events.sort()).toEqual([...EVENT_ACTIONS].sort());
  });

  it('lists no action the server never writes, and every action it writes', () => {
    const code = serverSources().join('\n');
    const written = new Set(
      [...code.matchAll(/'((?:user|role|group|run|settings|connection)(?:\.[a-z]+)+)'/g)].map(
        (match) => match[1]
      )
    );
    expect(
      [...written].filter((action) => !(AUDIT_ACTIONS as readonly string[]).includes(action))
    ).toEqual([]);
    expect(AUDIT_ACTIONS.filter((action) => !written.has(action))).toEqual([]);
  });

  it('lists every option the providers read and the panel offers, with the providers’ defaults', () => {
    const documented = tableOf('## Directory options').map((row) => row[1].replace(/`/g, ''));
    const offered = new Set([
      ...Object.keys(PROVIDER_OPTIONS).flatMap((type) => optionsOf(type).map((spec) => spec.key)),
      ...OTHER_OPTIONS,
    ]);
    expect(documented.sort()).toEqual([...offered].sort());

    const defaults: Record<string, Record<string, unknown>> = {
      azure: readAzureOptions({}),
      okta: readOktaOptions({}),
    };
    for (const [type, parsed] of Object.entries(defaults)) {
      // The size cap is read in bytes from the option in megabytes; allowHttp comes from the
      // plugin config, not from a directory's options.
      const {
        maxResponseBytes,
        allowHttp: _allowHttp,
        ...rest
      } = parsed as { maxResponseBytes?: number; allowHttp?: boolean };
      const read: Record<string, unknown> = {
        ...rest,
        ...(maxResponseBytes ? { maxResponseMegabytes: maxResponseBytes / 1048576 } : {}),
      };
      const specs = PROVIDER_OPTIONS[type];
      expect(specs.map((spec) => spec.key).sort()).toEqual(Object.keys(read).sort());
      for (const spec of specs)
        expect([type, spec.key, spec.default]).toEqual([type, spec.key, read[spec.key]]);
    }
  });

  it('has a place in the panel for every admin route (docs/PANEL.md)', () => {
    const panel = fs.readFileSync(path.join(ROOT, 'docs/PANEL.md'), 'utf8');
    const listed = new Set(
      [...panel.matchAll(/^\| `([A-Z]+ \/[^`]+)`/gm)].map((match) => match[1])
    );
    const served = routes.admin.routes.map((route) => `${route.method} ${route.path}`);
    expect(served.filter((route) => !listed.has(route))).toEqual([]);
    expect([...listed].filter((route) => !served.includes(route))).toEqual([]);
  });
});
