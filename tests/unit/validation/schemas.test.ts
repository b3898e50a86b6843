/**
 * The settings schemas, field by field: each good value passes, each bad one is a ValidationError
 * naming that field (the 400 of the admin API).
 */
import { errors } from '@strapi/utils';
import { validateSchema } from '../../../server/src/controllers/validation';
import { settingsSchema } from '../../../server/src/controllers/validation/directory';
import { azureSchema } from '../../../server/src/providers/azure/schema';
import { csvSchema } from '../../../server/src/providers/csv/schema';
import { oktaSchema } from '../../../server/src/providers/okta/schema';
import type { ProviderDefinition } from '../../../server/src/providers/registry';
import configModule from '../../../server/src/config';
import { compileGroupPattern, groupPatternProblem } from '../../../shared/contracts/group-filter';
import { isInside } from '../../../server/src/services/media';
import { nextRunAfter } from '../../../server/src/sync/schedule';

type Case = [field: string, value: unknown];

/** The paths a value's errors name, [] when it passes. */
const pathsOf = (run: () => unknown): string[] => {
  try {
    run();
    return [];
  } catch (error) {
    if (!(error instanceof errors.ValidationError)) throw error;
    return (error.details as { errors: { path: string[] }[] }).errors.map((e) => e.path.join('.'));
  }
};

/** The errors name the field or one of its parts (`columns` -> `columns.0.field`). */
const names = (paths: string[], field: string) =>
  paths.some((p) => p === field || p.startsWith(`${field}.`));

/** Sets `value` at a dotted path of a copy of `base`. */
const withValue = (base: Record<string, unknown>, field: string, value: unknown) => {
  const copy = structuredClone(base);
  const keys = field.split('.');
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
  return copy;
};

