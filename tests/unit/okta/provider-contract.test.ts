/**
 * The Okta provider against the fake org, in both credential modes: paging, scope, status rules,
 * throttling and failures, the empty-page trap, and what each failure tells the admin.
 */
import { generateKeyPairSync } from 'crypto';
import { StopSyncError, TransientSyncError } from '../../../server/src/providers/errors';
import { startOktaFake, type OktaFake, type ServiceAppCredentials } from '../../fakes/okta';
import {
  assignedGroupIds,
  collect,
  expectedScope,
  ids,
  providerFor,
  rejection,
  testLogger,
  type Mode,
} from './support';

describe.each<Mode>(['token', 'oauth'])('Okta provider with %s credentials', (mode) => {
  let fake: OktaFake;
  let app: ServiceAppCredentials;

  beforeAll(async () => {
    fake = await startOktaFake({ users: 400, seed: 7 });
    app = fake.createServiceApp();
  });

  afterAll(() => fake.close());

  afterEach(() => {
    fake.clearFaults();
    fake.clearRequests();
    fake.setPermissions({ users: true, groups: true, apps: true });
  });

  const provider = (setup: Parameters<typeof providerFor>[3] = {}) =>
    providerFor(fake, mode, app, setup);

  test('offers only the groups assigned to the app', async () => {
    const groups = await collect(provider().listGroups());
    expect(groups.map((group) => group.externalId)).toEqual(assignedGroupIds(fake));
    const names = groups.map((group) => group.name);
    expect(names).toContain('Intranet Editors');
    expect(names).toContain('AD Contractors');
    expect(names).not.toContain('Everyone');
    expect(groups.every((group) => group.members.length === 0)).toBe(true);
  });

  test('filters the offered groups by name prefix', async () => {
    const groups = await collect(provider().listGroups('intranet'));
    expect(groups.map((group) => group.name).sort()).toEqual([
      'Intranet Editors',
      'Intranet Readers',
    ]);
  });

  test('reads every user of the selected groups across many pages, once each', async () => {
    const selected = assignedGroupIds(fake);
    fake.clearRequests();
    const users = await collect(
      provider({ userGroups: selected, options: { pageSize: 7 } }).listUsers()
    );
    expect(ids(users)).toEqual(ids(expectedScope(fake, selected)));
    expect(new Set(ids(users)).size).toBe(users.length);
    expect(fake.requestCount('/users')).toBeGreaterThan(30);
    expect(fake.requests.every((entry) => entry.status === 200)).toBe(true);
  });

  test('syncs nobody when no group is selected', async () => {
    const sync = provider({ userGroups: [] });
    expect(await collect(sync.listUsers())).toEqual([]);
    expect(sync.nextState?.()).toMatchObject({ scope: {} });
  });

  test('ignores a selected group that is no longer assigned to the app', async () => {
    const unassigned = fake.store.groups.find(
      (group) => !group.everyone && !fake.store.isAssigned(group)
    );
    const log = testLogger();
    const users = await collect(provider({ userGroups: [unassigned?.id ?? ''], log }).listUsers());
    expect(users).toEqual([]);
    expect(log.lines.join('\n')).toMatch(/no longer assigned to the app/);
  });

  test('lists the sync groups with their members', async () => {
    const groups = await collect(provider().listSyncGroups());
    expect(groups.map((group) => group.externalId)).toEqual(assignedGroupIds(fake));
    for (const group of groups) {
      const stored = fake.store.group(group.externalId);
      expect(stored).toBeDefined();
      const members = fake.store.memberPositions(stored!).map((pos) => fake.store.users[pos].id);
      expect([...group.members].sort()).toEqual([...members].sort());
    }
  });

  test('after listSyncGroups, users carry all their app groups', async () => {
    const selected = assignedGroupIds(fake).slice(0, 2);
    const sync = provider({ userGroups: selected });
    const groups = await collect(sync.listSyncGroups());
    const users = await collect(sync.listUsers());
    const someone = users.find((user) => user.groupExternalIds.length > 1) ?? users[0];
    const expected = groups
      .filter((group) => group.members.includes(someone.externalId))
      .map((group) => group.externalId);
    expect([...someone.groupExternalIds].sort()).toEqual([...expected].sort());
  });

  test('maps statuses: active, disabled, and staged users left out or created disabled', async () => {
    const group = fake.store.addGroup(`Status mix ${mode}`);
    fake.store.assignGroupToApp(group.id);
    const byStatus = new Map<string, string>();
    for (const status of [
      'ACTIVE',
      'PASSWORD_EXPIRED',
      'LOCKED_OUT',
      'RECOVERY',
      'SUSPENDED',
      'DEPROVISIONED',
      'STAGED',
      'PROVISIONED',
    ] as const) {
      const user = fake.store.addUser({
        login: `${status.toLowerCase()}.${mode}@example.com`,
        groups: [group.id],
      });
      fake.store.setStatus(user.id, status);
      byStatus.set(status, user.id);
    }
    const skip = await collect(provider({ userGroups: [group.id] }).listUsers());
    const active = Object.fromEntries(skip.map((user) => [user.attributes.status, user.active]));
    expect(active).toEqual({
      ACTIVE: true,
      PASSWORD_EXPIRED: true,
      LOCKED_OUT: true,
      RECOVERY: true,
      SUSPENDED: false,
      DEPROVISIONED: false,
    });
    const all = await collect(
      provider({ userGroups: [group.id], options: { stagedUsers: 'create-disabled' } }).listUsers()
    );
    const staged = all.filter((user) =>
      ['STAGED', 'PROVISIONED'].includes(String(user.attributes.status))
    );
    expect(staged.map((user) => user.active)).toEqual([false, false]);
    expect(ids(all)).toEqual([...byStatus.values()].sort());
  });

  test('normalizes the profile and resolves a manager given by login', async () => {
    const selected = assignedGroupIds(fake);
    const users = await collect(provider({ userGroups: selected }).listUsers());
    const byLogin = users.find((user) => {
      const stored = fake.store.user(user.externalId);
      return stored && String(stored.profile.managerId ?? '').includes('@');
    });
    expect(byLogin).toBeDefined();
    const stored = fake.store.user(byLogin!.externalId)!;
    const manager = fake.store.user(String(stored.profile.managerId))!;
    expect(byLogin!.managerExternalId).toBe(manager.id);
    expect(byLogin).toMatchObject({
      username: stored.profile.login,
      email: stored.profile.email,
      firstName: stored.profile.firstName,
      lastName: stored.profile.lastName,
      displayName: stored.profile.displayName,
    });
    expect(byLogin!.attributes).toMatchObject({
      title: stored.profile.title,
      department: stored.profile.department,
      employeeNumber: stored.profile.employeeNumber,
      costCenter: stored.profile.costCenter,
      officeLocation: stored.profile.officeLocation,
      status: stored.status,
    });
    const byId = users.find(
      (user) => user.managerExternalId && !user.attributes.managerId?.toString().includes('@')
    );
    expect(byId?.managerExternalId).toBe(byId?.attributes.managerId);
  });

  test('retries after a 429, waiting for X-Rate-Limit-Reset, then succeeds', async () => {
    const selected = assignedGroupIds(fake).slice(0, 2);
    const log = testLogger();
    fake.failNext(1, '429', { path: '/groups/', skip: 1 });
    const users = await collect(provider({ userGroups: selected, log }).listUsers());
    expect(ids(users)).toEqual(ids(expectedScope(fake, selected)));
    expect(fake.requests.some((entry) => entry.status === 429)).toBe(true);
    expect(log.lines.join('\n')).toMatch(/answered 429; retry 1/);
  });

  test('retries a 500, a 503, a cut response and a slow one', async () => {
    const selected = assignedGroupIds(fake).slice(0, 3);
    fake.failNext(1, '500', { path: '/groups/' });
    fake.failNext(1, '503', { path: '/groups/' });
    fake.failNext(1, 'cut', { path: '/groups/' });
    fake.failNext(1, { kind: 'slow', delayMs: 2000 }, { path: '/groups/' });
    const users = await collect(
      provider({
        userGroups: selected,
        options: { requestTimeoutMs: 300, pageSize: 10, maxRetries: 4 },
      }).listUsers()
    );
    expect(ids(users)).toEqual(ids(expectedScope(fake, selected)));
    const faults = fake.requests.map((entry) => entry.fault).filter(Boolean);
    expect(faults).toEqual(['500', '503', 'cut', 'slow']);
  });

  test('a 500 that persists mid-way fails the run with TransientSyncError and no state', async () => {
    const selected = assignedGroupIds(fake);
    fake.failNext(50, '500', { path: '/groups/', skip: 3 });
    const sync = provider({ userGroups: selected, options: { pageSize: 10, maxRetries: 2 } });
    const error = await rejection(collect(sync.listUsers()));
    expect(error).toBeInstanceOf(TransientSyncError);
    expect(error.code).toBe('okta-unavailable');
    expect(error.message).toMatch(/answered 500 \(Internal Server Error\).*3 times/);
    expect(sync.nextState?.()).toBeNull();
  });

  test('keeps reading past an empty page that still links to a next page', async () => {
    const selected = assignedGroupIds(fake);
    fake.failNext(1, 'empty-page', { path: '/groups/', skip: 2 });
    const users = await collect(
      provider({ userGroups: selected, options: { pageSize: 5 } }).listUsers()
    );
    expect(fake.requests.some((entry) => entry.fault === 'empty-page')).toBe(true);
    expect(ids(users)).toEqual(ids(expectedScope(fake, selected)));
  });

  test('works with trailing slashes on the org URL', async () => {
    fake.clearRequests();
    const groups = await collect(
      provider({ connection: { orgUrl: `${fake.url}///` } }).listGroups()
    );
    expect(groups.length).toBeGreaterThan(0);
    expect(fake.requests.every((entry) => !entry.path.startsWith('//'))).toBe(true);
  });

  test('a missing admin permission stops the run and names the fix', async () => {
    fake.setPermissions({ groups: false });
    const error = await rejection(
      collect(provider({ userGroups: assignedGroupIds(fake) }).listUsers())
    );
    expect(error).toBeInstanceOf(StopSyncError);
    expect(error.code).toBe('okta-forbidden');
    expect(error.message).toMatch(mode === 'token' ? /admin who created it/ : /Admin roles/);
    const result = await provider().testConnection();
    expect(result.ok).toBe(false);
    expect(result.checks.find((check) => check.name === 'Read groups')).toMatchObject({
      ok: false,
    });
    expect(result.checks.find((check) => check.name === 'Read users')).toMatchObject({ ok: true });
  });

  test('an unknown app ID stops the run with what to copy where', async () => {
    const sync = provider({ connection: { appId: '0oa0000000000NOSUCH0' } });
    const error = await rejection(collect(sync.listGroups()));
    expect(error).toBeInstanceOf(StopSyncError);
    expect(error.message).toMatch(/No Okta app has the ID 0oa0000000000NOSUCH0/);
    const result = await sync.testConnection();
    expect(result.checks.find((check) => check.name === 'App')).toMatchObject({ ok: false });
  });

  test('test connection passes every check on a good setup', async () => {
    const result = await provider({
      userGroups: assignedGroupIds(fake).slice(0, 1),
    }).testConnection();
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => check.name)).toEqual(
      mode === 'oauth'
        ? ['Credentials', 'Scopes', 'Read users', 'Read groups', 'App', 'Assigned groups']
        : ['Credentials', 'Read users', 'Read groups', 'App', 'Assigned groups']
    );
    expect(result.checks.every((check) => check.ok)).toBe(true);
  });

  if (mode === 'token') {
    test('a wrong API token stops the run; test connection explains tokens', async () => {
      const sync = provider({ secrets: { apiToken: '00wrongTokenWrongTokenWrongToken' } });
      const error = await rejection(collect(sync.listGroups()));
      expect(error).toBeInstanceOf(StopSyncError);
      expect(error.code).toBe('okta-invalid-token');
      expect(error.message).toMatch(/E0000011 Invalid token provided/);
      const result = await sync.testConnection();
      expect(result.ok).toBe(false);
      expect(result.checks[0]).toMatchObject({ name: 'Credentials', ok: false });
      expect(result.checks[0].message).toMatch(/30 days without use/);
    });
  } else {
    test('a private key that does not match the registered key is refused', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const other = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const sync = provider({ secrets: { privateKey: other } });
      const error = await rejection(collect(sync.listGroups()));
      expect(error).toBeInstanceOf(StopSyncError);
      expect(error.code).toBe('okta-oauth-invalid_client');
      expect(error.message).toMatch(/signature is invalid.*public key with this Key ID/);
      const result = await sync.testConnection();
      expect(result.checks[0]).toMatchObject({ name: 'Credentials', ok: false });
    });

    test('a private key given as JWK works', async () => {
      const groups = await collect(
        provider({
          secrets: { privateKey: JSON.stringify(app.privateJwk) },
          connection: { keyId: '' },
        }).listGroups()
      );
      expect(groups.length).toBeGreaterThan(0);
    });

    test('a public key or garbage in the private key field is named as such', async () => {
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const error = await rejection(
        collect(provider({ secrets: { privateKey: pem } }).listGroups())
      );
      expect(error.message).toMatch(/This is a public key/);
      const garbage = await provider({ secrets: { privateKey: 'not a key' } }).testConnection();
      expect(garbage.checks[0]).toMatchObject({ name: 'Credentials', ok: false });
      expect(garbage.checks[0].message).toMatch(/private key could not be read/);
    });

    test('a scope not granted to the app is refused; test connection names it', async () => {
      const limited = fake.createServiceApp({ scopes: ['okta.users.read', 'okta.groups.read'] });
      const sync = providerFor(fake, 'oauth', limited, {});
      const error = await rejection(collect(sync.listGroups()));
      expect(error).toBeInstanceOf(StopSyncError);
      expect(error.code).toBe('okta-oauth-invalid_scope');
      const result = await sync.testConnection();
      expect(result.ok).toBe(false);
      const byName = Object.fromEntries(result.checks.map((check) => [check.name, check]));
      expect(byName.Scopes.ok).toBe(false);
      expect(byName.Scopes.message).toMatch(/Not granted to the app: okta\.apps\.read\./);
      expect(byName['Read users'].ok).toBe(true);
      expect(byName['Read groups'].ok).toBe(true);
      expect(byName.App.ok).toBe(false);
      expect(byName.App.message).toMatch(/lacks the scope okta\.apps\.read/);
    });

    test('an app that requires DPoP is named with the setting to clear', async () => {
      const dpop = fake.createServiceApp({ requireDpop: true });
      const error = await rejection(collect(providerFor(fake, 'oauth', dpop, {}).listGroups()));
      expect(error.code).toBe('okta-oauth-use_dpop_nonce');
      expect(error.message).toMatch(/Require Demonstrating Proof of Possession/);
    });

    test('gets a new access token when Okta stops accepting the old one', async () => {
      const sync = provider();
      await collect(sync.listGroups());
      fake.auth.revokeAccessTokens();
      const groups = await collect(sync.listGroups());
      expect(groups.length).toBeGreaterThan(0);
    });
  }
});

describe('Okta provider on an org with nothing assigned', () => {
  let fake: OktaFake;

  beforeAll(async () => {
    fake = await startOktaFake({ users: 30, assignToApp: 'none' });
  });

  afterAll(() => fake.close());

  test('offers no group, syncs nobody and warns in the connection test', async () => {
    const sync = providerFor(fake, 'token', null, {});
    expect(await collect(sync.listGroups())).toEqual([]);
    expect(await collect(sync.listSyncGroups())).toEqual([]);
    expect(await collect(sync.listUsers())).toEqual([]);
    const result = await sync.testConnection();
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(/no groups are assigned to the app: no users will sync/);
    expect(result.checks.find((check) => check.name === 'Assigned groups')).toMatchObject({
      ok: false,
      message: 'No groups are assigned to the app: no users will sync.',
    });
  });
});
