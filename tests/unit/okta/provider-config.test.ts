/**
 * Okta settings and transport: org URL rules, options, isolation from okta.yaml and OKTA_CLIENT_*,
 * the CA certificate setting over HTTPS, slowing down before the rate limit, cancellation.
 */
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import {
  isFullSyncDue,
  normalizeOrgUrl,
  readOktaOptions,
} from '../../../server/src/providers/okta';
import { statusRule } from '../../../server/src/providers/okta/map';
import { CancelledError, StopSyncError } from '../../../server/src/providers/errors';
import { startOktaFake, type OktaFake } from '../../fakes/okta';
import {
  assignedGroupIds,
  collect,
  expectedScope,
  ids,
  providerFor,
  rejection,
  testLogger,
} from './support';

const CA = readFileSync(path.resolve(__dirname, '../../fakes/certs/ca.pem'), 'utf8');

describe('Okta org URL', () => {
  test.each([
    ['https://acme.okta.com/', 'https://acme.okta.com'],
    ['https://acme.okta.com///', 'https://acme.okta.com'],
    ['  acme.okta.com  ', 'https://acme.okta.com'],
    ['https://acme-admin.okta.com/admin/dashboard', 'https://acme.okta.com'],
    ['https://acme-admin.oktapreview.com', 'https://acme.oktapreview.com'],
    ['https://login.acme.com/', 'https://login.acme.com'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeOrgUrl(input)).toBe(expected);
  });

  test.each([
    ['http://localhost:8080/', 'http://localhost:8080'],
    ['http://127.0.0.1:9000', 'http://127.0.0.1:9000'],
    ['http://okta.test.internal', 'http://okta.test.internal'],
  ])('%s -> %s only with allowHttp', (input, expected) => {
    expect(normalizeOrgUrl(input, true)).toBe(expected);
    expect(() => normalizeOrgUrl(input)).toThrow(/plain http:\/\/.*allowHttp/);
  });

  test.each(['http://acme.okta.com', 'ftp://acme.okta.com', '', 'https://'])(
    'refuses %j with a StopSyncError',
    (input) => {
      expect(() => normalizeOrgUrl(input)).toThrow(StopSyncError);
    }
  );
});

describe('Okta options', () => {
  test('defaults', () => {
    expect(readOktaOptions({})).toMatchObject({
      stagedUsers: 'skip',
      fullSyncEveryHours: 24,
      maxRetries: 4,
      pageSize: 200,
    });
  });

  test('refuses a bad value with the option named', () => {
    expect(() => readOktaOptions({ stagedUsers: 'maybe' })).toThrow(/stagedUsers/);
    expect(() => readOktaOptions({ pageSize: 500 })).toThrow(
      /"pageSize" must be a number from 1 to 200/
    );
    expect(() => readOktaOptions({ maxRetries: -1 })).toThrow(StopSyncError);
  });
});

describe('status rules', () => {
  test.each([
    ['ACTIVE', 'skip', { active: true }],
    ['PASSWORD_EXPIRED', 'skip', { active: true }],
    ['LOCKED_OUT', 'skip', { active: true }],
    ['RECOVERY', 'skip', { active: true }],
    ['SUSPENDED', 'skip', { active: false }],
    ['DEPROVISIONED', 'skip', { active: false }],
    ['STAGED', 'skip', null],
    ['PROVISIONED', 'skip', null],
    ['STAGED', 'create-disabled', { active: false }],
    ['PROVISIONED', 'create-disabled', { active: false }],
  ] as const)('%s with stagedUsers=%s', (status, staged, expected) => {
    expect(statusRule(status, staged)).toEqual(expected);
  });
});

describe('isFullSyncDue', () => {
  const state = (lastFullSyncAt: string) => ({
    version: 1,
    orgUrl: 'https://acme.okta.com',
    appId: '0oa1',
    since: lastFullSyncAt,
    lastFullSyncAt,
    scope: {},
  });
  const now = new Date('2025-03-02T12:00:00.000Z');

  test('without a usable state', () => {
    expect(isFullSyncDue({}, now, 24)).toBe(true);
    expect(isFullSyncDue(null, now, 24)).toBe(true);
    expect(isFullSyncDue({ ...state('2025-03-02T11:00:00.000Z'), version: 2 }, now, 24)).toBe(true);
  });

  test('by the age of the last full sync', () => {
    expect(isFullSyncDue(state('2025-03-02T11:00:00.000Z'), now, 24)).toBe(false);
    expect(isFullSyncDue(state('2025-03-01T12:00:00.000Z'), now, 24)).toBe(true);
    expect(isFullSyncDue(state('2025-03-02T11:00:00.000Z'), now, 0)).toBe(true);
  });
});

