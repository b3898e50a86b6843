import { createDuplicateGuard, mapUser } from '../map';
import {
  checkDisableThreshold,
  licenceRoom,
  pickRoles,
  planLeavers,
  planPage,
  wantedRoles,
  type CurrentUser,
  type PageContext,
  type PlannedUser,
  type StoredIdentity,
} from '../plan';
import type { DirectoryUser } from '../../providers/types';

const record = (n: number, overrides: Partial<DirectoryUser> = {}): DirectoryUser => ({
  externalId: `x${n}`,
  username: `user${n}`,
  email: `User${n}@Example.com`,
  firstName: `First${n}`,
  lastName: `Last${n}`,
  displayName: null,
  active: true,
  managerExternalId: null,
  groupExternalIds: [],
  attributes: { jobTitle: 'Engineer' },
  origin: `line ${n + 1}`,
  ...overrides,
});

const planned = (n: number, overrides: Partial<DirectoryUser> = {}): PlannedUser => {
  const result = mapUser(record(n, overrides), [{ source: 'jobTitle', target: 'jobTitle' }]);
  if (!result.ok) throw new Error(result.reason);
  return { ...result.user, roleIds: [2], hash: 'h' };
};

const identity = (
  n: number,
  targetId: number | null,
  state: 'active' | 'disabled' = 'active'
): StoredIdentity => ({
  rowId: n,
  externalId: `x${n}`,
  targetId,
  hash: 'h',
  state,
  passwordDigest: null,
});

const row = (id: number, n: number, overrides: Partial<CurrentUser> = {}): CurrentUser => ({
  id,
  fields: { ...planned(n).fields },
  blocked: false,
  roleIds: [2],
  provider: 'local',
  ...overrides,
});

const context = (parts: Partial<PageContext>): PageContext => ({
  identities: new Map(),
  current: new Map(),
  localMatches: new Map(),
  policy: { loginProvider: 'local', managedRoleIds: new Set([2, 3]), singleRole: true },
  ...parts,
});

describe('mapUser', () => {
  it.each([
    ['a complete record maps, email lower-cased', record(1), { ok: true }],
    [
      'a missing email is skipped with the reason',
      record(1, { email: null }),
      { ok: false, reason: 'missing email' },
    ],
    [
      'a missing first and last name are both named',
      record(1, { firstName: '', lastName: null }),
      { ok: false, reason: 'missing firstname, lastname' },
    ],
    [
      'a bad email is skipped',
      record(1, { email: 'not-an-email' }),
      { ok: false, reason: "bad email 'not-an-email'" },
    ],
  ])('%s', (_, input, expected) => {
    expect(mapUser(input, [])).toMatchObject(expected);
  });

  it('reads mapped attributes from the raw source fields and lower-cases the email', () => {
    const result = mapUser(record(1), [{ source: 'jobTitle', target: 'jobTitle' }]);
    expect(result).toMatchObject({
      ok: true,
      user: { fields: { email: 'user1@example.com', jobTitle: 'Engineer' } },
    });
  });

  it('skips a duplicate username or email inside the source, naming both origins', () => {
    const guard = createDuplicateGuard();
    expect(guard(planned(1))).toBeNull();
    expect(guard(planned(2, { externalId: 'other', username: 'USER1' }))).toBe(
      "duplicate username 'user1' (line 3, first seen on line 2)"
    );
    expect(guard(planned(3, { email: 'user1@example.com' }))).toMatch(
      /^duplicate email 'user1@example.com' \(line 4, first seen on line 2\)/
    );
  });
});

