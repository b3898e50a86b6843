/**
 * Table-driven tests of the planner's decisions that the run's steps call: guards (refusals,
 * licence, threshold), roles, leavers and removals, healing, passwords, managers, resolving.
 */
import {
  checkDisableThreshold,
  groupFilterOf,
  guardPage,
  passwordMode,
  planHeals,
  planManagers,
  planRemovals,
  planRenames,
  planRoles,
  regrouped,
  resolvePlannedUser,
  rolesFor,
  wantedRoles,
  type GroupState,
  type PlanEntry,
  type PlannedUser,
  type StoredIdentity,
} from '../plan';
import { digest } from '../map';

const user = (n: number, blocked = false): PlannedUser => ({
  externalId: `x${n}`,
  subject: `user${n}`,
  origin: `line ${n}`,
  fields: { username: `user${n}` },
  blocked,
  managerExternalId: null,
  groupExternalIds: [],
  passwordDigest: null,
  roleIds: [1],
  hash: 'h',
});
const identity = (n: number, state: 'active' | 'disabled' = 'active'): StoredIdentity => ({
  rowId: n,
  externalId: `x${n}`,
  targetId: 100 + n,
  hash: 'h',
  state,
  passwordDigest: null,
});
const group = (name: string, members: string[] = [], roleId: number | null = null): GroupState => ({
  name,
  description: null,
  members,
  roleId,
});

describe('guardPage', () => {
  const create = (n: number, blocked = false): PlanEntry => ({
    action: 'create',
    user: user(n, blocked),
    reason: 'new',
    setPassword: true,
  });
  const disable = (n: number): PlanEntry => ({
    action: 'disable',
    user: user(n, true),
    targetId: 100 + n,
    changes: { blocked: { from: false, to: true } },
    setPassword: false,
  });
  it.each([
    ['room for all', [create(1), create(2)], 5, ['create', 'create'], 3, []],
    [
      'stops at the limit',
      [create(1), create(2), create(3)],
      2,
      ['create', 'create', 'skip'],
      0,
      ['user3'],
    ],
    ['no room', [create(1)], 0, ['skip'], 0, ['user1']],
    [
      'blocked creations do not count',
      [create(1, true), create(2)],
      1,
      ['create', 'create'],
      0,
      [],
    ],
    ['unlimited', [create(1)], Number.POSITIVE_INFINITY, ['create'], Number.POSITIVE_INFINITY, []],
  ])('%s', (_name, entries, room, actions, left, notCreated) => {
    const out = guardPage(entries, new Map(), room);
    expect(out.entries.map((entry) => entry.action)).toEqual(actions);
    expect(out.licenceLeft).toBe(left);
    expect(out.notCreated).toEqual(notCreated);
  });
  it('turns a disable the target refuses into a skip with its reason', () => {
    const out = guardPage(
      [disable(1), disable(2)],
      new Map([[101, 'the last active super admin is never disabled']]),
      0
    );
    expect(out.entries[0]).toMatchObject({ action: 'skip', reason: /super admin/ });
    expect(out.entries[1].action).toBe('disable');
  });
});

describe('checkDisableThreshold', () => {
  it.each([
    [0, 100, 20, false, false],
    [20, 100, 20, false, false],
    [21, 100, 20, false, true],
    [21, 100, 20, true, false],
    [1, 0, 20, false, true],
    [5, 5, 100, false, false],
  ])('%i of %i at %i %% (confirmed %s): hold %s', (disables, active, max, confirmed, hold) => {
    expect(checkDisableThreshold(disables, active, max, confirmed).hold).toBe(hold);
  });
});

describe('roles', () => {
  it.each([
    ['single role: the wanted one', [5, 6], [7], true, new Set([5]), [7]],
    ['many: managed replaced, hand-given kept', [5, 9], [7], false, new Set([5]), [7, 9]],
    ['many: a protected role is never taken away', [1, 5], [7], false, new Set([1, 5]), [1, 7]],
  ])('%s', (_name, current, wanted, singleRole, managed, expected) => {
    expect(
      wantedRoles(current, wanted, {
        singleRole,
        managedRoleIds: managed,
        protectedRoleIds: new Set([1]),
      })
    ).toEqual(expected);
  });
  it('gives the default role when no group picks one', () => {
    expect(rolesFor([], [3])).toEqual([3]);
    expect(rolesFor([4], [3])).toEqual([4]);
  });
  it('keeps living roles, creates missing and hand-deleted ones', () => {
    const plan = planRoles(
      [
        ['g1', group('A')],
        ['g2', group('B')],
        ['g3', group('C')],
      ],
      new Map([
        ['g1', { rowId: 1, targetId: 11 }],
        ['g2', { rowId: 2, targetId: 12 }],
      ]),
      new Set([11])
    );
    expect([...plan.kept]).toEqual([['g1', 11]]);
    expect(plan.create.map((role) => [role.externalId, role.relink])).toEqual([
      ['g2', true],
      ['g3', false],
    ]);
  });
  it('renames a role whose group was renamed', () => {
    expect(
      planRenames(
        [group('New', [], 11), group('Same', [], 12)],
        new Map([
          [11, 'Old'],
          [12, 'Same'],
        ])
      )
    ).toEqual([{ id: 11, from: 'Old', to: 'New' }]);
  });
  it.each([
    [{ mode: 'all' }, 'Anything', true],
    [{ mode: 'none' }, 'Anything', false],
    [{ mode: 'regex', pattern: '^Intranet' }, 'Intranet Editors', true],
    [{ mode: 'regex', pattern: '^Intranet' }, 'Sales', false],
  ])('group filter %j on %s: %s', (groupSync, name, synced) => {
    expect(groupFilterOf(groupSync)(name)).toBe(synced);
  });
  it('finds the users whose set of groups changed', () => {
    const before = new Map([
      ['a', ['g1']],
      ['b', ['g1', 'g2']],
    ]);
    const after = new Map([
      ['a', ['g1']],
      ['b', ['g2']],
      ['c', ['g1']],
    ]);
    expect(regrouped(['a', 'b', 'c', 'b'], before, after)).toEqual(['b', 'c']);
  });
});

