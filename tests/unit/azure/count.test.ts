/**
 * The Entra ID provider's count of the users in scope (the progress bar's total), through the real
 * Graph SDK against the fake Graph over HTTPS: `$count` with ConsistencyLevel: eventual, exact for
 * one group, an upper bound for several, and null (never an error) when Graph will not count.
 */
import { CancelledError } from '../../../server/src/providers/errors';
import { MAX_COUNTED_GROUPS } from '../../../server/src/providers/azure/count';
import { startGraphFake, type GraphFake } from '../../fakes/graph';
import { closeProviders, collect, failure, providerFor } from './support';

afterEach(closeProviders);

describe('Azure provider: countUsers', () => {
  let fake: GraphFake;
  let groups: string[];
  const countCalls = () =>
    fake.log.entries.filter((entry) => entry.path.endsWith('/$count')).map((entry) => entry.path);
  /** What a full run of these groups really reads. */
  const listed = async (userGroups: string[], options: Record<string, unknown> = {}) => {
    const provider = providerFor(fake, { userGroups, options });
    await collect(provider.listSyncGroups());
    return (await collect(provider.listUsers())).length;
  };

  beforeAll(async () => {
    fake = await startGraphFake({ users: 600, groups: 30, seed: 11 });
    // The largest groups, so that several of them overlap.
    groups = fake.store
      .listGroups()
      .map((group) => group.id)
      .sort(
        (a, b) => fake.store.transitiveMembers(b).length - fake.store.transitiveMembers(a).length
      );
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.log.reset());

  it('counts one selected group exactly: the users a full run reads, guests left out', async () => {
    const count = await providerFor(fake, { userGroups: [groups[0]] }).countUsers();
    expect(count).toEqual({ total: await listed([groups[0]]), estimated: false });
    expect(count?.total).toBeGreaterThan(0);
    expect(countCalls()).toEqual([
      `/v1.0/groups/${groups[0]}/transitiveMembers/microsoft.graph.user/$count`,
    ]);
    expect(fake.log.entries.find((entry) => entry.path.endsWith('/$count'))?.query).toMatch(
      /userType/
    );
  });

  it('counts guests too when the directory syncs them', async () => {
    const withGuests = await providerFor(fake, {
      userGroups: [groups[0]],
      options: { includeGuests: true },
    }).countUsers();
    expect(withGuests).toEqual({
      total: await listed([groups[0]], { includeGuests: true }),
      estimated: false,
    });
  });

  it('sums several groups into an estimate: at least who is read, at most the tenant', async () => {
    const selection = groups.slice(0, 4);
    const count = await providerFor(fake, { userGroups: selection }).countUsers();
    const read = await listed(selection);
    const members = fake.store.listUsers().filter((user) => user.userType !== 'Guest').length;
    expect(count?.estimated).toBe(true);
    expect(count?.total).toBeGreaterThanOrEqual(read);
    expect(count?.total).toBeLessThanOrEqual(members);
    expect(countCalls()[0]).toBe('/v1.0/users/$count');
    expect(countCalls()).toHaveLength(1 + selection.length);
  });

  it(`counts the tenant once for more than ${MAX_COUNTED_GROUPS} groups`, async () => {
    const selection = groups.slice(0, MAX_COUNTED_GROUPS + 1);
    const count = await providerFor(fake, { userGroups: selection }).countUsers();
    expect(count).toEqual({
      total: fake.store.listUsers().filter((user) => user.userType !== 'Guest').length,
      estimated: true,
    });
    expect(countCalls()).toEqual(['/v1.0/users/$count']);
  });

  it('needs no request when no group is selected (nobody is in scope)', async () => {
    expect(await providerFor(fake, { userGroups: [] }).countUsers()).toEqual({
      total: 0,
      estimated: false,
    });
    expect(fake.log.count()).toBe(0);
  });

  it('gives null, never an error, when Graph refuses to count (403) and says why in the log', async () => {
    fake.refuseCount();
    try {
      const provider = providerFor(fake, { userGroups: groups.slice(0, 2) });
      expect(await provider.countUsers()).toBeNull();
      expect(provider.log.lines.join('\n')).toMatch(/no count of the users in scope/);
      expect(fake.log.count((entry) => entry.status === 403)).toBe(1);
      // The listing itself is not affected.
      expect(await listed(groups.slice(0, 2))).toBeGreaterThan(0);
    } finally {
      fake.refuseCount(false);
    }
  });

  it('gives null after one retry when Graph keeps failing, and lets a cancel through', async () => {
    fake.inject({ kind: 503, times: Infinity, path: '/$count', retryAfter: 0 });
    try {
      expect(await providerFor(fake, { userGroups: [groups[0]] }).countUsers()).toBeNull();
      expect(fake.log.count((entry) => entry.status === 503)).toBe(2);
    } finally {
      fake.clearFaults();
    }
    const controller = new AbortController();
    controller.abort();
    const cancelled = providerFor(fake, { userGroups: [groups[0]], signal: controller.signal });
    expect(await failure(() => cancelled.countUsers())).toBeInstanceOf(CancelledError);
  });
});
