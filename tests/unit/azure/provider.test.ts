/**
 * Contract tests of the Entra ID provider against the fake Entra ID / Graph server over real HTTPS,
 * with the real @azure/identity and @microsoft/microsoft-graph-client. The fake's certificate is
 * trusted through the directory's caCertificate setting only.
 */
import { rootCertificates } from 'tls';

import { isFullSyncDue } from '../../../server/src/providers/azure';
import type { DirectoryUser } from '../../../server/src/providers/types';
import {
  CancelledError,
  StopSyncError,
  SyncError,
  TransientSyncError,
} from '../../../server/src/providers/errors';
import { startGraphFake, type GraphFake } from '../../fakes/graph';
import { closeProviders, collect, failure, providerFor } from './support';

const graphCalls = (fake: GraphFake, path: string) =>
  fake.log.count((entry) => !entry.batched && entry.path === path);

/** Users of the fake in the selected groups (transitively), as the provider should see them. */
const expectedScope = (fake: GraphFake, groups: string[], includeGuests = false) => {
  const ids = new Set<string>();
  for (const group of groups) {
    for (const id of fake.store.transitiveMembers(group)) {
      const user = fake.store.users.get(id);
      if (user && user.deletedDateTime === null && (includeGuests || user.userType !== 'Guest'))
        ids.add(id);
    }
  }
  return ids;
};

const byId = (users: DirectoryUser[]) => new Map(users.map((user) => [user.externalId, user]));

afterEach(closeProviders);

