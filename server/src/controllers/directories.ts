import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { UID } from '../constants';
import { describeError, StopSyncError } from '../providers/errors';
import type { DirectoryRow } from '../services/directories';
import { getService } from '../utils/get-service';
import { body, fail, idParam, optionalBoolean } from './validation';

type Ctx = {
  params: Record<string, string>;
  query: Record<string, unknown>;
  request: { body?: unknown };
  state: { user?: { email?: string; roles?: { code?: string }[] } };
  body: unknown;
  status: number;
  throw(status: number, message: string): never;
};

const actorOf = (ctx: Ctx) => ctx.state.user?.email ?? 'admin';
/** The admin saving settings, with the roles the Super Admin guard reads. */
const adminOf = (ctx: Ctx) => ctx.state.user ?? null;

/** The secrets whose state went from set to not set without the body asking (endpoint moved). */
const clearedSecrets = (
  before: Record<string, string>,
  after: Record<string, string>,
  asked: unknown
) =>
  Object.keys(before).filter(
    (name) =>
      before[name] === 'set' &&
      after[name] !== 'set' &&
      (asked as Record<string, unknown> | undefined)?.[name] === undefined
  );

/** The audit's note of an unsafe choice: every new user given one known password. */
const passwordPolicyNote = (options: Record<string, unknown> | undefined) =>
  options?.passwordPolicy === 'shared' ? { passwordPolicy: 'shared', unsafe: true } : {};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const directories = () => getService('directories', { strapi });
  /** A directory whose settings and secrets may be used now, else a 400 saying what to fix. */
  const usable = (row: DirectoryRow) => {
    try {
      directories().validateForRun(row);
    } catch (error) {
      if (error instanceof StopSyncError)
        throw new errors.ValidationError(error.message, { code: error.code });
      throw error;
    }
    return row;
  };
  /** One audit entry for an admin's action on a directory. */
  const record = (
    ctx: Ctx,
    action: string,
    directory: { id: number; name: string },
    details: Record<string, unknown>
  ) =>
    getService('audit', { strapi }).record([
      {
        action,
        directoryId: directory.id,
        runId: null,
        subject: directory.name,
        actor: actorOf(ctx),
        details,
      },
    ]);

  return {
    async find(ctx: Ctx) {
      ctx.body = { data: await directories().list() };
    },

    async findOne(ctx: Ctx) {
      ctx.body = {
        data: await directories().describe(idParam(ctx.params.id)),
      };
    },

    async create(ctx: Ctx) {
      const data = await directories().create(body(ctx.request.body), adminOf(ctx));
      await record(
        ctx,
        'settings.update',
        { id: data.id, name: data.name },
        { created: true, type: data.type, ...passwordPolicyNote(data.options) }
      );
      ctx.status = 201;
      ctx.body = { data };
    },

    async update(ctx: Ctx) {
      const input = body(ctx.request.body);
      const id = idParam(ctx.params.id);
      const before = await directories().describe(id);
      const data = await directories().update(id, input, adminOf(ctx));
      const fields = Object.keys(input).map((key) =>
        key === 'secrets' && input.secrets && typeof input.secrets === 'object'
          ? `secrets(${Object.keys(input.secrets).join(',')})`
          : key
      );
      const cleared = clearedSecrets(before.secrets, data.secrets, input.secrets);
      await record(
        ctx,
        'settings.update',
        { id: data.id, name: data.name },
        {
          fields,
          ...(cleared.length ? { clearedSecrets: cleared } : {}),
          ...(input.options !== undefined ? passwordPolicyNote(data.options) : {}),
        }
      );
      ctx.body = { data, meta: { clearedSecrets: cleared } };
    },

    async delete(ctx: Ctx) {
      const data = await directories().remove(idParam(ctx.params.id));
      await record(
        ctx,
        'settings.update',
        { id: data.id, name: data.name },
        { deleted: true, unlinkedUsers: data.unlinkedUsers }
      );
      ctx.body = { data };
    },

    async testConnection(ctx: Ctx) {
      const row = usable(await directories().findRow(idParam(ctx.params.id)));
      let result;
      try {
        const provider = directories().provider(row, { log: strapi.log });
        try {
          result = await provider.testConnection();
        } finally {
          await provider.close?.();
        }
      } catch (error) {
        const { message } = describeError(error);
        result = { ok: false, message, checks: [{ name: 'settings', ok: false, message }] };
      }
      await record(
        ctx,
        'connection.test',
        { id: row.id, name: row.name },
        { ok: result.ok, message: result.message }
      );
      ctx.body = { data: result };
    },

    async groups(ctx: Ctx) {
      const row = usable(await directories().findRow(idParam(ctx.params.id)));
      const search = typeof ctx.query.search === 'string' ? ctx.query.search : undefined;
      const provider = directories().provider(row, { log: strapi.log });
      const groups = [];
      try {
        for await (const page of provider.listGroups(search)) {
          groups.push(
            ...page.map(({ externalId, name, description }) => ({ externalId, name, description }))
          );
          if (groups.length >= 500) break;
        }
      } catch (error) {
        const { message } = describeError(error);
        ctx.throw(502, `The directory could not list its groups: ${message}`);
      } finally {
        await provider.close?.();
      }
      ctx.body = { data: groups };
    },

    /** What the panel needs to build its forms: directory types and the user attributes to map to. */
    async meta(ctx: Ctx) {
      const registry = getService('providers', { strapi });
      const runner = getService('runner', { strapi });
      ctx.body = {
        data: {
          types: registry.types().map((type) => {
            const { secrets, requiredConnection, defaultMapping, usersByGroup } =
              registry.get(type)!;
            return { type, secrets, requiredConnection, defaultMapping, usersByGroup };
          }),
          userFields: {
            'users-permissions': runner.targetFor('users-permissions', 'local').mappableFields(),
          },
        },
      };
    },

    /** Which directory owns a user (the Content Manager's edit view shows it). */
    async owner(ctx: Ctx) {
      const uid = ctx.query.uid;
      const documentId = ctx.query.documentId;
      if (uid !== 'plugin::users-permissions.user' && uid !== 'admin::user') {
        fail('uid', "must be 'plugin::users-permissions.user' or 'admin::user'");
      }
      if (typeof documentId !== 'string' || !documentId) fail('documentId', 'is required');
      const user = await strapi.db
        .query(uid as string)
        .findOne({ where: { documentId }, select: ['id'] });
      const identity = user
        ? await strapi.db
            .query(UID.identity)
            .findOne({ where: { kind: 'user', targetUid: uid, targetId: user.id } })
        : null;
      if (!identity) {
        ctx.body = { data: null };
        return;
      }
      const directory = await directories().describe(identity.directoryId);
      ctx.body = {
        data: {
          directory: { id: directory.id, name: directory.name, type: directory.type },
          externalId: identity.externalId,
          state: identity.state,
          lastChangedAt: identity.lastSeenAt,
          lastRunAt: directory.lastRunAt,
        },
      };
    },

    async reset(ctx: Ctx) {
      ctx.body = { data: await directories().reset(idParam(ctx.params.id)) };
    },

    async adoptionPreview(ctx: Ctx) {
      const row = usable(await directories().findRow(idParam(ctx.params.id)));
      ctx.body = { data: await getService('adoption', { strapi }).candidates(row.id) };
    },

    async adopt(ctx: Ctx) {
      const input = body(ctx.request.body);
      const users = input.users;
      if (users !== 'all' && !(Array.isArray(users) && users.every((id) => Number.isInteger(id)))) {
        fail('users', "must be a list of user ids or 'all'");
      }
      const dryRun = optionalBoolean(input.dryRun, 'dryRun') ?? false;
      ctx.body = {
        data: await getService('adoption', { strapi }).adopt(
          idParam(ctx.params.id),
          users as number[] | 'all',
          actorOf(ctx),
          { dryRun }
        ),
        meta: { dryRun },
      };
    },
  };
};
