/**
 * Table-driven tests of the planner's group decisions: the role map (first matching rule, the
 * default, many roles for admin users, the reason), membership links as a difference, which groups
 * a round relinks, and nested groups' ancestors.
 */
import {
  chooseRoles,
  diffLinks,
  groupsToRelink,
  wantedLinks,
  withAncestors,
  type GroupState,
  type MappedRole,
} from '../plan';

const group = (name: string, members: string[], extra: Partial<GroupState> = {}): GroupState => ({
  name,
  description: null,
  members,
  roleId: null,
  ...extra,
});

describe('chooseRoles', () => {
  const groups = new Map<string, GroupState>([
    ['g1', group('Intranet Editors', [])],
    ['g2', group('Sales', [])],
    ['g3', group('Zeta', [], { roleId: 30 })],
    ['g4', group('Alpha', [], { roleId: 40 })],
  ]);
  const rules: MappedRole[] = [
    { group: 'Sales', roleId: 1, roleName: 'Sales Role', rule: 1 },
    { pattern: /^Intranet/, roleId: 2, roleName: 'Editor', rule: 2 },
    { group: 'g3', roleId: 3, roleName: 'Zeta Role', rule: 3 },
  ];
  it.each([
    [
      'first matching rule wins (single role)',
      ['g1', 'g2'],
      true,
      [1],
      /rule 1 \(group Sales -> Sales Role\)/,
    ],
    ['a pattern rule', ['g1'], true, [2], /rule 2 \(\/\^Intranet\/ -> Editor\)/],
    ['a rule by group id', ['g3'], true, [3], /rule 3/],
    [
      'no rule: one role per group, first by name',
      ['g4'],
      true,
      [40],
      /one role per group \(Alpha\)/,
    ],
    ['nothing: the default role', ['unknown'], true, [9], /default role/],
    [
      'admin users: every matching rule and synced group',
      ['g1', 'g2', 'g3'],
      false,
      [1, 2, 3, 30],
      /rule 1.*rule 2.*rule 3.*Zeta/,
    ],
    ['admin users with nothing: the default', [], false, [9], /default role/],
  ])('%s', (_name, userGroups, singleRole, roleIds, reason) => {
    const choice = chooseRoles(userGroups, rules, groups, singleRole, [9]);
    expect(choice.roleIds).toEqual(roleIds);
    expect(choice.reason).toMatch(reason);
  });
});

describe('membership links', () => {
  it('diffs stored and wanted links: only the moved ones are written', () => {
    const current = [
      { group: 1, to: 10 },
      { group: 1, to: 11 },
      { group: 2, to: 10 },
    ];
    const wanted = [
      { group: 1, to: 10 },
      { group: 2, to: 10 },
      { group: 2, to: 12 },
    ];
    expect(diffLinks(current, wanted)).toEqual({
      add: [{ group: 2, to: 12 }],
      remove: [{ group: 1, to: 11 }],
    });
    expect(diffLinks(wanted, wanted)).toEqual({ add: [], remove: [] });
  });
  it('links direct members that have rows, and parents that have rows', () => {
    const rows = new Map([
      ['g1', 1],
      ['g2', 2],
    ]);
    const users = new Map([
      ['a', 10],
      ['b', 11],
    ]);
    const links = wantedLinks(
      [
        ['g1', group('One', ['a', 'b', 'c'], { directMembers: ['a'], parents: ['g2', 'gone'] })],
        ['g2', group('Two', ['a', 'b', 'b'])],
        ['g9', group('No row', ['a'])],
      ],
      (id) => rows.get(id),
      (id) => users.get(id)
    );
    expect(links.users).toEqual([
      { group: 1, to: 10 },
      { group: 2, to: 10 },
      { group: 2, to: 11 },
    ]);
    expect(links.parents).toEqual([{ group: 1, to: 2 }]);
  });
  it('relinks the changed groups and those a new user is a direct member of', () => {
    const groups = new Map([
      ['g1', group('One', ['a'])],
      ['g2', group('Two', ['b'])],
      ['g3', group('Three', ['c', 'b'], { directMembers: ['c'] })],
    ]);
    expect(groupsToRelink(groups, new Set(['g1']), new Set(['b']))).toEqual(['g1', 'g2']);
    expect(groupsToRelink(groups, new Set(), new Set())).toEqual([]);
  });
  it('finds every ancestor of nested groups, cycles included', () => {
    const parents = new Map([
      [1, [2]],
      [2, [3, 4]],
      [4, [1]],
    ]);
    expect([...withAncestors([1], parents)].sort()).toEqual([1, 2, 3, 4]);
    expect([...withAncestors([3], parents)]).toEqual([3]);
  });
});