describe('Azure provider: full runs', () => {
  let fake: GraphFake;
  let allGroups: string[];
  beforeAll(async () => {
    fake = await startGraphFake({ users: 2500 });
    allGroups = fake.store.listGroups().map((group) => group.id);
  });
  afterAll(() => fake.close());

  it.each([999, 100])('reads all 2,500 users across pages of %i', async (pageSize) => {
    fake.log.reset();
    const provider = providerFor(fake, { userGroups: allGroups, options: { pageSize } });
    await collect(provider.listSyncGroups());
    const users = await collect(provider.listUsers());
    const expected = expectedScope(fake, allGroups);
    expect(users).toHaveLength(expected.size);
    expect(new Set(users.map((user) => user.externalId))).toEqual(expected);
    expect(graphCalls(fake, '/v1.0/users/delta')).toBe(Math.ceil(2500 / pageSize));
  });

  it('normalizes a user: UPN as username, mail, names, manager, raw attributes and groups', async () => {
    const provider = providerFor(fake, { userGroups: allGroups });
    const users = byId(await collect(provider.listUsers()));
    const person = fake.store.org.people.find(
      (p) => p.index > 0 && !p.guest && !p.noMail && p.enabled
    );
    const source = fake.store.users.get(fake.userId(person?.index ?? 1));
    const user = users.get(source?.id ?? '');
    expect(source && user).toBeTruthy();
    if (!source || !user) return;
    expect(user).toMatchObject({
      username: source.userPrincipalName,
      email: source.mail,
      firstName: source.givenName,
      lastName: source.surname,
      displayName: source.displayName,
      active: true,
      managerExternalId: source.managerId,
    });
    expect(user.attributes).toMatchObject({
      jobTitle: source.jobTitle,
      department: source.department,
      officeLocation: source.officeLocation,
      employeeId: source.employeeId,
      mobilePhone: source.mobilePhone,
      userPrincipalName: source.userPrincipalName,
      userType: 'Member',
    });
    expect(new Set(user.groupExternalIds)).toEqual(
      new Set(fake.store.transitiveMemberOf(source.id))
    );
    const withPhone = [...users.values()].find(
      (candidate) => candidate.attributes.businessPhones !== null
    );
    expect(typeof withPhone?.attributes.businessPhones).toBe('string');
  });

  it('gives users without mail no email (no fallback to the UPN), and disabled users active: false', async () => {
    const provider = providerFor(fake, { userGroups: allGroups });
    const users = byId(await collect(provider.listUsers()));
    const noMail = fake.store.org.people.filter((p) => p.noMail && !p.guest);
    const disabled = fake.store.org.people.filter((p) => !p.enabled && !p.guest);
    expect(noMail.length).toBeGreaterThan(0);
    expect(disabled.length).toBeGreaterThan(0);
    for (const person of noMail) {
      const user = users.get(fake.userId(person.index));
      expect(user?.email).toBeNull();
      expect(user?.username).toMatch(/@example\.com$/);
    }
    for (const person of disabled) expect(users.get(fake.userId(person.index))?.active).toBe(false);
  });

  it('leaves guests out by default, and includes them on request with their home address', async () => {
    const guests = fake.store.org.people.filter((p) => p.guest).map((p) => fake.userId(p.index));
    expect(guests.length).toBeGreaterThan(0);
    const without = byId(await collect(providerFor(fake, { userGroups: allGroups }).listUsers()));
    expect(guests.some((id) => without.has(id))).toBe(false);
    const provider = providerFor(fake, { userGroups: allGroups, options: { includeGuests: true } });
    const users = byId(await collect(provider.listUsers()));
    for (const id of guests.filter((guest) => expectedScope(fake, allGroups, true).has(guest))) {
      const user = users.get(id);
      const source = fake.store.users.get(id);
      expect(user?.attributes.userType).toBe('Guest');
      expect(user?.email).toBe(
        source?.mail ?? `${source?.userPrincipalName.split('_partner')[0]}@partner.example`
      );
    }
  });

  it('follows nested groups: a selected parent brings in the members of its nested groups', async () => {
    const parent = fake.store.org.groups.find((group) => group.subgroups.length > 0);
    const parentId = fake.groupId(parent?.index ?? 0);
    const provider = providerFor(fake, { userGroups: [parentId] });
    const users = await collect(provider.listUsers());
    const nestedOnly = (parent?.subgroups ?? []).flatMap(
      (index) => fake.store.org.groups[index].members
    );
    expect(nestedOnly.length).toBeGreaterThan(0);
    expect(new Set(users.map((user) => user.externalId))).toEqual(expectedScope(fake, [parentId]));
    expect(users.some((user) => user.externalId === fake.userId(nestedOnly[0]))).toBe(
      fake.store.users.get(fake.userId(nestedOnly[0]))?.userType === 'Member'
    );
  });

  it('syncs no users when no group is selected, and still saves delta links', async () => {
    const provider = providerFor(fake, { userGroups: [] });
    expect(await collect(provider.listUsers())).toEqual([]);
    expect(provider.nextState()).toMatchObject({
      usersDeltaLink: expect.stringContaining('$deltatoken='),
    });
  });

  it('lists every group with its transitive user members only', async () => {
    const groups = await collect(providerFor(fake).listSyncGroups());
    expect(groups).toHaveLength(allGroups.length);
    const first = groups.find((group) => group.externalId === fake.groupId(0));
    const users = fake.store
      .transitiveMembers(fake.groupId(0))
      .filter((id) => fake.store.users.has(id));
    expect(new Set(first?.members)).toEqual(new Set(users));
    expect(first).toMatchObject({
      name: 'Intranet Editors',
      description: 'Intranet Editors (generated)',
    });
  });

  it('lists groups for the picker, all of them or those matching a search', async () => {
    const provider = providerFor(fake, { options: { pageSize: 50 } });
    const all = await collect(provider.listGroups());
    expect(all).toHaveLength(allGroups.length);
    expect(all.every((group) => group.members.length === 0)).toBe(true);
    const found = await collect(provider.listGroups('intranet'));
    expect(found.map((group) => group.name).sort()).toEqual([
      'Intranet Editors',
      'Intranet Readers',
    ]);
    expect(await collect(provider.listGroups('no such group'))).toEqual([]);
  });

  it('saves the delta links and the time of the full sync; a full sync is due after the set hours', async () => {
    const provider = providerFor(fake, { userGroups: [fake.groupId(0)] });
    expect(provider.nextState()).toBeNull();
    await collect(provider.listSyncGroups());
    await collect(provider.listUsers());
    const state = provider.nextState();
    expect(state).toMatchObject({
      usersDeltaLink: expect.stringMatching(/\/v1\.0\/users\/delta\?\$deltatoken=/),
      groupsDeltaLink: expect.stringMatching(/\/v1\.0\/groups\/delta\?\$deltatoken=/),
      selection: [fake.groupId(0)],
    });
    const last = Date.parse(String(state?.lastFullSyncAt));
    expect(Math.abs(last - Date.now())).toBeLessThan(60_000);
    expect(isFullSyncDue(state, new Date(last + 3_600_000), 24)).toBe(false);
    expect(isFullSyncDue(state, new Date(last + 25 * 3_600_000), 24)).toBe(true);
    expect(isFullSyncDue({}, new Date(), 24)).toBe(true);
  });
});

