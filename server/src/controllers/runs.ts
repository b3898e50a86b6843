import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ACTIONS, UID } from '../constants';
import { RunInProgressError } from '../services/runner';
import { serializeRun } from '../sync/result';
import { getService } from '../utils/get-service';
import { body, idParam, optionalBoolean, optionalId, pageParams } from './validation';

type Ctx = {
  params: Record<string, string>;
  query: Record<string, unknown>;
  request: { body?: unknown };
  state: { user?: { email?: string }; userAbility?: { can(action: string): boolean } };
  body: unknown;
  status: number;
  throw(status: number, message: string): never;
};

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const runs = () => strapi.db.query(UID.syncRun);
  const findRun = async (id: number) => {
    const run = (await runs().findOne({ where: { id } })) as Record<string, unknown> | null;
    if (!run) throw new errors.NotFoundError(`Run ${id} does not exist`);
    return run;
  };

  return {
    async start(ctx: Ctx) {
      const input = ctx.request.body === undefined ? {} : body(ctx.request.body);
      const dryRun = optionalBoolean(input.dryRun, 'dryRun') ?? false;
      const confirm = optionalBoolean(input.confirm, 'confirm') ?? false;
      const full = optionalBoolean(input.full, 'full') ?? false;
      try {
        const run = await getService('runner', { strapi }).start(idParam(ctx.params.id), {
          trigger: 'manual',
          dryRun,
          confirm,
          forceFull: full,
          actor: ctx.state.user?.email ?? 'admin',
        });
        ctx.status = 202;
        ctx.body = { data: run };
      } catch (error) {
        if (!(error instanceof RunInProgressError)) throw error;
        ctx.status = 409;
        ctx.body = {
          data: null,
          error: { status: 409, name: 'ConflictError', message: error.message, details: {} },
        };
      }
    },

    async find(ctx: Ctx) {
      const directory = optionalId(ctx.query.directory, 'directory');
      const { page, pageSize } = pageParams(ctx.query);
      const where = directory ? { directoryId: directory } : {};
      const [rows, total] = await Promise.all([
        runs().findMany({
          where,
          orderBy: { id: 'desc' },
          offset: (page - 1) * pageSize,
          limit: pageSize,
        }),
        runs().count({ where }),
      ]);
      ctx.body = { data: rows.map(serializeRun), meta: { pagination: { page, pageSize, total } } };
    },

    async findOne(ctx: Ctx) {
      ctx.body = { data: serializeRun(await findRun(idParam(ctx.params.id))) };
    },

    /**
     * The planned (dry run, held run) or applied changes of a run, per user. Applied changes are
     * audit entries, so reading them needs the audit action besides the read action of the route.
     */
    async plan(ctx: Ctx) {
      const run = await findRun(idParam(ctx.params.id));
      const { page, pageSize } = pageParams(ctx.query, 500);
      const planned = await strapi.db.query(UID.planEntry).count({ where: { runId: run.id } });
      const uid = planned || run.dryRun ? UID.planEntry : UID.auditEntry;
      if (uid === UID.auditEntry && !ctx.state.userAbility?.can(ACTIONS.audit)) {
        // A PolicyError, not a ForbiddenError: Strapi replaces the latter's message with "Forbidden".
        throw new errors.PolicyError(
          'The changes of an applied run are audit entries: reading them needs the "Read the audit log" permission.'
        );
      }
      const where =
        uid === UID.planEntry
          ? { runId: run.id }
          : { runId: run.id, action: { $notIn: ['run.start', 'run.finish', 'run.fail'] } };
      const [rows, total] = await Promise.all([
        strapi.db.query(uid).findMany({
          where,
          orderBy: { id: 'asc' },
          offset: (page - 1) * pageSize,
          limit: pageSize,
        }),
        strapi.db.query(uid).count({ where }),
      ]);
      ctx.body = {
        data: rows.map((row: Record<string, unknown>) => ({
          action: row.action,
          subject: row.subject,
          externalId:
            row.externalId ?? (row.details as Record<string, unknown> | null)?.externalId ?? null,
          details: row.details ?? {},
        })),
        meta: { pagination: { page, pageSize, total }, applied: uid === UID.auditEntry },
      };
    },

    async cancel(ctx: Ctx) {
      const id = idParam(ctx.params.id);
      await findRun(id);
      ctx.status = 202;
      ctx.body = { data: await getService('runner', { strapi }).cancel(id) };
    },
  };
};