describe('leavers, removals and healing', () => {
  const identities = new Map([
    ['x1', identity(1)],
    ['x2', identity(2, 'disabled')],
    ['x3', identity(3)],
  ]);
  it('removals disable only active identities, once, with a reason per kind', () => {
    const leavers = planRemovals(
      [
        { externalId: 'x1', reason: 'out-of-scope' },
        { externalId: 'x1', reason: 'deleted' },
        { externalId: 'x2', reason: 'deleted' },
        { externalId: 'unknown', reason: 'changed' },
      ],
      identities
    );
    expect(leavers).toEqual([
      expect.objectContaining({
        externalId: 'x1',
        targetId: 101,
        reason: 'deleted in the directory',
      }),
    ]);
  });
  it('heals active identities blocked in Strapi, not the planned or the disabled ones', () => {
    const heals = planHeals(identities.values(), new Set([101, 102, 103]), new Set(['x3']));
    expect(heals.map((heal) => heal.externalId)).toEqual(['x1']);
  });
});

describe('passwordMode', () => {
  it.each([
    [false, 'local', 'shared', true, 'none'],
    [true, 'microsoft', 'random', false, 'none'],
    [true, 'microsoft', 'shared', true, 'none'],
    [true, 'local', 'random', true, 'random'],
    [true, 'local', 'shared', true, 'shared'],
    [true, 'local', 'shared', false, 'random'],
  ] as const)(
    'target takes passwords %s, provider %s, policy %s, shared set %s: %s',
    (targetTakesPasswords, loginProvider, policy, hasSharedPassword, mode) => {
      expect(passwordMode({ targetTakesPasswords, loginProvider, policy, hasSharedPassword })).toBe(
        mode
      );
    }
  );
});

describe('planManagers', () => {
  const ids = new Map([
    ['a', 1],
    ['b', 2],
    ['c', 3],
  ]);
  it('sets changed managers, audits only users not created in this run', () => {
    const changes = planManagers(
      new Map([
        ['a', 'b'],
        ['b', null],
        ['c', 'a'],
        ['unknown', 'a'],
      ]),
      (id) => ids.get(id),
      new Map([
        [1, null],
        [2, null],
        [3, 2],
      ]),
      new Set(['a'])
    );
    expect(changes).toEqual([
      { id: 1, externalId: 'a', managerId: 2, from: null, audit: false },
      { id: 3, externalId: 'c', managerId: 1, from: 2, audit: true },
    ]);
  });
});

describe('resolvePlannedUser', () => {
  const mapped = {
    ...user(1),
    fields: { username: 'user1', department: 'Sales' },
    managerExternalId: 'm1',
  };
  it('splits the target columns from the profile and hashes the whole wanted user', () => {
    const planned = resolvePlannedUser(mapped, {
      targetFields: new Set(['username']),
      roleIds: [4],
      hasManager: false,
    });
    expect(planned.fields).toEqual({ username: 'user1' });
    expect(planned.profile).toEqual({ department: 'Sales', managerExternalId: 'm1' });
    expect(planned.roleIds).toEqual([4]);
    expect(planned.hash).toBe(
      digest(JSON.stringify([{ username: 'user1' }, false, [4], 'm1', planned.profile]))
    );
  });
  it('changes its hash when only the roles change (a second run with the same roles writes nothing)', () => {
    const a = resolvePlannedUser(mapped, {
      targetFields: new Set(['username']),
      roleIds: [4],
      hasManager: true,
    });
    const b = resolvePlannedUser(mapped, {
      targetFields: new Set(['username']),
      roleIds: [4],
      hasManager: true,
    });
    const c = resolvePlannedUser(mapped, {
      targetFields: new Set(['username']),
      roleIds: [5],
      hasManager: true,
    });
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
  });
});
