/**
 * The four sources `npm run faults` drives, each behind its fake in this process (memory: in the
 * Strapi process, set through the agent): the directory to create, what the database must hold
 * (worked out from the fake's own data), a small change set per delta round, and fault injection
 * through the fakes' shared fault queue (tests/fakes/contract.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  csvInjector,
  graphInjector,
  oktaInjector,
  type ContractFault,
  type FaultInjector,
  type Injected,
  type Phase,
} from '../../tests/fakes/contract';
import { startCsvFileServer } from '../../tests/fakes/csv/server';
import { startGraphFake } from '../../tests/fakes/graph';
import { startOktaFake, type StoredUser } from '../../tests/fakes/okta';
import { generateOrg } from '../../tests/fakes/org';
import type { Agent } from './harness';
import { csvOf, GraphModel, type ExpectedUser } from './model';
import { certsDir } from './paths';

export type SourceName = 'azure' | 'okta' | 'csv' | 'memory';

/** Fault injection as the script uses it (memory's goes through the agent, hence async). */
export type AsyncInjector = {
  inject(fault: ContractFault, phase: Phase, page: number): Promise<Injected>;
  fired(): Promise<boolean>;
  pagesServed(phase: Phase): number;
  resetLog(): void;
  clear(): Promise<void>;
};

export type FaultSource = {
  name: SourceName;
  phases: Phase[];
  /** The body of POST /directories (through the directories service). */
  directory: Record<string, unknown>;
  /** What the database must hold now, by username. */
  expected(): Map<string, ExpectedUser>;
  /** A few changes before a delta round (CSV: before every run, so the file is read again). */
  change(round: number): Promise<void>;
  faults: AsyncInjector;
  /** Pages a full run reads, when the fake cannot count them (memory). */
  fullPages?: number;
  /** Empties the directory; the returned function puts everyone back. */
  empty(): Promise<() => Promise<void>>;
  /** Deletes the selected group holding the most people of its own (for good); null: n/a. */
  deleteScopeGroup: (() => Promise<void>) | null;
  close(): Promise<void>;
};

/** Request timeout of every source (generous: the machine may be busy); a timeout fault waits three. */
export const TIMEOUT_MS = 2500;
const SEED = 2026;

const CA = () => fs.readFileSync(path.join(certsDir(), 'ca.pem'), 'utf8');

const wrap = (injector: FaultInjector): AsyncInjector => ({
  inject: async (fault, phase, page) => injector.inject(fault, phase, page),
  fired: async () => injector.fired(),
  pagesServed: (phase) => injector.pagesServed(phase),
  resetLog: () => injector.resetLog(),
  clear: async () => injector.clear(),
});

export const azureSource = async (users: number): Promise<FaultSource> => {
  const fake = await startGraphFake({
    users,
    groups: Math.max(3, Math.round(users * 0.05)),
    seed: SEED,
  });
  const model = new GraphModel(fake.store);
  const groupIds = fake.store.listGroups().map((group) => group.id);
  const people = () => model.inScopeUsers();
  return {
    name: 'azure',
    phases: ['full', 'delta'],
    directory: {
      name: 'Faults Entra ID',
      type: 'azure',
      connection: {
        tenantId: fake.tenantId,
        clientId: fake.clientId,
        authorityHost: fake.url,
        graphBaseUrl: fake.url,
        caCertificate: CA(),
      },
      secrets: { clientSecret: fake.clientSecret },
      userGroups: groupIds,
      groupSync: { mode: 'all' },
      options: {
        pageSize: 999,
        maxRetries: 2,
        maxRetryAfterSeconds: 0.5,
        requestTimeoutSeconds: TIMEOUT_MS / 1000,
      },
    },
    expected: () => model.expected(),
    async change(round) {
      const list = people();
      const pick = (offset: number) => list[(round * 7 + offset) % list.length];
      fake.store.updateUser(pick(0).id, { jobTitle: `Fault round ${round}` });
      fake.store.updateUser(pick(1).id, { department: `Dept ${round}` });
      const flip = list[round % list.length];
      if (flip.accountEnabled) fake.store.disableUser(flip.id);
      else fake.store.enableUser(flip.id);
      const mover = pick(2);
      const group = groupIds[round % groupIds.length];
      if (fake.store.members(group).includes(mover.id)) fake.store.removeMember(group, mover.id);
      else fake.store.addMember(group, mover.id);
    },
    faults: wrap(graphInjector(fake, { timeoutMs: TIMEOUT_MS })),
    async empty() {
      const removed = groupIds.map((group) => [group, fake.store.members(group)] as const);
      for (const [group, members] of removed)
        for (const member of members) fake.store.removeMember(group, member);
      return async () => {
        for (const [group, members] of removed)
          for (const member of members) fake.store.addMember(group, member);
      };
    },
    deleteScopeGroup: async () => {
      const sizes = groupIds.map((id) => [id, fake.store.members(id).length] as const);
      const [largest] = sizes.sort((a, b) => b[1] - a[1])[0];
      fake.store.deleteGroup(largest);
    },
    close: () => fake.close(),
  };
};

