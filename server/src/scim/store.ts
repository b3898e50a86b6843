/**
 * The SCIM resource rows of a directory: the plugin's own record of each User and Group a client
 * provisioned (SCIM id, lower-cased userName, externalId, active, deleted, the last resource JSON),
 * with the indexed look-ups a request needs and a per-resource lock held in the database, so that
 * two Strapi instances never work on the same person at once.
 */
import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { SCIM_UID, type ResourceKind } from './constants';
import { ScimError } from './errors';
import type { Lookup } from './filter';

export type ResourceRow = {
  id: number;
  directoryId: number;
  kind: ResourceKind;
  scimId: string;
  identityKey: string;
  userName: string | null;
  displayName: string | null;
  externalId: string | null;
  email: string | null;
  active: boolean;
  deleted: boolean;
  resource: Record<string, unknown>;
  version: number;
  createdAt: string | Date;
  updatedAt: string | Date;
};

/** The indexed columns a resource fills. */
export type ResourceColumns = Pick<
  ResourceRow,
  'userName' | 'displayName' | 'externalId' | 'email' | 'active' | 'resource'
>;

const COLUMN: Record<string, string> = {
  id: 'scimId',
  externalId: 'externalId',
  userName: 'userName',
  email: 'email',
  displayName: 'displayName',
};

/** How long a lock may be held before another instance may take it (a crashed holder). */
const LOCK_MS = 30_000;
/** How long a request waits for a lock held by another request before it answers 409. */
const WAIT_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A unique index refused the row (SQLite, PostgreSQL). */
export const isUniqueViolation = (error: unknown) => {
  const text = `${(error as { code?: string })?.code ?? ''} ${(error as Error)?.message ?? ''}`;
  return /23505|SQLITE_CONSTRAINT|UNIQUE constraint|duplicate key/i.test(text);
};

export const createResourceStore = (strapi: Core.Strapi, directoryId: number, owner: string) => {
  const rows = () => strapi.db.query(SCIM_UID.resource);

  const where = (kind: ResourceKind, lookup: Lookup) => {
    const conditions: Record<string, unknown>[] = lookup.conditions.map((condition) => ({
      [COLUMN[condition.field]]: condition.value,
    }));
    return { $and: [{ directoryId, kind, deleted: false }, ...conditions] };
  };

  const store = {
    /** One page of the live resources that match, and how many match in all. */
    async list(kind: ResourceKind, lookup: Lookup, startIndex: number, count: number) {
      const filter = where(kind, lookup);
      if (lookup.member !== undefined) {
        // Membership is inside the group's JSON: narrow by the indexed conditions first.
        const all = (await rows().findMany({
          where: filter,
          orderBy: { id: 'asc' },
        })) as ResourceRow[];
        const member = lookup.member;
        const matching = all.filter((row) =>
          ((row.resource.members as { value: string }[] | undefined) ?? []).some(
            (m) => m.value === member
          )
        );
        return {
          rows: matching.slice(startIndex - 1, startIndex - 1 + count),
          total: matching.length,
        };
      }
      const [total, page] = await Promise.all([
        rows().count({ where: filter }),
        count === 0
          ? Promise.resolve([])
          : rows().findMany({
              where: filter,
              orderBy: { id: 'asc' },
              offset: startIndex - 1,
              limit: count,
            }),
      ]);
      return { rows: page as ResourceRow[], total: Number(total) };
    },

    /** The live resource with this SCIM id, or null. */
    async find(kind: ResourceKind, scimId: string) {
      return (await rows().findOne({
        where: { directoryId, kind, scimId, deleted: false },
      })) as ResourceRow | null;
    },

    /**
     * Rows (live or deleted) of the same person: same lower-cased userName or same externalId.
     * Two look-ups, each on its own index (an OR across two columns may not use either).
     */
    async samePerson(userName: string, externalId: string | null) {
      const byName = (await rows().findMany({
        where: { directoryId, kind: 'User', userName },
      })) as ResourceRow[];
      if (!externalId) return byName;
      const byExternal = (await rows().findMany({
        where: { directoryId, kind: 'User', externalId },
      })) as ResourceRow[];
      return [
        ...byName,
        ...byExternal.filter((row) => !byName.some((other) => other.id === row.id)),
      ];
    },

    /** The live users with these SCIM ids, as a map id -> row. */
    async usersById(scimIds: string[], withResource = false) {
      if (!scimIds.length) return new Map<string, ResourceRow>();
      const found = (await rows().findMany({
        where: { directoryId, kind: 'User', deleted: false, scimId: { $in: scimIds } },
        select: ['scimId', 'identityKey', 'userName', ...(withResource ? ['resource'] : [])],
      })) as ResourceRow[];
      return new Map(found.map((row) => [row.scimId, row]));
    },

    /**
     * Inserts a new resource, locked by this request and marked deleted until its push succeeded.
     * Throws ScimError 409 uniqueness when another request holds the same userName.
     */
    async insert(kind: ResourceKind, columns: ResourceColumns) {
      const scimId = randomUUID();
      try {
        return (await rows().create({
          data: {
            directoryId,
            kind,
            scimId,
            identityKey: scimId,
            ...columns,
            deleted: true,
            version: 1,
            lockedBy: owner,
            lockedUntil: new Date(Date.now() + LOCK_MS),
          },
        })) as ResourceRow;
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ScimError(
            409,
            `A user with userName '${columns.userName}' already exists.`,
            'uniqueness'
          );
        throw error;
      }
    },

    /**
     * Takes the lock of a row (a conditional UPDATE: only one instance wins it), waiting while
     * another request holds it; returns the row as it stands once locked.
     */
    async lock(rowId: number): Promise<ResourceRow> {
      const deadline = Date.now() + WAIT_MS;
      for (let attempt = 0; ; attempt += 1) {
        const now = new Date();
        const { count } = await rows().updateMany({
          where: { id: rowId, $or: [{ lockedUntil: null }, { lockedUntil: { $lt: now } }] },
          data: { lockedBy: owner, lockedUntil: new Date(now.getTime() + LOCK_MS) },
        });
        if (count === 1) {
          const row = (await rows().findOne({ where: { id: rowId } })) as ResourceRow | null;
          if (!row) throw new ScimError(404, 'The resource was deleted meanwhile.');
          return row;
        }
        if (Date.now() > deadline)
          throw new ScimError(409, 'Another request is changing this resource; retry.', undefined, {
            'Retry-After': '5',
          });
        await sleep(Math.min(200, 10 * 2 ** Math.min(attempt, 4)) + Math.random() * 10);
      }
    },

    /** Writes the row's new state and releases its lock. */
    async save(row: ResourceRow, data: Partial<ResourceRow>) {
      try {
        const changed = {
          ...data,
          version: row.version + 1,
          lockedBy: null,
          lockedUntil: null,
          updatedAt: new Date(),
        };
        await rows().updateMany({ where: { id: row.id }, data: changed });
        return { ...row, ...changed } as ResourceRow;
      } catch (error) {
        if (isUniqueViolation(error)) {
          await store.unlock(row);
          throw new ScimError(
            409,
            `A user with userName '${data.userName}' already exists.`,
            'uniqueness'
          );
        }
        throw error;
      }
    },

    async unlock(row: ResourceRow) {
      await rows().updateMany({
        where: { id: row.id, lockedBy: owner },
        data: { lockedBy: null, lockedUntil: null },
      });
    },

    /** Removes a row that never became a resource (its first push was refused). */
    async discard(row: ResourceRow) {
      await rows().delete({ where: { id: row.id } });
    },
  };
  return store;
};

export type ResourceStore = ReturnType<typeof createResourceStore>;
