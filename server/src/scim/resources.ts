/**
 * The /Users and /Groups operations of one directory. Each change locks the resource row (or
 * inserts it, locked), pushes the person or group through the runner, and only then stores the new
 * resource and releases the lock: two requests for one person never interleave, on any instance.
 */
import { randomUUID } from 'node:crypto';
import type { ResourceKind } from './constants';
import { ScimError, badRequest, notFound } from './errors';
import { parseFilter } from './filter';
import { normaliseGroup, toDirectoryGroup, type ScimGroupResource } from './groups';
import { listResponse, project, readPage } from './list';
import { applyPatch } from './patch';
import type { createHeld } from './held';
import { heldError, pushUser, type Push } from './push';
import type { ResourceColumns, ResourceRow, ResourceStore } from './store';
import {
  managerId,
  normaliseUser,
  toDirectoryUser,
  workEmail,
  type ScimUserResource,
} from './users';

export type RequestInfo = { method: string; path: string; query: Record<string, unknown> };

const iso = (value: string | Date) => new Date(value).toISOString();

const userColumns = (resource: ScimUserResource): ResourceColumns => ({
  userName: resource.userName.toLowerCase(),
  displayName: null,
  externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
  email: workEmail(resource)?.toLowerCase() ?? null,
  active: resource.active,
  resource,
});

const groupColumns = (resource: ScimGroupResource): ResourceColumns => ({
  userName: null,
  displayName: resource.displayName.toLowerCase(),
  externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
  email: null,
  active: true,
  resource,
});

