/**
 * Test connection for Entra ID: the token, reading users, reading groups and members, and the
 * selected groups, each a green or red light with a message that says what to fix.
 */
import { describeError, StopSyncError } from '../errors';
import type { ConnectionCheck, ConnectionResult } from '../types';
import type { GraphConnection } from './graph-connection';
import { isObject } from './map';

const checkSelection = async (graph: GraphConnection, selection: string[]): Promise<string> => {
  if (selection.length === 0) {
    return 'No group is selected yet: no user will be synced until you pick the groups whose members are synced.';
  }
  const found = await graph.batchGet(
    selection.map((id) => `/groups/${encodeURIComponent(id)}?$select=id,displayName`)
  );
  const missing = selection.filter((_, index) => found[index] === null);
  if (missing.length > 0) {
    throw new StopSyncError(
      'azure-group-missing',
      `${missing.length} selected group(s) no longer exist in the tenant (${missing.slice(0, 5).join(', ')}): pick the groups again.`
    );
  }
  const names = found.map((group) =>
    group && typeof group.displayName === 'string' ? group.displayName : '?'
  );
  return `The ${names.length} selected group(s) exist: ${names.slice(0, 5).join(', ')}${names.length > 5 ? '…' : ''}.`;
};

/** Runs the checks in order; `graph` throws a StopSyncError for bad settings. */
export const testAzureConnection = async (
  graph: () => GraphConnection,
  selection: string[]
): Promise<ConnectionResult> => {
  const checks: ConnectionCheck[] = [];
  const run = async (name: string, check: () => Promise<string>) => {
    try {
      checks.push({ name, ok: true, message: await check() });
      return true;
    } catch (error) {
      checks.push({ name, ok: false, message: describeError(error).message });
      return false;
    }
  };
  try {
    const connection = graph();
    const signedIn = await run('token', async () => {
      await connection.acquireToken();
      return 'Signed in to Entra ID with the client secret.';
    });
    if (signedIn) {
      await run('users', async () => {
        await connection.get(`/users?$select=id&$top=1`);
        return 'Can read users and their managers (User.Read.All).';
      });
      await run('groups', async () => {
        const page = await connection.get(`/groups?$select=id&$top=1`);
        const first = Array.isArray(page.value) ? page.value.find(isObject) : undefined;
        if (first && typeof first.id === 'string') {
          await connection.get(`/groups/${encodeURIComponent(first.id)}/members?$select=id&$top=1`);
        }
        return 'Can read groups and their members (GroupMember.Read.All).';
      });
      await run('selected-groups', () => checkSelection(connection, selection));
    }
  } catch (error) {
    checks.push({ name: 'settings', ok: false, message: describeError(error).message });
  }
  const failed = checks.find((check) => !check.ok);
  return {
    ok: !failed,
    message: failed
      ? failed.message
      : 'Connected to Microsoft Graph: users, groups and members can be read.',
    checks,
  };
};
