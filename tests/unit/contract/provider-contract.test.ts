/**
 * The provider contract: one table of cases, run for every provider against its fake over real
 * HTTP(S), for full runs and delta rounds (CSV and the memory test provider: full runs only: a CSV
 * file has no delta, and memory has no wire, so its faults are "the source failed at page N").
 *
 * Each case ends in its documented outcome (docs/RELIABILITY.md): the complete listing after a
 * retry, or a StopSyncError / TransientSyncError / DeltaExpiredError whose message names the cause.
 * A listing under a fault is compared with a clean listing of the same state.
 */
import {
  DeltaExpiredError,
  StopSyncError,
  TransientSyncError,
} from '../../../server/src/providers/errors';
import type {
  DirectoryChanges,
  DirectoryProvider,
  ProviderState,
} from '../../../server/src/providers/types';
import {
  CONTRACT_FAULTS,
  FAULT_LABELS,
  type ContractFault,
  type Phase,
} from '../../fakes/contract';
import { memoryDirectory } from '../../helpers/memory-provider';
import {
  azureSubject,
  csvSubject,
  memorySubject,
  oktaSubject,
  testLog,
  type Subject,
} from './subjects';

jest.setTimeout(60_000);

type Listing = { ids: string[]; skipped: string[]; removed: string[]; state: ProviderState | null };

/** A full run as the engine reads it: the sync groups, then the users, then the state. */
const readFull = async (provider: DirectoryProvider): Promise<Listing> => {
  try {
    for await (const page of provider.listSyncGroups()) void page;
    const ids: string[] = [];
    for await (const page of provider.listUsers()) ids.push(...page.map((user) => user.externalId));
    return {
      ids: ids.sort(),
      skipped: (provider.skipped?.() ?? []).map((record) => record.externalId ?? record.origin),
      removed: [],
      state: provider.nextState?.() ?? null,
    };
  } finally {
    await provider.close?.();
  }
};

/** A delta round merged: changed users and removed users. */
const readDelta = async (provider: DirectoryProvider, state: ProviderState): Promise<Listing> => {
  try {
    const merged: DirectoryChanges = { users: [], removed: [], groups: [] };
    for await (const page of provider.changesSince!(state)) {
      merged.users.push(...page.users);
      merged.removed.push(...page.removed);
    }
    return {
      ids: merged.users.map((user) => user.externalId).sort(),
      skipped: [],
      removed: merged.removed.map((user) => user.externalId).sort(),
      state: provider.nextState?.() ?? null,
    };
  } finally {
    await provider.close?.();
  }
};