describe('Azure provider: an empty directory', () => {
  let fake: GraphFake;
  beforeAll(async () => {
    fake = await startGraphFake({ users: 0, devices: 0, servicePrincipals: 0 });
  });
  afterAll(() => fake.close());

  it('reads no users and groups without members, and completes', async () => {
    const groupIds = fake.store.listGroups().map((group) => group.id);
    const provider = providerFor(fake, { userGroups: groupIds });
    const groups = await collect(provider.listSyncGroups());
    expect(groups.every((group) => group.members.length === 0)).toBe(true);
    expect(await collect(provider.listUsers())).toEqual([]);
    expect(provider.nextState()).not.toBeNull();
  });
});

describe('Azure provider: throttling and failures', () => {
  let fake: GraphFake;
  let groups: string[];
  beforeAll(async () => {
    fake = await startGraphFake({ users: 300 });
    groups = fake.store.listGroups().map((group) => group.id);
  });
  afterEach(() => fake.clearFaults());
  afterAll(() => fake.close());

  const fullRun = async (options: Record<string, unknown> = {}) => {
    const provider = providerFor(fake, {
      userGroups: groups,
      options: { pageSize: 100, ...options },
    });
    await collect(provider.listSyncGroups());
    return { provider, users: await collect(provider.listUsers()) };
  };

  it('rides out a 429 storm with a fractional Retry-After, then succeeds', async () => {
    fake.inject({ kind: 429, times: 4, retryAfter: '0.013', path: '/v1.0/users/delta' });
    fake.log.reset();
    const { users } = await fullRun();
    expect(users).toHaveLength(expectedScope(fake, groups).size);
    expect(fake.log.count((entry) => entry.status === 429)).toBe(4);
  });

  it('backs off without a Retry-After, and gives up after maxRetries with a clear TransientSyncError', async () => {
    fake.inject({ kind: 429, times: 2, retryAfter: null });
    await fullRun();
    fake.inject({ kind: 429, times: Infinity, retryAfter: 0.01, path: '/v1.0/users/delta' });
    const error = await failure(() => fullRun({ maxRetries: 3 }));
    expect(error).toBeInstanceOf(TransientSyncError);
    expect(error.message).toBe(
      'Microsoft Graph kept throttling (429) after 3 retries; try again later.'
    );
  });

  it('retries a 503, a cut connection and a response slower than the timeout', async () => {
    fake.inject({ kind: 503, retryAfter: '0.01', path: '/v1.0/groups/delta' });
    fake.inject({ kind: 'cut', path: '/v1.0/users/delta' });
    fake.inject({ kind: 'slow', delayMs: 1500, path: '/v1.0/users/delta' });
    fake.log.reset();
    const { users } = await fullRun({ requestTimeoutSeconds: 0.3 });
    expect(users).toHaveLength(expectedScope(fake, groups).size);
    expect(fake.faults.pending()).toBe(0);
  });

  it('fails the run with a TransientSyncError when a 500 persists mid-way, saving no state', async () => {
    fake.inject({ kind: 500, times: Infinity, path: /\/v1\.0\/users\/delta\?\$skiptoken=/ });
    const provider = providerFor(fake, { userGroups: groups, options: { pageSize: 100 } });
    const pages: DirectoryUser[][] = [];
    const error = await failure(async () => {
      for await (const page of provider.listUsers()) pages.push(page);
    });
    expect(pages.length).toBe(1);
    expect(error).toBeInstanceOf(TransientSyncError);
    expect((error as SyncError).code).toBe('azure-server-error');
    expect(error.message).toMatch(
      /^Microsoft Graph kept failing \(500 generalException: .*\) after 5 retries; try again later\.$/
    );
    expect(provider.nextState()).toBeNull();
  });

  it('stops when Graph repeats the same nextLink', async () => {
    fake.repeatNextLink('/v1.0/users/delta');
    const error = await failure(() => fullRun());
    expect(error).toBeInstanceOf(StopSyncError);
    expect((error as SyncError).code).toBe('graph-repeated-link');
    expect(error.message).toMatch(/same next-page link twice/);
  });

  it('stops between pages when the run is cancelled', async () => {
    const controller = new AbortController();
    const provider = providerFor(fake, {
      userGroups: groups,
      options: { pageSize: 50 },
      signal: controller.signal,
    });
    const error = await failure(async () => {
      for await (const page of provider.listUsers()) if (page.length > 0) controller.abort();
    });
    expect(error).toBeInstanceOf(CancelledError);
  });
});

