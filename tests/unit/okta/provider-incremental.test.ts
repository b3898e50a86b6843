/**
 * Incremental rounds against the fake org: users changed since the saved time (deactivated ones
 * included), groups whose membership changed, people who joined or left the selected groups.
 */
import { DeltaExpiredError } from '../../../server/src/providers/errors';
import type { ProviderState } from '../../../server/src/providers/types';
import { readOktaState } from '../../../server/src/providers/okta';
import {
  startOktaFake,
  type OktaFake,
  type ServiceAppCredentials,
  type StoredUser,
} from '../../fakes/okta';
import { collect, collectChanges, ids, providerFor, rejection, type Mode } from './support';

const MINUTE = 60_000;

describe.each<Mode>(['token', 'oauth'])('Okta incremental sync with %s credentials', (mode) => {
  let fake: OktaFake;
  let app: ServiceAppCredentials;

  beforeAll(async () => {
    fake = await startOktaFake({ users: 300, seed: 11 });
    app = fake.createServiceApp();
  });

  afterAll(() => fake.close());

  const group = (name: string) => {
    const found = fake.store.groupByName(name);
    if (!found) throw new Error(`no group ${name}`);
    return found;
  };

  const fullSync = async (userGroups: string[]) => {
    const provider = providerFor(fake, mode, app, { userGroups });
    await collect(provider.listSyncGroups());
    const users = await collect(provider.listUsers());
    const state = provider.nextState?.() as ProviderState;
    expect(readOktaState(state)).not.toBeNull();
    return { users, state };
  };

  const round = async (userGroups: string[], state: ProviderState) => {
    const provider = providerFor(fake, mode, app, { userGroups, state });
    const changes = await collectChanges(provider.changesSince!(state));
    return { changes, state: provider.nextState?.() as ProviderState };
  };

  test('picks up a suspension, a deactivation, a profile change and membership changes, and nothing else', async () => {
    const editors = group('Intranet Editors');
    const readers = group('Intranet Readers');
    const selected = [editors.id, readers.id];
    const first = await fullSync(selected);

    const active = (user: StoredUser) => user.status === 'ACTIVE';
    const inScope = first.users
      .map((user) => fake.store.user(user.externalId)!)
      .filter((user) => active(user));
    const onlyReaders = inScope.find(
      (user) => user.groups.has(readers.pos) && !user.groups.has(editors.pos)
    )!;
    const [suspended, deactivated, edited] = inScope.filter((user) => user !== onlyReaders);
    const outside = fake.store.users.filter(
      (user) => active(user) && !user.groups.has(editors.pos) && !user.groups.has(readers.pos)
    );
    const [joiner, bystander] = outside;

    fake.advanceClock(5 * MINUTE);
    fake.store.suspend(suspended.id);
    fake.store.deactivate(deactivated.id);
    fake.store.updateProfile(edited.id, { title: 'Chief Intranet Gardener' });
    fake.store.addMember(editors.id, joiner.id);
    fake.store.removeMember(readers.id, onlyReaders.id);
    fake.store.updateProfile(bystander.id, { title: 'Not in scope' });
    fake.advanceClock(5 * MINUTE);

    const second = await round(selected, first.state);
    const { changes } = second;
    expect(ids(changes.users)).toEqual([suspended.id, deactivated.id, edited.id, joiner.id].sort());
    const byId = Object.fromEntries(changes.users.map((user) => [user.externalId, user]));
    expect(byId[suspended.id]).toMatchObject({
      active: false,
      attributes: { status: 'SUSPENDED' },
    });
    expect(byId[deactivated.id]).toMatchObject({
      active: false,
      attributes: { status: 'DEPROVISIONED' },
    });
    expect(byId[edited.id]).toMatchObject({
      active: true,
      attributes: { title: 'Chief Intranet Gardener' },
    });
    expect(byId[joiner.id]).toMatchObject({ active: true });
    expect(byId[joiner.id].groupExternalIds).toContain(editors.id);
    expect(changes.removed).toEqual([{ externalId: onlyReaders.id, reason: 'out-of-scope' }]);
    expect(changes.groups.map((item) => item.externalId).sort()).toEqual([...selected].sort());
    const reported = changes.groups.find((item) => item.externalId === editors.id)!;
    expect(reported.members).toContain(joiner.id);

    const saved = readOktaState(second.state)!;
    expect(saved.lastFullSyncAt).toBe(readOktaState(first.state)!.lastFullSyncAt);
    expect(saved.scope[editors.id]).toContain(joiner.id);
    expect(saved.scope[readers.id]).not.toContain(onlyReaders.id);

    fake.clearRequests();
    const third = await round(selected, second.state);
    expect(third.changes).toEqual({ users: [], removed: [], groups: [] });
    expect(fake.requestCount('/users')).toBe(1);
    expect(fake.requests.filter((entry) => /\/groups\/[^/]+\/users/.test(entry.path))).toEqual([]);
  });

  test('a selected group unassigned from the app sends its members out of scope', async () => {
    const managers = group('Managers');
    const staff = group('All Staff');
    const first = await fullSync([managers.id, staff.id]);
    fake.advanceClock(5 * MINUTE);
    fake.store.unassignGroupFromApp(managers.id);
    const newcomer = fake.store.addGroup('Late Joiners');
    fake.store.assignGroupToApp(newcomer.id);
    fake.advanceClock(5 * MINUTE);
    const { changes } = await round([managers.id, staff.id], first.state);
    const onlyManagers = fake.store
      .memberPositions(managers)
      .map((pos) => fake.store.users[pos])
      .filter((user) => !user.groups.has(staff.pos));
    expect(ids(changes.removed)).toEqual(ids(onlyManagers));
    expect(changes.removed.every((item) => item.reason === 'out-of-scope')).toBe(true);
    expect(changes.users).toEqual([]);
    expect(changes.groups.map((item) => item.name)).toEqual(['Late Joiners']);
    fake.store.assignGroupToApp(managers.id);
  });

  test('a state from another app, or none, asks for a full sync', async () => {
    const { state } = await fullSync([group('All Staff').id]);
    const other = providerFor(fake, mode, app, { connection: { appId: '0oa000000OTHERAPP000' } });
    expect(await rejection(collect(changesPages(other, state)))).toBeInstanceOf(DeltaExpiredError);
    const none = providerFor(fake, mode, app, {});
    expect(await rejection(collect(changesPages(none, {})))).toBeInstanceOf(DeltaExpiredError);
  });

  test('says when the periodic full sync is due', async () => {
    const { state } = await fullSync([group('All Staff').id]);
    const lastFull = Date.parse(readOktaState(state)!.lastFullSyncAt);
    const sync = providerFor(fake, mode, app, { state, options: { fullSyncEveryHours: 24 } });
    expect(sync.fullSyncDue?.(new Date(lastFull + 23 * 60 * MINUTE))).toBe(false);
    expect(sync.fullSyncDue?.(new Date(lastFull + 24 * 60 * MINUTE))).toBe(true);
    const otherApp = providerFor(fake, mode, app, {
      state,
      connection: { appId: '0oa000000OTHERAPP000' },
    });
    expect(otherApp.fullSyncDue?.(new Date(lastFull))).toBe(true);
    expect(providerFor(fake, mode, app, {}).fullSyncDue?.(new Date())).toBe(true);
  });

  test("the saved cursor comes from Okta's clock, minus the overlap", async () => {
    fake.advanceClock(3 * 24 * 60 * MINUTE);
    const { state } = await fullSync([group('All Staff').id]);
    const saved = readOktaState(state)!;
    const expected = fake.now() - 60_000;
    expect(Math.abs(Date.parse(saved.since) - expected)).toBeLessThan(5_000);
    expect(Math.abs(Date.parse(saved.lastFullSyncAt) - fake.now())).toBeLessThan(5_000);
  });
});

/** changesSince as pages of users, so `collect` can read it. */
async function* changesPages(
  provider: ReturnType<typeof providerFor>,
  state: ProviderState
): AsyncIterable<unknown[]> {
  for await (const page of provider.changesSince!(state)) yield [page];
}