const GUID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe.each([
  {
    name: 'azure connection',
    schema: azureSchema.connection,
    base: { tenantId: GUID, clientId: GUID },
    good: [
      ['tenantId', 'contoso.onmicrosoft.com'],
      ['tenantId', GUID.toUpperCase()],
      ['authorityHost', 'https://login.microsoftonline.us'],
      ['authorityHost', ''],
      ['graphBaseUrl', 'https://graph.microsoft.us'],
      ['caCertificate', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'],
    ] as Case[],
    bad: [
      ['tenantId', ''],
      ['tenantId', 'contoso'],
      ['tenantId', 'contoso.com/../../evil'],
      ['tenantId', 42],
      ['clientId', 'my-app'],
      ['authorityHost', 'http://login.microsoftonline.com'],
      ['authorityHost', 'login.microsoftonline.com'],
      ['authorityHost', 'https://user:pw@login.example'],
      ['graphBaseUrl', 'ftp://graph.microsoft.com'],
      ['caCertificate', 'not pem'],
      ['clientSecret', 'secrets go in secrets'],
    ] as Case[],
  },
  {
    name: 'azure options',
    schema: azureSchema.options,
    base: {},
    good: [
      ['includeGuests', true],
      ['pageSize', 999],
      ['maxRetryAfterSeconds', 0.05],
      ['maxRetries', 0],
      ['fullSyncEveryHours', 24],
      ['requestTimeoutSeconds', 600],
    ] as Case[],
    bad: [
      ['includeGuests', 'yes'],
      ['pageSize', 1000],
      ['pageSize', 10.5],
      ['maxRetries', 21],
      ['maxRetryAfterSeconds', '60'],
      ['requestTimeoutSeconds', 601],
      ['requestTimeoutSeconds', 0],
      ['tmpDir', '/tmp'],
    ] as Case[],
  },
  {
    name: 'okta connection',
    schema: oktaSchema.connection,
    base: { orgUrl: 'https://acme.okta.com', authMode: 'token' },
    good: [
      ['orgUrl', 'acme.okta.com'],
      ['orgUrl', 'https://acme-admin.okta.com/'],
      ['orgUrl', 'http://127.0.0.1:8080'],
      ['appId', '0oa1'],
    ] as Case[],
    bad: [
      ['orgUrl', ''],
      ['orgUrl', 'http://acme.okta.com'],
      ['orgUrl', 'ftp://acme.okta.com'],
      ['authMode', 'password'],
      ['authMode', undefined],
      ['caCertificate', 'x'],
      ['apiToken', 'secrets go in secrets'],
    ] as Case[],
  },
  {
    name: 'okta options',
    schema: oktaSchema.options,
    base: {},
    good: [
      ['stagedUsers', 'create-disabled'],
      ['requestTimeoutMs', 600_000],
      ['pageSize', 200],
      ['concurrency', 16],
      ['rateLimitReserve', 0.9],
    ] as Case[],
    bad: [
      ['stagedUsers', 'all'],
      ['requestTimeoutMs', 600_001],
      ['requestTimeoutMs', 50],
      ['pageSize', 201],
      ['concurrency', 0],
      ['rateLimitReserve', 1],
      ['overlapSeconds', 86_401],
      ['shell', 'rm -rf /'],
    ] as Case[],
  },
  {
    name: 'csv connection',
    schema: csvSchema.connection,
    base: { location: 'remote', url: 'https://files.example.com/p.csv', matchField: 'username' },
    good: [
      ['url', 'https://files.example.com:8443/hr/people.csv?v=1'],
      ['username', 'hr'],
      ['managerField', ''],
      ['columns', [{ column: 'Mail', field: 'email' }]],
      ['columns', [{ column: 'Groups', field: 'groups' }]],
      ['delimiter', ';'],
    ] as Case[],
    bad: [
      ['location', 'disk'],
      ['url', ''],
      ['url', 'http://files.example.com/p.csv'],
      ['url', 'file:///etc/passwd'],
      ['url', 'people.csv'],
      ['matchField', ''],
      ['columns', [{ column: 'Mail', field: 'password_hash' }]],
      ['columns', [{ column: '', field: 'email' }]],
      ['delimiter', '|'],
      ['tmpDir', '/etc'],
    ] as Case[],
  },
  {
    name: 'csv options',
    schema: csvSchema.options,
    base: {},
    good: [['timeoutMs', 300_000]] as Case[],
    bad: [
      ['timeoutMs', 300_001],
      ['timeoutMs', 999],
      ['tmpDir', '/tmp/x'],
      ['maxBytes', 10 ** 12],
      ['allowHttp', true],
    ] as Case[],
  },
])('$name', ({ schema, base, good, bad }) => {
  it('accepts the base value', () => {
    expect(pathsOf(() => validateSchema(schema, base))).toEqual([]);
  });
  it.each(good)('accepts %s = %j', (field, value) => {
    expect(pathsOf(() => validateSchema(schema, withValue(base, field, value)))).toEqual([]);
  });
  it.each(bad)('refuses %s = %j, naming the field', (field, value) => {
    expect(
      names(
        pathsOf(() => validateSchema(schema, withValue(base, field, value))),
        field
      )
    ).toBe(true);
  });
});

describe('CSV over plain http', () => {
  const value = { location: 'remote', url: 'http://files.example.com/p.csv', matchField: 'u' };
  it('is refused unless the plugin config sets allowHttp', () => {
    expect(pathsOf(() => validateSchema(csvSchema.connection, value))).toEqual(['url']);
    expect(pathsOf(() => validateSchema(csvSchema.connection, value, { allowHttp: true }))).toEqual(
      []
    );
  });
  it('a Media Library file needs a file id', () => {
    const media = { location: 'media', matchField: 'u' };
    expect(pathsOf(() => validateSchema(csvSchema.connection, media))).toEqual(['mediaFileId']);
  });
});

describe('endpoints the secrets are bound to', () => {
  it.each([
    [azureSchema.endpoint({}), 'https://login.microsoftonline.com https://graph.microsoft.com'],
    [
      azureSchema.endpoint({ graphBaseUrl: 'https://graph.microsoft.us/v1.0' }),
      'https://login.microsoftonline.com https://graph.microsoft.us',
    ],
    [oktaSchema.endpoint({ orgUrl: 'acme-admin.okta.com' }), 'https://acme.okta.com'],
    [csvSchema.endpoint({ url: 'https://f.example.com/a/b.csv' }), 'https://f.example.com'],
    [csvSchema.endpoint({ location: 'media', url: 'https://f.example.com' }), 'media'],
  ])('%s', (endpoint, expected) => {
    expect(endpoint).toBe(expected);
  });
});

describe('directory settings', () => {
  const definition = {
    secrets: ['password', 'defaultPassword'],
    requiredConnection: ['location', 'matchField'],
    defaultMapping: [],
    usersByGroup: false,
    schema: csvSchema,
  } as unknown as ProviderDefinition;
  const schema = settingsSchema(definition, ['jobTitle', 'department']);
  const base = {
    name: 'HR',
    enabled: false,
    target: 'users-permissions',
    loginProvider: 'local',
    schedule: '0 * * * *',
    connection: { location: 'remote', url: 'https://f.example.com/p.csv', matchField: 'u' },
    userGroups: [],
    groupSync: { mode: 'none', roles: [] },
    mapping: [{ source: 'title', target: 'jobTitle' }],
    safety: { maxDisablePercent: 20, licenceLimit: null, onLeave: 'disable' },
    options: {},
  };
  const check = (value: Record<string, unknown>, secretsSet: string[] = []) =>
    pathsOf(() => validateSchema(schema, value, { secretsSet }));

  it.each([
    ['schedule', '*/5 * * * *'],
    ['schedule', '0 0 29 2 *'],
    ['loginProvider', 'microsoft'],
    ['groupSync', { mode: 'regex', pattern: '^Intranet|^Managers$' }],
    ['groupSync', { mode: 'all', roles: [{ group: 'g', role: 'Editor' }] }],
    ['groupSync', { mode: 'all', roles: [{ pattern: '^Intranet', role: 'Editor' }] }],
    ['safety.licenceLimit', 500],
    ['safety.maxDisablePercent', 0],
    ['options.orgChart', true],
    ['options.passwordPolicy', 'random'],
    ['options.timeoutMs', 5000],
  ] as Case[])('accepts %s = %j', (field, value) => {
    expect(check(withValue(base, field, value))).toEqual([]);
  });

  it.each([
    ['name', ''],
    ['name', 'x'.repeat(101)],
    ['enabled', 'true'],
    ['target', 'everyone'],
    ['loginProvider', 'local provider'],
    ['schedule', 'every hour'],
    ['schedule', '* * * * * *'],
    ['schedule', '0 0 30 2 *'],
    ['schedule', '0 0 30 * 1#1'],
    ['userGroups', 'g1'],
    ['userGroups', Array.from({ length: 50_001 }, (_, i) => `g${i}`)],
    ['groupSync.mode', 'some'],
    ['groupSync.pattern', '^(a+)+$'],
    ['groupSync.pattern', '(unclosed'],
    ['groupSync.pattern', 'a'.repeat(201)],
    ['groupSync.roles', [{ group: 'g', role: '' }]],
    ['groupSync.roles', [{ pattern: '^(a+)+$', role: 'Editor' }]],
    ['groupSync.roles', [{ group: 'g', pattern: '^g', role: 'Editor' }]],
    ['groupSync.roles', [{ role: 'Editor' }]],
    ['groupSync.extra', 1],
    ['mapping.0.target', 'password'],
    ['mapping.0.source', ''],
    ['safety.maxDisablePercent', 101],
    ['safety.licenceLimit', -1],
    ['safety.licenceLimit', 1.5],
    ['safety.onLeave', 'delete'],
    ['options.tmpDir', '/etc'],
    ['options.timeoutMs', 3_600_000],
    ['options.passwordPolicy', 'same-for-all'],
    ['options.passwordPolicy', 'shared'],
  ] as Case[])('refuses %s = %j, naming the field', (field, value) => {
    expect(names(check(withValue(base, field, value)), field)).toBe(true);
  });

  it('accepts a shared password policy only with the defaultPassword secret', () => {
    const shared = withValue(base, 'options.passwordPolicy', 'shared');
    expect(check(shared, ['defaultPassword'])).toEqual([]);
    expect(check(shared, ['password'])).toEqual(['options.passwordPolicy']);
  });

  it('names every wrong field at once, in the message too', () => {
    try {
      validateSchema(
        schema,
        { ...base, schedule: 'every hour', safety: { onLeave: 'x' } },
        {
          secretsSet: [],
        }
      );
      throw new Error('no error');
    } catch (error) {
      expect((error as Error).message).toMatch(/schedule: 'every hour' is not a valid cron/);
      expect((error as Error).message).toMatch(/safety.onLeave: must be one of disable, ignore/);
    }
  });
});

describe('plugin config', () => {
  const { validator } = configModule;
  it.each([
    [{}],
    [{ encryptionKey: 'k'.repeat(16), allowHttp: true, batchSize: 5000, leaseSeconds: 3 }],
    [{ scheduler: { enabled: false }, csvMaxBytes: 1024 }],
  ])('accepts %j', (config) => {
    expect(() => validator(config)).not.toThrow();
  });
  it.each([
    [{ encryptionKey: 'short' }, /encryptionKey/],
    [{ allowHttp: 'yes' }, /allowHttp/],
    [{ batchSize: 5001 }, /batchSize/],
    [{ batchSize: 0 }, /batchSize/],
    [{ leaseSeconds: 1.5 }, /leaseSeconds/],
    [{ scheduler: { enabled: 'on' } }, /scheduler.enabled/],
    [{ schedular: { enabled: true } }, /unknown setting 'schedular'/],
  ])('refuses %j at start-up, naming the setting', (config, message) => {
    expect(() => validator(config)).toThrow(message);
  });
});

describe('group filter patterns (the server and the panel preview)', () => {
  it.each(['^Intranet', '^Intranet|^Managers$', 'Sales-[A-Z]{2}', '^(EU|US) Team$'])(
    'accepts %s',
    (pattern) => {
      expect(groupPatternProblem(pattern)).toBeNull();
      expect(compileGroupPattern(pattern).regex).toBeInstanceOf(RegExp);
    }
  );
  it.each([
    ['^(a+)+$', /exponential/],
    ['(a*)*b', /exponential/],
    ['^(\\w+\\s?)*$', /exponential/],
    ['(', /not a valid regular expression/],
    ['x'.repeat(201), /at most 200/],
  ])('refuses %s', (pattern, message) => {
    expect(groupPatternProblem(pattern)).toMatch(message);
    expect(compileGroupPattern(pattern).regex).toBeNull();
  });
});

describe('next run of a schedule', () => {
  const from = new Date(2026, 2, 1, 10, 30);
  it.each([
    ['0 * * * *', new Date(2026, 2, 1, 11, 0)],
    ['*/15 * * * *', new Date(2026, 2, 1, 10, 45)],
    ['30 10 * * *', new Date(2026, 2, 2, 10, 30)],
    ['0 0 29 2 *', new Date(2028, 1, 29, 0, 0)],
    ['0 9 * * 1', new Date(2026, 2, 2, 9, 0)],
  ])('%s fires next at the expected minute', (expression, expected) => {
    expect(nextRunAfter(expression, from)).toEqual(expected);
  });
  it.each(['0 0 30 2 *', '0 0 30 * 1#1', 'every hour', '* * * * * *'])(
    '%s never fires: null, in milliseconds',
    (expression) => {
      const started = Date.now();
      expect(nextRunAfter(expression, from)).toBeNull();
      expect(Date.now() - started).toBeLessThan(500);
    }
  );
});

describe('Media Library path check', () => {
  it.each([
    ['/srv/app/public', '/srv/app/public/uploads/a.csv', true],
    ['/srv/app/public', '/srv/app/public-old/uploads/a.csv', false],
    ['/srv/app/public', '/srv/app/publicity.csv', false],
    ['/srv/app/public', '/srv/app/public', false],
    ['/srv/app/public', '/etc/passwd', false],
  ])('%s contains %s: %s', (folder, location, inside) => {
    expect(isInside(folder, location)).toBe(inside);
  });
});