describe('Azure provider: credentials, permissions and certificates', () => {
  let fake: GraphFake;
  beforeAll(async () => {
    fake = await startGraphFake({ users: 40 });
  });
  afterAll(() => fake.close());

  const expectStop = async (action: () => Promise<unknown>, code: string, message: RegExp) => {
    const error = await failure(action);
    expect(error).toBeInstanceOf(StopSyncError);
    expect((error as SyncError).code).toBe(code);
    expect(error.message).toMatch(message);
  };

  it('reports every check green on a good connection', async () => {
    const result = await providerFor(fake, { userGroups: [fake.groupId(0)] }).testConnection();
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => [check.name, check.ok])).toEqual([
      ['token', true],
      ['users', true],
      ['groups', true],
      ['selected-groups', true],
    ]);
  });

  it.each([
    [
      'a wrong secret',
      { secret: 'wrong' },
      'azure-bad-secret',
      /client secret is wrong or expired \(AADSTS7000215\)/,
    ],
    [
      'an unknown tenant',
      { connection: { tenantId: '0f0f0f0f-1111-2222-3333-444444444444' } },
      'azure-unknown-tenant',
      /tenant id "0f0f0f0f-1111-2222-3333-444444444444" was not found/,
    ],
    [
      'an unknown client id',
      { connection: { clientId: '0e0e0e0e-5555-6666-7777-888888888888' } },
      'azure-unknown-client',
      /client id "0e0e0e0e-5555-6666-7777-888888888888" is not registered in the tenant/,
    ],
  ])('stops on %s, and the connection test says why', async (_, overrides, code, message) => {
    const provider = providerFor(fake, { userGroups: [fake.groupId(0)], ...overrides });
    await expectStop(() => collect(provider.listUsers()), code, message);
    const result = await providerFor(fake, overrides).testConnection();
    expect(result.ok).toBe(false);
    expect(result.checks[0]).toMatchObject({ name: 'token', ok: false });
    expect(result.message).toMatch(message);
  });

  it('calls an expired secret wrong or expired too', async () => {
    fake.expireClientSecret();
    try {
      await expectStop(
        () => collect(providerFor(fake).listSyncGroups()),
        'azure-bad-secret',
        /AADSTS7000222: expired/
      );
    } finally {
      fake.expireClientSecret(false);
    }
  });

  it('names GroupMember.Read.All when it is not granted', async () => {
    fake.revoke('GroupMember.Read.All');
    fake.revoke('Group.Read.All');
    try {
      await expectStop(
        () => collect(providerFor(fake).listSyncGroups()),
        'azure-permission-missing',
        /^GroupMember\.Read\.All is not granted/
      );
      const result = await providerFor(fake).testConnection();
      expect(result.checks.map((check) => [check.name, check.ok])).toEqual([
        ['token', true],
        ['users', true],
        ['groups', false],
        ['selected-groups', true],
      ]);
      expect(result.message).toMatch(/GroupMember\.Read\.All is not granted.*Grant admin consent/);
    } finally {
      fake.grant('GroupMember.Read.All');
      fake.grant('Group.Read.All');
    }
  });

  it('names User.Read.All when it is not granted', async () => {
    fake.revoke('User.Read.All');
    try {
      const provider = providerFor(fake, { userGroups: [fake.groupId(0)] });
      await expectStop(
        () => collect(provider.listUsers()),
        'azure-permission-missing',
        /^User\.Read\.All is not granted/
      );
      const result = await providerFor(fake).testConnection();
      expect(result.checks.find((check) => check.name === 'users')?.ok).toBe(false);
    } finally {
      fake.grant('User.Read.All');
    }
  });

  it('trusts only the configured CA certificate, and says so when it does not match', async () => {
    const otherCa = rootCertificates[0];
    const provider = providerFor(fake, {
      connection: { caCertificate: otherCa },
      userGroups: [fake.groupId(0)],
    });
    await expectStop(
      () => collect(provider.listUsers()),
      'azure-untrusted-certificate',
      /is not trusted/
    );
    const result = await providerFor(fake, {
      connection: { caCertificate: otherCa },
    }).testConnection();
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/paste its CA certificate/);
  });

  it('reports missing settings instead of throwing from the connection test', async () => {
    const result = await providerFor(fake, { secret: null }).testConnection();
    expect(result).toMatchObject({
      ok: false,
      message: expect.stringMatching(/client secret is not set/),
    });
    await expectStop(
      () => collect(providerFor(fake, { secret: null }).listUsers()),
      'azure-settings',
      /client secret/
    );
    const notHttps = providerFor(fake, { connection: { graphBaseUrl: 'http://localhost:1' } });
    await expectStop(
      () => collect(notHttps.listGroups()),
      'azure-settings',
      /must start with https:\/\//
    );
  });

  it('says the selected groups no longer exist', async () => {
    const result = await providerFor(fake, {
      userGroups: ['5e5e5e5e-0000-4000-8000-000000000000'],
    }).testConnection();
    expect(result.checks.find((check) => check.name === 'selected-groups')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no longer exist/),
    });
  });
});

