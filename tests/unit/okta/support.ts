/** Shared helpers of the Okta tests: a provider pointed at a fake org, collecting, expectations. */
import { createOktaProvider, type OktaConnection } from '../../../server/src/providers/okta';
import type {
  DirectoryChanges,
  DirectoryProvider,
  DirectoryUser,
  ProviderLogger,
  ProviderState,
} from '../../../server/src/providers/types';
import type { OktaFake, ServiceAppCredentials, StoredUser } from '../../fakes/okta';

export type Mode = 'token' | 'oauth';

export type TestLogger = ProviderLogger & { lines: string[] };

/** A logger that keeps what it was told. */
export const testLogger = (): TestLogger => {
  const lines: string[] = [];
  return {
    lines,
    debug: (message) => lines.push(`debug ${message}`),
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
  };
};

export type ProviderSetup = {
  userGroups?: string[];
  state?: ProviderState;
  options?: Record<string, unknown>;
  connection?: Partial<OktaConnection>;
  secrets?: Record<string, string | null>;
  log?: TestLogger;
  signal?: AbortSignal;
};

/** Fast retries so that fault tests stay quick. */
export const FAST = { retryBaseDelayMs: 5, requestTimeoutMs: 5000, maxRetries: 3, allowHttp: true };

/** A provider for `fake` in `mode` (oauth needs the service app's credentials). */
export const providerFor = (
  fake: OktaFake,
  mode: Mode,
  app: ServiceAppCredentials | null,
  setup: ProviderSetup = {}
): DirectoryProvider => {
  const connection: OktaConnection = {
    orgUrl: fake.url,
    authMode: mode,
    appId: fake.appId,
    ...(mode === 'oauth' && app ? { clientId: app.clientId, keyId: app.keyId } : {}),
    ...setup.connection,
  };
  const secrets =
    mode === 'oauth'
      ? { privateKey: app?.privateKeyPem ?? null, ...setup.secrets }
      : { apiToken: fake.apiToken, ...setup.secrets };
  return createOktaProvider(
    {
      connection,
      secrets,
      userGroups: setup.userGroups ?? [],
      state: setup.state ?? {},
      options: { ...FAST, ...setup.options },
    },
    { log: setup.log ?? testLogger(), signal: setup.signal }
  );
};

/** Reads an async iterable of pages to the end. */
export const collect = async <T>(pages: AsyncIterable<T[]>): Promise<T[]> => {
  const items: T[] = [];
  for await (const page of pages) items.push(...page);
  return items;
};

/** Merges the pages of an incremental round. */
export const collectChanges = async (pages: AsyncIterable<DirectoryChanges>) => {
  const merged: DirectoryChanges = { users: [], removed: [], groups: [] };
  for await (const page of pages) {
    merged.users.push(...page.users);
    merged.removed.push(...page.removed);
    merged.groups.push(...page.groups);
  }
  return merged;
};

/** The error a promise rejects with (fails the test when it resolves). */
export const rejection = async (promise: Promise<unknown>): Promise<Error & { code?: string }> => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('Expected a rejection');
};

/** Ids of the users the provider should sync for these groups (skip mode: no STAGED/PROVISIONED). */
export const expectedScope = (fake: OktaFake, groupIds: string[]): StoredUser[] => {
  const positions = new Set<number>();
  for (const id of groupIds) {
    const group = fake.store.group(id);
    if (group && fake.store.isAssigned(group)) {
      for (const pos of fake.store.memberPositions(group)) positions.add(pos);
    }
  }
  return [...positions]
    .map((pos) => fake.store.users[pos])
    .filter((user) => user.status !== 'STAGED' && user.status !== 'PROVISIONED');
};

export const ids = (users: Array<DirectoryUser | StoredUser | { externalId: string }>) =>
  users.map((user) => ('externalId' in user ? user.externalId : user.id)).sort();

/** The ids of the groups assigned to the fake's app, in assignment order. */
export const assignedGroupIds = (fake: OktaFake) =>
  fake.store.appAssignments().map((assignment) => fake.store.groups[assignment.groupPos].id);
