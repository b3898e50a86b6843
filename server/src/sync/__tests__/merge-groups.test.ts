/**
 * A delta round merging a changed group of a million members: the step handles it in loops (a
 * spread of its members once threw a RangeError and stopped the round).
 */
import type { RunState } from '../state';
import { mergeGroups } from '../steps/groups';

const group = (name: string, members: string[]) => ({
  name,
  description: null,
  members,
  roleId: null,
});

describe('mergeGroups', () => {
  it('merges a changed group of a million members and names whose groups changed', () => {
    const everyone = Array.from({ length: 1_000_000 }, (_, i) => `u${i}`);
    const before = everyone.slice(0, 999_990);
    const state = {
      groups: new Map([['all', group('All Staff', before)]]),
      memberships: new Map(before.map((id) => [id, ['all']])),
      roleLinks: new Map(),
      changedGroups: new Set<string>(),
    } as unknown as RunState;

    const touched = mergeGroups(state, [
      { externalId: 'all', name: 'All Staff', description: null, members: everyone.slice(5) },
    ]);

    expect(touched.sort()).toEqual(
      ['u0', 'u1', 'u2', 'u3', 'u4', ...everyone.slice(999_990)].sort()
    );
    expect(state.memberships.get('u999999')).toEqual(['all']);
    expect(state.memberships.has('u0')).toBe(false);
    expect(state.changedGroups).toEqual(new Set(['all']));
  });
});