describe('Azure provider: delta rounds', () => {
  let fake: GraphFake;
  beforeAll(async () => {
    fake = await startGraphFake({ users: 200 });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.clearFaults());

  const parentIndex = () => fake.store.org.groups.findIndex((group) => group.subgroups.length > 0);

  /** A full run over the selection; returns its state. */
  const fullRun = async (selection: string[], options: Record<string, unknown> = {}) => {
    const provider = providerFor(fake, { userGroups: selection, options });
    await collect(provider.listSyncGroups());
    const users = await collect(provider.listUsers());
    const state = provider.nextState();
    if (!state) throw new Error('no state after a full run');
    return { users, state };
  };

  const deltaRound = async (selection: string[], state: Record<string, unknown>, options = {}) => {
    const provider = providerFor(fake, { userGroups: selection, options });
    const pages = [];
    for await (const page of provider.changesSince(state)) pages.push(page);
    return {
      pages,
      users: pages.flatMap((page) => page.users),
      removed: pages.flatMap((page) => page.removed),
      groups: pages.flatMap((page) => page.groups),
      state: provider.nextState(),
    };
  };

  it('returns exactly the additions, edits, removals and membership changes since the last run', async () => {
    const store = fake.store;
    const editors = fake.groupId(0);
    const parent = fake.groupId(parentIndex());
    const nested = fake.groupId(fake.store.org.groups[parentIndex()].subgroups[0]);
    const selection = [editors, parent];
    const { users: before, state } = await fullRun(selection);
    const inScope = new Set(before.map((user) => user.externalId));
    const selected = new Set(selection);
    const onlyIn = (group: string) =>
      [...inScope].filter((id) => {
        const groups = store.transitiveMemberOf(id).filter((g) => selected.has(g));
        return groups.length === 1 && groups[0] === group && store.members(group).includes(id);
      });
    const outside = store
      .listUsers()
      .filter((user) => user.userType === 'Member' && !inScope.has(user.id))
      .map((user) => user.id);
    const leaver = onlyIn(editors)[0];
    const [edited, disabled, softDeleted, purged, managed] = [...inScope].filter(
      (id) => id !== fake.userId(0) && id !== fake.userId(1) && id !== leaver
    );
    const [joiner, nestedJoiner, outsideEdit] = outside;
    expect(
      [
        edited,
        disabled,
        softDeleted,
        purged,
        managed,
        leaver,
        joiner,
        nestedJoiner,
        outsideEdit,
      ].every(Boolean)
    ).toBe(true);

    store.updateUser(edited, { jobTitle: 'Chief Delta Officer', department: 'Deltas' });
    store.disableUser(disabled);
    store.deleteUser(softDeleted);
    store.deleteUser(purged, { permanent: true });
    store.setManager(managed, fake.userId(1));
    store.removeMember(editors, leaver);
    store.addMember(editors, joiner);
    store.addMember(nested, nestedJoiner);
    store.updateUser(outsideEdit, { jobTitle: 'Not Synced' });
    const added = store.addUser({
      givenName: 'Dora',
      surname: 'Delta',
      groupIds: [editors],
      jobTitle: 'New Hire',
    });

    const round = await deltaRound(selection, state);
    const users = byId(round.users);
    expect(new Set(users.keys())).toEqual(
      new Set([edited, disabled, managed, joiner, nestedJoiner, added.id])
    );
    expect(users.get(edited)?.attributes).toMatchObject({
      jobTitle: 'Chief Delta Officer',
      department: 'Deltas',
    });
    expect(users.get(disabled)?.active).toBe(false);
    expect(users.get(managed)?.managerExternalId).toBe(fake.userId(1));
    expect(users.get(added.id)).toMatchObject({
      email: added.mail,
      groupExternalIds: [editors],
      active: true,
    });
    expect(users.get(nestedJoiner)?.groupExternalIds).toEqual(
      expect.arrayContaining([nested, parent])
    );
    expect(round.removed).toEqual(
      expect.arrayContaining([
        { externalId: softDeleted, reason: 'changed' },
        { externalId: purged, reason: 'deleted' },
        { externalId: leaver, reason: 'out-of-scope' },
      ])
    );
    expect(round.removed).toHaveLength(3);
    const editorsGroup = round.groups.find((group) => group.externalId === editors);
    expect(new Set(editorsGroup?.members)).toEqual(
      new Set(store.transitiveMembers(editors).filter((id) => store.users.has(id)))
    );
    expect(round.groups.map((group) => group.externalId)).toEqual(
      expect.arrayContaining([nested, parent])
    );

    // Nothing changed since: a quiet round returns nothing and keeps the full-sync time.
    const quiet = await deltaRound(selection, round.state ?? {});
    expect(quiet.pages).toEqual([]);
    expect(quiet.state?.lastFullSyncAt).toBe(state.lastFullSyncAt);

    // A restored user comes back.
    store.restoreUser(softDeleted);
    const restored = await deltaRound(selection, quiet.state ?? {});
    expect(restored.users.map((user) => user.externalId)).toEqual([softDeleted]);
    expect(restored.removed).toEqual([]);
  });

  it('retries throttled $batch items during a round', async () => {
    const selection = [fake.groupId(1)];
    const { state } = await fullRun(selection);
    const member = fake.store
      .members(fake.groupId(1))
      .find((id) => fake.store.users.get(id)?.userType === 'Member');
    fake.store.updateUser(member ?? '', { officeLocation: 'Moon Base' });
    fake.inject({ kind: 429, times: 2, retryAfter: '0.01', path: /transitiveMemberOf/ });
    const round = await deltaRound(selection, state);
    expect(round.users.map((user) => user.attributes.officeLocation)).toEqual(['Moon Base']);
    expect(fake.log.count((entry) => entry.batched && entry.status === 429)).toBe(2);
  });

  it('throws DeltaExpiredError when Graph no longer knows the delta token', async () => {
    const { state } = await fullRun([fake.groupId(0)]);
    fake.expireDeltaTokens();
    const error = await failure(() => deltaRound([fake.groupId(0)], state));
    expect((error as SyncError).code).toBe('delta-expired');
    expect(error.message).toMatch(/410/);
  });

  it('asks for a full sync when the selection changed or a group in scope was deleted', async () => {
    const { state } = await fullRun([fake.groupId(0)]);
    const changedSelection = await failure(() => deltaRound([fake.groupId(1)], state));
    expect((changedSelection as SyncError).code).toBe('delta-expired');
    const doomed = fake.store.addGroup({ displayName: 'Short Lived' });
    fake.store.addMember(fake.groupId(0), doomed.id);
    const withNested = await fullRun([fake.groupId(0)]);
    fake.store.deleteGroup(doomed.id);
    const deleted = await failure(() => deltaRound([fake.groupId(0)], withNested.state));
    expect((deleted as SyncError).code).toBe('delta-expired');
    expect(deleted.message).toMatch(/Short Lived|deleted/);
  });
});
