/**
 * The providers the contract suite runs, each against its fake over real HTTP(S) (the test
 * `memory` provider has no wire: it runs in-process), with what the suite needs to drive them:
 * a provider for the fake's current state, the ids a full listing must yield, a change set for
 * delta rounds, fault injection, an empty directory and a deleted scope group.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

import { createAzureProvider, type AzureConnection } from '../../../server/src/providers/azure';
import { createCsvProvider } from '../../../server/src/providers/csv';
import { createOktaProvider, type OktaConnection } from '../../../server/src/providers/okta';
import type {
  DirectoryProvider,
  ProviderLogger,
  ProviderState,
} from '../../../server/src/providers/types';
import {
  csvInjector,
  graphInjector,
  oktaInjector,
  type FaultInjector,
  type Phase,
} from '../../fakes/contract';
import { startCsvFileServer, type CsvFileServer } from '../../fakes/csv/server';
import { startGraphFake, type GraphFake } from '../../fakes/graph';
import { startOktaFake, type OktaFake, type ServiceAppCredentials } from '../../fakes/okta';
import { memoryDirectory, person, registerMemoryProvider } from '../../helpers/memory-provider';

export const CA_PEM = readFileSync(join(__dirname, '..', '..', 'fakes', 'certs', 'ca.pem'), 'utf8');

/** The request timeout the subjects use; a 'timeout' fault answers after three of them. */
export const TIMEOUT_MS = 300;

export type TestLog = ProviderLogger & { lines: string[] };

export const testLog = (): TestLog => {
  const lines: string[] = [];
  return {
    lines,
    debug: (message) => lines.push(`debug ${message}`),
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
  };
};

export type Subject = {
  name: 'azure' | 'okta' | 'csv' | 'memory';
  /** Phases the source has (CSV and memory: full runs only). */
  phases: Phase[];
  /** Fault injection on the fake; null for memory (no wire). */
  faults: FaultInjector | null;
  /** A provider for the fake as it is now (`state`: the one a delta round starts from). */
  provider(state?: ProviderState, log?: TestLog): DirectoryProvider;
  /** The externalIds a full listing must yield now. */
  expectedIds(): string[];
  /** Changes a few people in the source, as between two runs. */
  change(): void;
  /** Deletes one of the selected groups; returns the ids of people only it held. */
  deleteScopeGroup(): string[];
  close(): Promise<void>;
};

const unique = (ids: Iterable<string>) => [...new Set(ids)].sort();

// ---- Entra ID / Graph ----------------------------------------------------------------------------

export const azureSubject = async (size: { users: number; groups: number }): Promise<Subject> => {
  const fake: GraphFake = await startGraphFake({ ...size, seed: 31 });
  const selected = fake.store.listGroups().map((group) => group.id);
  const options = {
    pageSize: 40,
    maxRetries: 2,
    maxRetryAfterSeconds: 0.2,
    requestTimeoutSeconds: TIMEOUT_MS / 1000,
  };
  const inScope = (without?: string) => {
    const ids = new Set<string>();
    for (const groupId of selected) {
      if (!fake.store.groups.has(groupId) || groupId === without) continue;
      for (const id of fake.store.transitiveMembers(groupId)) {
        const user = fake.store.users.get(id);
        if (user && user.deletedDateTime === null && user.userType !== 'Guest') ids.add(id);
      }
    }
    return ids;
  };
  return {
    name: 'azure',
    phases: ['full', 'delta'],
    faults: graphInjector(fake, { timeoutMs: TIMEOUT_MS }),
    provider: (state = {}, log = testLog()) =>
      createAzureProvider(
        {
          connection: {
            tenantId: fake.tenantId,
            clientId: fake.clientId,
            authorityHost: fake.url,
            graphBaseUrl: fake.url,
            caCertificate: CA_PEM,
          } satisfies AzureConnection,
          secrets: { clientSecret: fake.clientSecret },
          userGroups: selected,
          state,
          options,
        },
        { log }
      ),
    expectedIds: () => unique(inScope()),
    change() {
      const people = [...inScope()];
      fake.store.updateUser(people[0], { jobTitle: 'Contract Tester' });
      fake.store.disableUser(people[1]);
      fake.store.deleteUser(people[2]);
      const added = fake.store.addUser({ displayName: 'New Joiner', givenName: 'New' });
      fake.store.addMember(selected[0], added.id);
    },
    deleteScopeGroup() {
      const before = inScope();
      // The selected group whose deletion takes the most people out of scope.
      const target = [...selected].sort((a, b) => inScope(a).size - inScope(b).size)[0];
      fake.store.deleteGroup(target);
      const after = inScope();
      return [...before].filter((id) => !after.has(id));
    },
    close: () => fake.close(),
  };
};

// ---- Okta ----------------------------------------------------------------------------------------