const ACTIVE = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'RECOVERY']);

export const oktaSource = async (users: number, groups = 20): Promise<FaultSource> => {
  // Another domain than the other sources' (the same people there would be conflicts here); few
  // groups, all assigned to the app: everyone in scope, in pages of 200 members (with the 5 % of
  // groups the other sources have, a group is one short page and a run reads hundreds of them).
  const fake = await startOktaFake({
    users,
    groups,
    assignToApp: 'all',
    seed: SEED,
    https: true,
    domain: 'okta-faults.example.org',
  });
  const app = fake.createServiceApp();
  const selected = fake.store
    .appAssignments()
    .map((assignment) => fake.store.groups[assignment.groupPos].id);
  const known = new Set<string>();
  const inScope = (): StoredUser[] => {
    const seen = new Map<string, StoredUser>();
    for (const id of selected) {
      const group = fake.store.group(id);
      if (!group || !fake.store.isAssigned(group)) continue;
      for (const pos of fake.store.memberPositions(group)) {
        const user = fake.store.users[pos];
        if (!user.deleted && user.status !== 'STAGED' && user.status !== 'PROVISIONED')
          seen.set(user.id, user);
      }
    }
    return [...seen.values()];
  };
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);
  // The engine skips records missing a required field: they are not the directory's users.
  const complete = (user: StoredUser) =>
    ['login', 'email', 'firstName', 'lastName'].every((key) => text(user.profile[key]));
  return {
    name: 'okta',
    phases: ['full', 'delta'],
    directory: {
      name: 'Faults Okta',
      type: 'okta',
      connection: {
        orgUrl: fake.url,
        authMode: 'oauth',
        appId: fake.appId,
        clientId: app.clientId,
        keyId: app.keyId,
        caCertificate: CA(),
      },
      secrets: { privateKey: app.privateKeyPem },
      userGroups: selected,
      groupSync: { mode: 'all' },
      options: {
        pageSize: 200,
        maxRetries: 2,
        retryBaseDelayMs: 50,
        requestTimeoutMs: TIMEOUT_MS,
      },
    },
    expected() {
      const now = new Map(inScope().map((user) => [user.id, user]));
      for (const id of now.keys()) known.add(id);
      const out = new Map<string, ExpectedUser>();
      for (const id of known) {
        const user = fake.store.user(id);
        const current = now.get(id);
        if (!user || !complete(user)) continue;
        const login = String(user.profile.login);
        out.set(
          login,
          current
            ? {
                blocked: !ACTIVE.has(user.status),
                email: String(user.profile.email).toLowerCase(),
              }
            : { blocked: true }
        );
      }
      return out;
    },
    async change(round) {
      const list = inScope().filter(complete);
      const pick = (offset: number) => list[(round * 7 + offset) % list.length];
      fake.store.updateProfile(pick(0).id, { title: `Fault round ${round}` });
      const flip = pick(1);
      if (flip.status === 'SUSPENDED') fake.store.unsuspend(flip.id);
      else if (flip.status === 'ACTIVE') fake.store.suspend(flip.id);
      fake.store.updateProfile(pick(2).id, { department: `Dept ${round}` });
    },
    faults: wrap(oktaInjector(fake, { timeoutMs: TIMEOUT_MS })),
    async empty() {
      const removed = selected.map((id) => {
        const group = fake.store.group(id);
        const members = group ? [...fake.store.memberPositions(group)] : [];
        return [id, members.map((pos) => fake.store.users[pos].id)] as const;
      });
      for (const [group, members] of removed)
        for (const member of members) fake.store.removeMember(group, member);
      return async () => {
        for (const [group, members] of removed)
          for (const member of members) fake.store.addMember(group, member);
      };
    },
    deleteScopeGroup: async () => {
      const sizes = selected.map((id) => [id, fake.store.group(id)?.members.length ?? 0] as const);
      const [largest] = sizes.sort((a, b) => b[1] - a[1])[0];
      fake.store.deleteGroup(largest);
    },
    close: () => fake.close(),
  };
};

