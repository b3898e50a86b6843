/**
 * The progress bar's total for an Entra ID directory, from Graph's `$count` segments (advanced
 * queries: `ConsistencyLevel: eventual`, text/plain answers). The users in scope are the
 * transitive user members of the selected groups, so each selected group is counted with
 * `/groups/{id}/transitiveMembers/microsoft.graph.user/$count`; guests are left out by the same
 * `$filter` the advanced queries accept, when the directory leaves them out.
 *
 * A count is a nicety: a missing permission (403), a tenant or proxy that refuses `$count`, or
 * any other failure gives null (the engine falls back to the previous run's count), never a
 * failed run. Only a cancel goes through.
 */
import { CancelledError, describeError } from '../errors';
import type { ProviderLogger, UserCount } from '../types';
import type { GraphConnection } from './graph-connection';

/** Above this many selected groups, one count of the tenant's users stands for them all. */
export const MAX_COUNTED_GROUPS = 20;

export const countUsersInScope = async (
  graph: Pick<GraphConnection, 'count'>,
  selection: readonly string[],
  includeGuests: boolean,
  log: ProviderLogger
): Promise<UserCount | null> => {
  if (selection.length === 0) return { total: 0, estimated: false };
  const filter = includeGuests ? '' : `?$filter=${encodeURIComponent("userType ne 'Guest'")}`;
  try {
    const tenant = selection.length > 1 ? await graph.count(`/users/$count${filter}`) : null;
    if (tenant !== null && selection.length > MAX_COUNTED_GROUPS)
      return { total: tenant, estimated: true };
    let sum = 0;
    for (const id of selection) {
      sum += await graph.count(
        `/groups/${encodeURIComponent(id)}/transitiveMembers/microsoft.graph.user/$count${filter}`
      );
    }
    // A person in two selected groups is counted in both: with several groups the sum is an
    // upper bound (no more than the tenant's users), so the panel says "about".
    return {
      total: tenant === null ? sum : Math.min(sum, tenant),
      estimated: selection.length > 1,
    };
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    log.info(
      `Entra ID: Microsoft Graph gave no count of the users in scope (${describeError(error).message}); the progress bar's total is an estimate.`
    );
    return null;
  }
};