export const oktaSubject = async (size: { users: number }): Promise<Subject> => {
  const fake: OktaFake = await startOktaFake({ ...size, seed: 37 });
  const app: ServiceAppCredentials = fake.createServiceApp();
  const selected = fake.store
    .appAssignments()
    .map((assignment) => fake.store.groups[assignment.groupPos].id);
  const inScope = () => {
    const ids = new Set<string>();
    for (const id of selected) {
      const group = fake.store.group(id);
      if (!group || !fake.store.isAssigned(group)) continue;
      for (const pos of fake.store.memberPositions(group)) {
        const user = fake.store.users[pos];
        if (!user.deleted && user.status !== 'STAGED' && user.status !== 'PROVISIONED')
          ids.add(user.id);
      }
    }
    return ids;
  };
  return {
    name: 'okta',
    phases: ['full', 'delta'],
    faults: oktaInjector(fake, { timeoutMs: TIMEOUT_MS }),
    provider: (state = {}, log = testLog()) =>
      createOktaProvider(
        {
          connection: {
            orgUrl: fake.url,
            authMode: 'oauth',
            appId: fake.appId,
            clientId: app.clientId,
            keyId: app.keyId,
          } satisfies OktaConnection,
          secrets: { privateKey: app.privateKeyPem },
          userGroups: selected,
          state,
          options: {
            allowHttp: true,
            pageSize: 25,
            maxRetries: 2,
            retryBaseDelayMs: 5,
            requestTimeoutMs: TIMEOUT_MS,
          },
        },
        { log }
      ),
    expectedIds: () => unique(inScope()),
    change() {
      fake.advanceClock(120_000);
      const people = [...inScope()];
      fake.store.updateProfile(people[0], { title: 'Contract Tester' });
      fake.store.suspend(people[1]);
      fake.store.removeMember(
        selected.find((id) =>
          fake.store.group(id)?.members.includes(fake.store.user(people[2])!.pos)
        ) as string,
        people[2]
      );
      const added = fake.store.addUser({ profile: { firstName: 'New', lastName: 'Joiner' } });
      fake.store.addMember(selected[0], added.id);
      fake.advanceClock(120_000);
    },
    deleteScopeGroup() {
      const before = inScope();
      const target = selected.find(
        (id) => (fake.store.group(id)?.members.length ?? 0) > 0
      ) as string;
      fake.store.deleteGroup(target);
      const after = inScope();
      return [...before].filter((id) => !after.has(id));
    },
    close: () => fake.close(),
  };
};

// ---- CSV -----------------------------------------------------------------------------------------

const CSV_HEADER = 'username,email,firstname,lastname,jobTitle,groups,active';

export const csvRows = (count: number) =>
  Array.from(
    { length: count },
    (_, i) =>
      `user${i},user${i}@example.com,First${i},Last${i},Job ${i % 7},${i % 2 ? 'Sales' : 'Engineering'},true`
  );

export const csvSubject = async (rows: number): Promise<Subject> => {
  const server: CsvFileServer = await startCsvFileServer({ username: 'hr', password: 'secret' });
  const path = '/people.csv';
  let lines = csvRows(rows);
  const content = () => `${CSV_HEADER}\n${lines.join('\n')}\n`;
  server.setFile(path, content());
  return {
    name: 'csv',
    phases: ['full'],
    // The provider yields pages of 500 rows.
    faults: csvInjector(server, {
      path,
      content,
      pages: Math.ceil(rows / 500),
      timeoutMs: TIMEOUT_MS,
    }),
    provider: (state = {}, log = testLog()) =>
      createCsvProvider(
        {
          connection: {
            location: 'remote',
            url: `${server.url}${path}`,
            username: 'hr',
            matchField: 'username',
            caCertificate: CA_PEM,
          },
          secrets: { password: 'secret', defaultPassword: 'Welcome-2026' },
          userGroups: [],
          state,
          options: { timeoutMs: TIMEOUT_MS, retryBaseDelayMs: 10, maxRetries: 2 },
        },
        { log }
      ),
    expectedIds: () => lines.map((line) => line.split(',')[0]).sort(),
    change() {
      lines = lines.slice(1);
      server.setFile(path, content());
    },
    deleteScopeGroup: () => [],
    close: () => server.close(),
  };
};

// ---- memory (the engine's test double) ------------------------------------------------------------

type MemoryFactory = (
  settings: { connection: { store?: string }; secrets: Record<string, string | null> },
  context: unknown
) => DirectoryProvider;

/** The memory provider's factory, taken from its registration (as Strapi would get it). */
const memoryFactory = (): MemoryFactory => {
  let factory: MemoryFactory | null = null;
  const strapi = {
    plugin: () => ({
      service: () => ({
        register: (_type: string, definition: { factory: MemoryFactory }) => {
          factory = definition.factory;
        },
      }),
    }),
  };
  registerMemoryProvider(strapi as never);
  if (!factory) throw new Error('the memory provider did not register');
  return factory;
};

export const memorySubject = async (users: number): Promise<Subject> => {
  const name = `contract-${users}`;
  const store = memoryDirectory(name);
  store.users = Array.from({ length: users }, (_, i) => person(i + 1));
  store.pageSize = 40;
  const factory = memoryFactory();
  return {
    name: 'memory',
    phases: ['full'],
    faults: null,
    provider: () => factory({ connection: { store: name }, secrets: { token: 'right' } }, {}),
    expectedIds: () => store.users.map((user) => user.externalId).sort(),
    change() {
      store.users = store.users.slice(1);
    },
    deleteScopeGroup: () => [],
    close: async () => {
      store.users = [];
      store.failAfterPages = null;
    },
  };
};