describe('planPage', () => {
  it.each([
    ['a new record is created', planned(1), context({}), { action: 'create', reason: 'new' }],
    [
      'an unchanged user plans nothing (a second run writes nothing)',
      planned(1),
      context({
        identities: new Map([['x1', identity(1, 10)]]),
        current: new Map([[10, row(10, 1)]]),
      }),
      { action: 'unchanged', targetId: 10 },
    ],
    [
      'one changed attribute updates only that field',
      planned(1, { attributes: { jobTitle: 'Lead' } }),
      context({
        identities: new Map([['x1', identity(1, 10)]]),
        current: new Map([[10, row(10, 1)]]),
      }),
      { action: 'update', changes: { jobTitle: { from: 'Engineer', to: 'Lead' } } },
    ],
    [
      'a user blocked by hand is unblocked while the directory says active',
      planned(1),
      context({
        identities: new Map([['x1', identity(1, 10)]]),
        current: new Map([[10, row(10, 1, { blocked: true })]]),
      }),
      { action: 'enable', changes: { blocked: { from: true, to: false } } },
    ],
    [
      'a user disabled in the directory is blocked',
      planned(1, { active: false }),
      context({
        identities: new Map([['x1', identity(1, 10)]]),
        current: new Map([[10, row(10, 1)]]),
      }),
      { action: 'disable', changes: { blocked: { from: false, to: true } } },
    ],
    [
      'a user deleted by hand is created again',
      planned(1),
      context({ identities: new Map([['x1', identity(1, 10)]]) }),
      { action: 'create', reason: 'recreated' },
    ],
    [
      'a local user with the same email is a conflict, not touched',
      planned(1),
      context({
        localMatches: new Map([
          ['email:user1@example.com', { id: 77, username: 'legacy', email: 'user1@example.com' }],
        ]),
      }),
      { action: 'conflict', targetId: 77 },
    ],
    [
      'a user with another login provider is moved to the directory provider',
      planned(1),
      context({
        identities: new Map([['x1', identity(1, 10)]]),
        current: new Map([[10, row(10, 1, { provider: 'google' })]]),
      }),
      { action: 'update', changes: { provider: { from: 'google', to: 'local' } } },
    ],
  ])('%s', (_, user, ctx, expected) => {
    expect(planPage([user], ctx)[0]).toMatchObject(expected);
  });
});

describe('planLeavers', () => {
  it('disables active identities not seen, and leaves the disabled and the seen alone', () => {
    const leavers = planLeavers(
      [identity(1, 10), identity(2, 11), identity(3, 12, 'disabled')],
      new Set(['x2'])
    );
    expect(leavers).toEqual([
      expect.objectContaining({ externalId: 'x1', targetId: 10, action: 'disable' }),
    ]);
  });
});

describe('safety rules', () => {
  it.each([
    [2, 10, 20, false, false],
    [3, 10, 20, false, true],
    [3, 10, 20, true, false],
    [1, 0, 20, false, true],
    [0, 0, 20, false, false],
  ])(
    'disabling %i of %i with a %i %% threshold (confirmed: %s) holds: %s',
    (disables, active, max, confirmed, hold) => {
      expect(checkDisableThreshold(disables, active, max, confirmed).hold).toBe(hold);
    }
  );

  it('counts the room left under the licence limit', () => {
    expect(licenceRoom(null, 5)).toBe(Number.POSITIVE_INFINITY);
    expect(licenceRoom(10, 7)).toBe(3);
    expect(licenceRoom(10, 12)).toBe(0);
  });
});

describe('roles', () => {
  const groupRoles = new Map([
    ['g-b', { name: 'Beta', roleId: 21 }],
    ['g-a', { name: 'Alpha', roleId: 20 }],
  ]);
  it('gives a users-permissions user the mapped group role first, then the first synced group by name', () => {
    expect(pickRoles(['g-b', 'g-a'], [], groupRoles, true)).toEqual([20]);
    expect(pickRoles(['g-b', 'g-a'], [{ group: 'g-b', roleId: 99 }], groupRoles, true)).toEqual([
      99,
    ]);
    expect(pickRoles([], [], groupRoles, true)).toEqual([]);
  });

  it('keeps roles given by hand to an admin user and replaces only the roles the sync owns', () => {
    expect(
      wantedRoles([1, 2, 5], [3], { managedRoleIds: new Set([2, 3]), singleRole: false })
    ).toEqual([1, 3, 5]);
  });
});