export const createResources = (
  store: ResourceStore,
  push: Push,
  held: ReturnType<typeof createHeld>,
  baseUrl: string
) => {
  const location = (kind: ResourceKind, scimId: string) => `${baseUrl}/${kind}s/${scimId}`;

  /** The resource as the client sees it: its stored attributes, id and meta. */
  const present = (row: ResourceRow) => {
    const { schemas, ...attributes } = row.resource;
    return {
      schemas,
      id: row.scimId,
      ...attributes,
      meta: {
        resourceType: row.kind,
        created: iso(row.createdAt),
        lastModified: iso(row.updatedAt),
        location: location(row.kind, row.scimId),
      },
    };
  };

  /** The manager's identity key, when the manager is a live user of this directory. */
  const managerKey = async (resource: ScimUserResource) => {
    const id = managerId(resource);
    if (!id) return null;
    return (await store.usersById([id])).get(id)?.identityKey ?? null;
  };

  const pushUserResource = async (row: ResourceRow, resource: ScimUserResource, origin: string) => {
    const user = toDirectoryUser(resource, row.identityKey, await managerKey(resource), origin);
    return pushUser(push, { users: [user], removed: [], groups: [] }, row.identityKey, origin);
  };

  /** Members as identity keys; an id that is not a live user of this directory is a 400. */
  const memberKeys = async (resource: ScimGroupResource) => {
    const ids = resource.members.map((member) => member.value);
    const users = await store.usersById(ids);
    const unknown = ids.filter((id) => !users.has(id));
    if (unknown.length)
      throw badRequest(
        `Unknown member${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).join(', ')}: each member must be the id of a user provisioned in this directory.`
      );
    return ids.map((id) => users.get(id)!.identityKey);
  };

  /**
   * Pushes the group with its full member list, and the users it lost as full records: their role
   * comes from the groups they are still in, so they are planned again.
   */
  const pushGroupResource = async (
    row: ResourceRow,
    resource: ScimGroupResource,
    origin: string
  ) => {
    const group = toDirectoryGroup(resource, row.identityKey, await memberKeys(resource));
    const now = new Set(resource.members.map((member) => member.value));
    const before = ((row.resource.members as { value: string }[] | undefined) ?? []).map(
      (member) => member.value
    );
    const left = [
      ...(
        await store.usersById(
          before.filter((id) => !now.has(id)),
          true
        )
      ).values(),
    ];
    const managers = await store.usersById(
      left.map((user) => managerId(user.resource)).filter((id): id is string => !!id)
    );
    const users = left.map((user) => {
      const manager = managerId(user.resource);
      return toDirectoryUser(
        user.resource as ScimUserResource,
        user.identityKey,
        (manager && managers.get(manager)?.identityKey) || null,
        origin
      );
    });
    await push({ users, removed: [], groups: [group] }, origin);
  };

  /** A retried deactivation that already waits for an admin is answered without a new push. */
  const refuseIfHeld = async (row: ResourceRow, deactivates: boolean) => {
    if (row.kind === 'User' && row.active && deactivates && (await held.has(row.identityKey)))
      throw heldError(`The deactivation of '${row.userName}' is waiting for an administrator.`);
  };

  /** Runs `change` on a locked row; the lock is released whatever happens. */
  const withLock = async <T>(
    kind: ResourceKind,
    scimId: string,
    change: (row: ResourceRow) => Promise<T>
  ) => {
    const found = await store.find(kind, scimId);
    if (!found) throw notFound(`${kind} ${scimId} not found.`);
    const row = await store.lock(found.id);
    try {
      if (row.deleted) throw notFound(`${kind} ${scimId} not found.`);
      return await change(row);
    } catch (error) {
      await store.unlock(row);
      throw error;
    }
  };

  const origin = (request: RequestInfo) => `${request.method} ${request.path}`;

  const normalise = (kind: ResourceKind, body: unknown) =>
    kind === 'User' ? normaliseUser(body) : normaliseGroup(body);

  const columns = (kind: ResourceKind, resource: Record<string, unknown>) =>
    kind === 'User'
      ? userColumns(resource as ScimUserResource)
      : groupColumns(resource as ScimGroupResource);

  const pushResource = (
    kind: ResourceKind,
    row: ResourceRow,
    resource: Record<string, unknown>,
    from: string
  ) =>
    kind === 'User'
      ? pushUserResource(row, resource as ScimUserResource, from)
      : pushGroupResource(row, resource as ScimGroupResource, from);

  /** POST /Users: a returning person (same userName or externalId as a deleted one) is revived. */
  const createUser = async (body: unknown, request: RequestInfo) => {
    const resource = normaliseUser(body);
    const cols = userColumns(resource);
    const same = await store.samePerson(cols.userName!, cols.externalId);
    const live = same.find((row) => !row.deleted);
    if (live)
      throw new ScimError(
        409,
        live.userName === cols.userName
          ? `A user with userName '${resource.userName}' already exists.`
          : `A user with externalId '${cols.externalId}' already exists.`,
        'uniqueness'
      );
    const returning = same.find((row) => row.userName === cols.userName) ?? same[0];
    if (returning) {
      const row = await store.lock(returning.id);
      try {
        if (!row.deleted)
          throw new ScimError(
            409,
            `A user with userName '${resource.userName}' already exists.`,
            'uniqueness'
          );
        await pushUserResource(row, resource, origin(request));
        // A new SCIM id: the deleted one stays gone for the client; the identity key stays.
        return await store.save(row, { ...cols, deleted: false, scimId: randomUUID() });
      } catch (error) {
        await store.unlock(row);
        throw error;
      }
    }
    const row = await store.insert('User', cols);
    try {
      await pushUserResource(row, resource, origin(request));
    } catch (error) {
      await store.discard(row);
      throw error;
    }
    return store.save(row, { ...cols, deleted: false });
  };

  const createGroup = async (body: unknown, request: RequestInfo) => {
    const resource = normaliseGroup(body);
    const cols = groupColumns(resource);
    const row = await store.insert('Group', cols);
    try {
      await pushGroupResource(row, resource, origin(request));
    } catch (error) {
      await store.discard(row);
      throw error;
    }
    return store.save(row, { ...cols, deleted: false });
  };

  return {
    present,

    async list(kind: ResourceKind, request: RequestInfo) {
      const lookup = parseFilter(
        typeof request.query.filter === 'string' ? request.query.filter : undefined,
        kind
      );
      const page = readPage(request.query);
      const { rows, total } = await store.list(kind, lookup, page.startIndex, page.count);
      return listResponse(
        rows.map((row) => project(present(row), request.query)),
        total,
        page
      );
    },

    async get(kind: ResourceKind, scimId: string, request: RequestInfo) {
      const row = await store.find(kind, scimId);
      if (!row) throw notFound(`${kind} ${scimId} not found.`);
      return project(present(row), request.query);
    },

    async create(kind: ResourceKind, body: unknown, request: RequestInfo) {
      const row =
        kind === 'User' ? await createUser(body, request) : await createGroup(body, request);
      return present(row);
    },

    /** PUT: the body replaces the stored resource. */
    async replace(kind: ResourceKind, scimId: string, body: unknown, request: RequestInfo) {
      const resource = normalise(kind, body);
      return present(
        await withLock(kind, scimId, async (row) => {
          await refuseIfHeld(row, resource.active === false);
          await pushResource(kind, row, resource, origin(request));
          return store.save(row, columns(kind, resource));
        })
      );
    },

    /** PATCH: the operations apply to the stored resource, read under the lock. */
    async patch(kind: ResourceKind, scimId: string, body: unknown, request: RequestInfo) {
      return present(
        await withLock(kind, scimId, async (row) => {
          const resource = normalise(kind, applyPatch(row.resource, body, row.scimId));
          await refuseIfHeld(row, resource.active === false);
          await pushResource(kind, row, resource, origin(request));
          return store.save(row, columns(kind, resource));
        })
      );
    },

    /**
     * DELETE: the user is disabled in Strapi (never deleted) and the resource is gone for the
     * client; a group is emptied (its members lose the role it gives) and gone.
     */
    async remove(kind: ResourceKind, scimId: string, request: RequestInfo) {
      await withLock(kind, scimId, async (row) => {
        await refuseIfHeld(row, true);
        if (kind === 'User') {
          await pushUser(
            push,
            {
              users: [],
              removed: [{ externalId: row.identityKey, reason: 'deleted' }],
              groups: [],
            },
            row.identityKey,
            origin(request)
          );
        } else {
          await pushGroupResource(
            row,
            { ...(row.resource as ScimGroupResource), members: [] },
            origin(request)
          );
        }
        return store.save(row, { deleted: true, active: false });
      });
    },
  };
};

export type Resources = ReturnType<typeof createResources>;