describe('Okta provider isolation from okta.yaml and OKTA_CLIENT_*', () => {
  let fake: OktaFake;
  let home: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    fake = await startOktaFake({ users: 60 });
    home = mkdtempSync(path.join(tmpdir(), 'okta-yaml-'));
    const yaml = [
      'okta:',
      '  client:',
      '    orgUrl: "https://evil.example.com"',
      '    token: "yaml-token"',
      '    authorizationMode: "PrivateKey"',
      '    clientId: "0oaYamlClientId"',
      '    scopes: "okta.users.manage"',
      '    keyId: "yaml-kid"',
      '    privateKey: "not-a-key"',
      '',
    ].join('\n');
    mkdirSync(path.join(home, '.okta'));
    writeFileSync(path.join(home, '.okta', 'okta.yaml'), yaml);
    writeFileSync(path.join(home, 'okta.yaml'), yaml);
  });

  afterAll(async () => {
    process.env = saved;
    jest.restoreAllMocks();
    rmSync(home, { recursive: true, force: true });
    await fake.close();
  });

  test('constructor values win in both modes', async () => {
    jest.spyOn(process, 'cwd').mockReturnValue(home);
    process.env.HOME = home;
    Object.assign(process.env, {
      OKTA_CLIENT_ORGURL: 'https://env.example.com',
      OKTA_CLIENT_TOKEN: 'env-token',
      OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
      OKTA_CLIENT_CLIENTID: '0oaEnvClientId',
      OKTA_CLIENT_SCOPES: 'okta.users.manage',
      OKTA_CLIENT_KEYID: 'env-kid',
      OKTA_CLIENT_PRIVATEKEY: 'env-key',
    });
    const app = fake.createServiceApp();
    const providers = [
      providerFor(fake, 'token', null),
      providerFor(fake, 'oauth', app),
      // No key id here: a leaked OKTA_CLIENT_KEYID or okta.yaml keyId would name an unknown key.
      providerFor(fake, 'oauth', app, { connection: { keyId: '' } }),
    ];
    for (const provider of providers) {
      const groups = await collect(provider.listGroups());
      expect(groups.map((group) => group.externalId)).toEqual(assignedGroupIds(fake));
    }
    expect(fake.requests.every((entry) => entry.status === 200)).toBe(true);
    expect(new Set(fake.requests.map((entry) => entry.auth))).toEqual(
      new Set(['ssws', 'none', 'bearer'])
    );
  });
});

describe('Okta provider over HTTPS', () => {
  let fake: OktaFake;

  beforeAll(async () => {
    fake = await startOktaFake({ users: 40, https: true });
  });

  afterAll(() => fake.close());

  test.each(['token', 'oauth'] as const)(
    'trusts the CA certificate of the connection (%s, token request included)',
    async (mode) => {
      const app = fake.createServiceApp();
      const sync = providerFor(fake, mode, app, { connection: { caCertificate: CA } });
      expect((await collect(sync.listGroups())).length).toBeGreaterThan(0);
      await sync.close?.();
    }
  );

  test('without the CA certificate, says the certificate is not trusted and where to fix it', async () => {
    const sync = providerFor(fake, 'token', null);
    const error = await rejection(collect(sync.listGroups()));
    expect(error).toBeInstanceOf(StopSyncError);
    expect(error.code).toBe('okta-tls');
    expect(error.message).toMatch(/not trusted.*CA certificate/);
    const result = await sync.testConnection();
    expect(result.checks[0]).toMatchObject({ name: 'Credentials', ok: false });
  });
});

describe('Okta provider and the rate limit', () => {
  let fake: OktaFake;

  beforeAll(async () => {
    fake = await startOktaFake({
      users: 200,
      rateLimits: { 'GET /api/v1/groups/*/users': { limit: 4, windowMs: 1000 } },
    });
  });

  afterAll(() => fake.close());

  test('slows down before the bucket runs dry instead of hitting 429', async () => {
    const log = testLogger();
    const selected = assignedGroupIds(fake).slice(0, 1);
    const users = await collect(
      providerFor(fake, 'token', null, {
        userGroups: selected,
        log,
        options: { pageSize: 5 },
      }).listUsers()
    );
    expect(ids(users)).toEqual(ids(expectedScope(fake, selected)));
    expect(fake.requestCount('/users')).toBeGreaterThan(4);
    expect(fake.requests.filter((entry) => entry.status === 429)).toEqual([]);
    expect(log.lines.join('\n')).toMatch(
      /rate limit for GET \/api\/v1\/groups\/\*\/users nearly used/
    );
  });

  test('the fake answers 429 E0000047 when the budget is spent', async () => {
    fake.setRateLimit('GET /api/v1/users', { limit: 2, windowMs: 60_000 });
    const statuses: number[] = [];
    let body: unknown;
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${fake.url}/api/v1/users?limit=1`, {
        headers: { Authorization: `SSWS ${fake.apiToken}` },
      });
      statuses.push(response.status);
      body = await response.json();
      if (response.status === 429) {
        expect(response.headers.get('x-rate-limit-remaining')).toBe('0');
      }
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(body).toMatchObject({ errorCode: 'E0000047' });
  });
});

describe('Okta provider cancellation', () => {
  let fake: OktaFake;

  beforeAll(async () => {
    fake = await startOktaFake({ users: 200 });
  });

  afterAll(() => fake.close());

  test('stops between pages with CancelledError', async () => {
    const controller = new AbortController();
    const sync = providerFor(fake, 'token', null, {
      userGroups: assignedGroupIds(fake),
      signal: controller.signal,
      options: { pageSize: 5 },
    });
    const pages: unknown[] = [];
    const error = await rejection(
      (async () => {
        for await (const page of sync.listUsers()) {
          pages.push(page);
          controller.abort();
        }
      })()
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(pages).toHaveLength(1);
  });
});