const failure = async (action: Promise<unknown>): Promise<Error> => {
  try {
    await action;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the listing to fail');
};

/** What a refusal's message must name, per source and phase. */
const REFUSAL: Record<Subject['name'], Partial<Record<Phase, RegExp>>> = {
  azure: {
    full: /Microsoft Graph refused \/users\/delta with 400 BadRequest/,
    delta:
      /Microsoft Graph refused \/users\/[^/ ]+\/transitiveMemberOf\/microsoft\.graph\.group with 400/,
  },
  okta: {
    full: /Okta answered 400 \(E0000001 Api validation failed.*\) while trying to read the members of group/,
    delta: /Okta answered 400 \(E0000001/,
  },
  csv: { full: /refused access to the file \(403\)/ },
  memory: {},
};

/** What a 500 that never clears must name. */
const PERSISTENT: Record<Subject['name'], RegExp> = {
  azure: /Microsoft Graph kept failing \(500 generalException.*\) after 2 retries/,
  okta: /Okta answered 500 \(Internal Server Error\) for \/api\/v1\/.* 3 times/,
  csv: /HTTP 503 .*after 2 retries/,
  memory: /went away half way \(at page 2\)/,
};

type Outcome = 'complete' | 'stop' | 'transient';
type Case = { fault: ContractFault; phase: Phase; page: number; outcome: Outcome };

/** The wire sources: every fault at page 2 of both phases. */
const wireCases = (phases: Phase[]): Case[] =>
  phases.flatMap((phase) =>
    CONTRACT_FAULTS.map((fault) => ({
      fault,
      phase,
      page: 2,
      outcome: fault === 'refused' ? ('stop' as const) : ('complete' as const),
    }))
  );

type Descriptor = {
  name: Subject['name'];
  start: () => Promise<Subject>;
  cases: Case[];
  /** Faults that do not apply, and why (the injector must say so too). */
  notApplicable: Array<{ fault: ContractFault; phase: Phase; page: number; why: RegExp }>;
  /** A deleted scope group means something (sources that select users by group). */
  groupScope: boolean;
};

const DESCRIPTORS: Descriptor[] = [
  {
    name: 'azure',
    start: () => azureSubject({ users: 240, groups: 12 }),
    cases: wireCases(['full', 'delta']),
    notApplicable: [],
    groupScope: true,
  },
  {
    name: 'okta',
    start: () => oktaSubject({ users: 240 }),
    cases: wireCases(['full', 'delta']),
    notApplicable: [],
    groupScope: true,
  },
  {
    name: 'csv',
    start: () => csvSubject(1200),
    // The file is one request: status faults and timeouts hit it (page 1); a cut or a malformed
    // row can sit in any page of it.
    cases: [
      { fault: 'throttle', phase: 'full', page: 1, outcome: 'complete' },
      { fault: 'server-error', phase: 'full', page: 1, outcome: 'complete' },
      { fault: 'timeout', phase: 'full', page: 1, outcome: 'complete' },
      { fault: 'truncated', phase: 'full', page: 2, outcome: 'complete' },
      { fault: 'refused', phase: 'full', page: 1, outcome: 'stop' },
      { fault: 'malformed', phase: 'full', page: 2, outcome: 'complete' },
    ],
    notApplicable: [
      { fault: 'token-expired', phase: 'full', page: 1, why: /basic auth.*no token/ },
      { fault: 'server-error', phase: 'full', page: 2, why: /one request/ },
      { fault: 'throttle', phase: 'delta', page: 1, why: /no delta/ },
    ],
    groupScope: false,
  },
  {
    name: 'memory',
    start: () => memorySubject(150),
    // No wire: the one fault is the source failing at a page, and nothing retries it.
    cases: [{ fault: 'server-error', phase: 'full', page: 3, outcome: 'transient' }],
    notApplicable: [],
    groupScope: false,
  },
];

describe.each(DESCRIPTORS.map((descriptor) => [descriptor.name, descriptor] as const))(
  'provider contract: %s',
  (_name, descriptor) => {
    let subject: Subject;
    const baseline: Partial<Record<Phase, Listing>> = {};
    let deltaState: ProviderState = {};

    beforeAll(async () => {
      subject = await descriptor.start();
      const first = await readFull(subject.provider());
      if (subject.phases.includes('delta')) {
        deltaState = first.state ?? {};
        subject.change();
        baseline.delta = await readDelta(subject.provider(deltaState), deltaState);
        baseline.full = await readFull(subject.provider());
      } else {
        baseline.full = first;
      }
    });

    afterAll(async () => {
      await subject?.close();
    });

    afterEach(() => subject.faults?.clear());

    const read = (phase: Phase, log = testLog()) =>
      phase === 'full'
        ? readFull(subject.provider({}, log))
        : readDelta(subject.provider(deltaState, log), deltaState);

    test('paging: a full listing holds every person in scope, each once', async () => {
      const listing = await readFull(subject.provider());
      expect(listing.ids).toEqual(subject.expectedIds());
      expect(new Set(listing.ids).size).toBe(listing.ids.length);
      expect(listing.ids.length).toBeGreaterThan(100);
    });

    if (descriptor.name === 'azure' || descriptor.name === 'okta') {
      test('paging: a delta round reports the changes and nothing else, and a state to go on from', () => {
        const round = baseline.delta as Listing;
        expect(round.ids.length + round.removed.length).toBeGreaterThanOrEqual(3);
        expect(round.ids.length).toBeLessThan(20);
        expect(round.state).not.toBeNull();
        expect(baseline.full?.state).not.toBeNull();
      });
    } else {
      test('full runs only: the source has no delta round', () => {
        expect(subject.phases).toEqual(['full']);
        expect(subject.provider().changesSince).toBeUndefined();
      });
    }

    test.each(
      descriptor.cases.map(
        (entry) =>
          [`${entry.phase}: ${FAULT_LABELS[entry.fault]} at page ${entry.page}`, entry] as const
      )
    )('%s', async (_label, entry) => {
      const { fault, phase, page, outcome } = entry;
      const log = testLog();
      if (!subject.faults) {
        const store = memoryDirectory('contract-150');
        store.failAfterPages = page - 1;
        const error = await failure(read(phase, log)).finally(() => {
          store.failAfterPages = null;
        });
        expect(error).toBeInstanceOf(TransientSyncError);
        expect(error.message).toContain(`went away half way (at page ${page})`);
        return;
      }
      expect(subject.faults.inject(fault, phase, page)).toEqual({ ok: true });
      if (outcome === 'stop') {
        const error = await failure(read(phase, log));
        expect(error).toBeInstanceOf(StopSyncError);
        expect(error.message).toMatch(REFUSAL[subject.name][phase] as RegExp);
        expect(subject.faults.fired()).toBe(true);
        return;
      }
      const listing = await read(phase, log);
      expect(subject.faults.fired()).toBe(true);
      const clean = baseline[phase] as Listing;
      expect(listing.removed).toEqual(clean.removed);
      if (fault === 'malformed') {
        // The malformed record is not lost: it comes with empty fields (the engine skips it,
        // naming the field) or in skipped(); either way its person is not treated as gone.
        expect(unique([...listing.ids, ...listing.skipped])).toEqual(
          unique([...clean.ids, ...clean.skipped])
        );
        return;
      }
      expect(listing.ids).toEqual(clean.ids);
      // The provider said it retried (an OAuth token is renewed inside the Okta SDK, silently).
      if (fault !== 'token-expired' || subject.name === 'azure')
        expect(log.lines.join('\n')).toMatch(/retry|new one/i);
    });

    if (descriptor.notApplicable.length > 0) {
      test('the faults that do not apply are refused by the fake with the reason', () => {
        for (const { fault, phase, page, why } of descriptor.notApplicable) {
          const injected = subject.faults?.inject(fault, phase, page);
          expect(injected).toEqual({ ok: false, why: expect.stringMatching(why) });
        }
        expect(subject.faults?.fired()).toBe(true);
      });
    }

    test.each(subject_phases(descriptor))(
      '%s: a 500 that never clears fails transiently, naming it, after the retries',
      async (phase) => {
        if (subject.faults) expect(subject.faults.injectPersistent(phase)).toEqual({ ok: true });
        else memoryDirectory('contract-150').failAfterPages = 1;
        const error = await failure(read(phase)).finally(() => {
          memoryDirectory('contract-150').failAfterPages = null;
        });
        expect(error).toBeInstanceOf(TransientSyncError);
        expect(error.message).toMatch(PERSISTENT[subject.name]);
      }
    );
  }
);

function subject_phases(descriptor: Descriptor): Phase[] {
  return descriptor.name === 'azure' || descriptor.name === 'okta' ? ['full', 'delta'] : ['full'];
}

const unique = (ids: string[]) => [...new Set(ids)].sort();

describe.each(DESCRIPTORS.map((descriptor) => [descriptor.name, descriptor] as const))(
  'provider contract, the directory itself: %s',
  (name, descriptor) => {
    test('an empty directory lists nobody, or refuses to (CSV), and says why', async () => {
      const subject = await emptySubject(name as Subject['name']);
      try {
        if (name === 'csv') {
          const error = await failure(readFull(subject.provider()));
          expect(error).toBeInstanceOf(StopSyncError);
          expect(error.message).toMatch(/no rows: refusing to sync, which would disable everyone/);
          return;
        }
        const listing = await readFull(subject.provider());
        expect(listing.ids).toEqual([]);
      } finally {
        await subject.close();
      }
    });

    if (!descriptor.groupScope) return; // CSV, memory: no group scope, every row or record is in

    test('a deleted scope group: its people leave the full listing; a delta round reports them or asks for a full sync', async () => {
      const subject = await descriptor.start();
      try {
        const first = await readFull(subject.provider());
        const gone = subject.deleteScopeGroup();
        expect(gone.length).toBeGreaterThan(0);
        const log = testLog();
        const full = await readFull(subject.provider({}, log));
        expect(full.ids).toEqual(subject.expectedIds());
        for (const id of gone) expect(full.ids).not.toContain(id);
        expect(log.lines.join('\n')).toMatch(/no longer (exists|assigned)/);
        const state = first.state ?? {};
        if (name === 'azure') {
          const error = await failure(readDelta(subject.provider(state), state));
          expect(error).toBeInstanceOf(DeltaExpiredError);
          expect(error.message).toMatch(/in the sync scope was deleted; a full sync is needed/);
        } else {
          const round = await readDelta(subject.provider(state), state);
          expect(round.removed).toEqual(expect.arrayContaining(gone));
        }
      } finally {
        await subject.close();
      }
    });
  }
);

/** A subject whose directory holds nobody. */
const emptySubject = async (name: Subject['name']): Promise<Subject> => {
  switch (name) {
    case 'azure':
      return azureSubject({ users: 0, groups: 0 });
    case 'okta':
      return oktaSubject({ users: 0 });
    case 'csv':
      return csvSubject(0);
    case 'memory':
      return memorySubject(0);
  }
};