/** CSV: the file is changed before every run, or the source would answer "unchanged". */
export const csvSource = async (users: number): Promise<FaultSource> => {
  const org = generateOrg({
    users,
    groups: Math.max(3, Math.round(users * 0.05)),
    seed: SEED,
    domain: 'csv-faults.example.net',
  });
  let current = csvOf(org);
  const server = await startCsvFileServer({
    files: { '/people.csv': current.text },
    username: 'hr',
    password: 'hr-secret',
  });
  const path = '/people.csv';
  return {
    name: 'csv',
    phases: ['full'],
    directory: {
      name: 'Faults CSV',
      type: 'csv',
      connection: {
        location: 'remote',
        url: `${server.url}${path}`,
        username: 'hr',
        matchField: 'username',
        managerField: 'manager',
        caCertificate: CA(),
      },
      secrets: { password: 'hr-secret', defaultPassword: 'Welcome-2026' },
      groupSync: { mode: 'all' },
      options: { timeoutMs: 3 * TIMEOUT_MS, maxRetries: 2, retryBaseDelayMs: 50 },
    },
    expected: () => current.expected,
    fullPages: Math.ceil(users / 500),
    async change(round) {
      const person = org.people[(round * 7) % org.people.length];
      person.jobTitle = `Fault round ${round}`;
      current = csvOf(org);
      server.setFile(path, current.text);
    },
    // The provider yields pages of 500 rows; the whole download must fit in the timeout.
    faults: wrap(
      csvInjector(server, {
        path,
        content: () => current.text,
        pages: Math.ceil(users / 500),
        timeoutMs: 3 * TIMEOUT_MS,
      })
    ),
    async empty() {
      server.setFile(path, `${current.text.split('\n')[0]}\n`);
      return async () => {
        server.setFile(path, current.text);
      };
    },
    deleteScopeGroup: null,
    close: () => server.close(),
  };
};

/** The memory test provider: no wire; its one fault is the source failing at page N. */
export const memorySource = async (users: number, agent: Agent): Promise<FaultSource> => {
  const store = 'faults';
  const pageSize = 500;
  await agent.call('memory', { store, users, pageSize, failAfterPages: null });
  let armed = false;
  const expected = new Map<string, ExpectedUser>();
  for (let i = 1; i <= users; i += 1)
    expected.set(`user${i}`, { blocked: false, email: `user${i}@example.com` });
  return {
    name: 'memory',
    phases: ['full'],
    directory: {
      name: 'Faults memory',
      type: 'memory',
      connection: { store },
      secrets: { token: 'right' },
    },
    expected: () => expected,
    change: async () => undefined,
    fullPages: Math.ceil(users / pageSize),
    faults: {
      async inject(fault, phase, page) {
        if (phase === 'delta') return { ok: false, why: 'the memory provider has no delta' };
        if (fault !== 'server-error')
          return { ok: false, why: 'no wire: the memory source only fails at a page' };
        await agent.call('memory', { store, failAfterPages: page - 1 });
        armed = true;
        return { ok: true };
      },
      fired: async () => armed,
      pagesServed: () => Math.ceil(users / pageSize),
      resetLog: () => undefined,
      async clear() {
        armed = false;
        await agent.call('memory', { store, failAfterPages: null });
      },
    },
    async empty() {
      await agent.call('memory', { store, users: 0 });
      return async () => {
        await agent.call('memory', { store, users });
      };
    },
    deleteScopeGroup: null,
    close: async () => undefined,
  };
};
