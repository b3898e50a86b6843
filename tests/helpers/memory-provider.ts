/**
 * A test-only directory type, 'memory': its users and groups live in this module, so a test can
 * change the "directory" between runs and inject a failure half way through an enumeration.
 */
import type { Core } from '@strapi/strapi';
import { TransientSyncError } from '../../server/src/providers/errors';
import type {
  DirectoryGroup,
  DirectoryProvider,
  DirectoryUser,
} from '../../server/src/providers/types';

export type MemoryDirectory = {
  users: DirectoryUser[];
  groups: DirectoryGroup[];
  pageSize: number;
  /** Throw after this many pages of users (a network failure half way). */
  failAfterPages: number | null;
  /** Wait this long before each page (to observe progress and cancel). */
  pageDelayMs: number;
};

const stores = new Map<string, MemoryDirectory>();

export const memoryDirectory = (name: string): MemoryDirectory => {
  let store = stores.get(name);
  if (!store) {
    store = { users: [], groups: [], pageSize: 50, failAfterPages: null, pageDelayMs: 0 };
    stores.set(name, store);
  }
  return store;
};

export const person = (n: number, overrides: Partial<DirectoryUser> = {}): DirectoryUser => ({
  externalId: `ext-${n}`,
  username: `user${n}`,
  email: `user${n}@example.com`,
  firstName: `First${n}`,
  lastName: `Last${n}`,
  displayName: `First${n} Last${n}`,
  active: true,
  managerExternalId: n > 1 ? 'ext-1' : null,
  groupExternalIds: [],
  attributes: { jobTitle: `Job ${n}`, department: n % 2 ? 'Sales' : 'Engineering' },
  origin: `record ${n}`,
  ...overrides,
});

const pages = <T>(items: T[], size: number) => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const createMemoryProvider = (settings: {
  connection: { store?: string };
  secrets: Record<string, string | null>;
}): DirectoryProvider => {
  const store = memoryDirectory(settings.connection.store ?? 'default');
  return {
    async testConnection() {
      const ok = settings.secrets.token === 'right';
      return {
        ok,
        message: ok ? 'Connected' : 'The token is wrong',
        checks: [{ name: 'token', ok, message: ok ? 'accepted' : 'the token is wrong' }],
      };
    },
    async *listGroups(search) {
      yield store.groups
        .filter((group) => !search || group.name.includes(search))
        .map((group) => ({ ...group, members: [] }));
    },
    async *listSyncGroups() {
      yield store.groups;
    },
    async *listUsers() {
      let index = 0;
      for (const page of pages(store.users, store.pageSize)) {
        if (store.failAfterPages !== null && index >= store.failAfterPages) {
          throw new TransientSyncError(
            'memory-unavailable',
            `the memory directory went away half way (at page ${index + 1})`
          );
        }
        if (store.pageDelayMs) await sleep(store.pageDelayMs);
        index += 1;
        yield page;
      }
    },
    async countUsers() {
      return store.users.length;
    },
  };
};

export const registerMemoryProvider = (strapi: Core.Strapi) => {
  strapi
    .plugin('user-directory-sync')
    .service('providers')
    .register('memory', {
      factory: createMemoryProvider,
      secrets: ['token', 'defaultPassword'],
      requiredConnection: ['store'],
      defaultMapping: [
        { source: 'jobTitle', target: 'jobTitle' },
        { source: 'department', target: 'department' },
      ],
      usersByGroup: false,
    });
};
