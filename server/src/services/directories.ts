/**
 * Directories: configuration of one source each. Validates every setting on save (a 400 naming the
 * field), keeps secrets encrypted and write-only, and builds the provider for a run.
 */
import { randomUUID } from 'node:crypto';
import cron from 'node-cron';
import { errors } from '@strapi/utils';
import type { Core } from '@strapi/strapi';
import { GROUP_SYNC_MODES, LEAVE_POLICIES, TARGETS, UID } from '../constants';
import type { DirectoryProvider, ProviderContext } from '../providers/types';
import { nextRunAfter } from '../sync/schedule';
import { getConfig, getService } from '../utils/get-service';
import { serializeRun } from '../sync/result';

export type DirectoryRow = {
  id: number;
  name: string;
  type: string;
  enabled: boolean;
  directoryKey: string;
  target: 'users-permissions' | 'admin';
  loginProvider: string;
  schedule: string;
  connection: Record<string, unknown> | null;
  secrets: Record<string, string> | null;
  userGroups: string[] | null;
  groupSync: {
    mode: 'all' | 'regex' | 'none';
    pattern?: string;
    /** The ordered group -> role map: a group (externalId or name) or a name pattern. */
    roles?: { group?: string; pattern?: string; role: string }[];
  } | null;
  mapping: { source: string; target: string }[] | null;
  safety: {
    maxDisablePercent: number;
    licenceLimit: number | null;
    onLeave: 'disable' | 'ignore';
  } | null;
  options: Record<string, unknown> | null;
  state: Record<string, unknown> | null;
  lastRunAt: string | Date | null;
  nextRunAt: string | Date | null;
  lastFullSyncAt: string | Date | null;
};

/** Settings whose change needs a full run (a delta round only reads what changed in the source). */
const RESYNC_FIELDS = [
  'connection',
  'userGroups',
  'groupSync',
  'mapping',
  'target',
  'loginProvider',
  'options',
];

export const DEFAULT_SAFETY = {
  maxDisablePercent: 20,
  licenceLimit: null,
  onLeave: 'disable',
} as const;
export const DEFAULT_GROUP_SYNC = { mode: 'none', roles: [] } as const;

type FieldError = { path: string; message: string };

const fail = (errorsList: FieldError[]): never => {
  throw new errors.ValidationError(errorsList.map((e) => `${e.path}: ${e.message}`).join('; '), {
    errors: errorsList.map((e) => ({
      path: e.path.split('.'),
      message: e.message,
      name: 'ValidationError',
    })),
  });
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const iso = (value: string | Date | null) => (value ? new Date(value).toISOString() : null);

export const createDirectoriesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const registry = () => getService('providers', { strapi });
  const secrets = () => getService('secrets', { strapi });

  /** Checks a full or partial directory body; returns the errors found. */
  const check = (
    body: Record<string, unknown>,
    existing: DirectoryRow | null,
    mappable: string[]
  ) => {
    const problems: FieldError[] = [];
    const add = (path: string, message: string) => problems.push({ path, message });
    const type = (existing?.type ?? body.type) as string;
    const definition = registry().get(type);
    if (!existing) {
      if (typeof body.name !== 'string' || !body.name.trim()) add('name', 'a name is required');
      if (!definition) add('type', `must be one of ${registry().types().join(', ')}`);
    } else if (body.type !== undefined && body.type !== existing.type) {
      add('type', 'the type of a directory cannot change; create another directory');
    }
    if (
      body.name !== undefined &&
      (typeof body.name !== 'string' || !body.name.trim() || body.name.length > 100)
    ) {
      add('name', 'must be a non-empty text of at most 100 characters');
    }
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
      add('enabled', 'must be true or false');
    if (body.target !== undefined && !TARGETS.includes(body.target as never))
      add('target', `must be one of ${TARGETS.join(', ')}`);
    if (
      body.loginProvider !== undefined &&
      (typeof body.loginProvider !== 'string' || !/^[a-z0-9_-]{1,50}$/i.test(body.loginProvider))
    ) {
      add('loginProvider', "must be a provider name such as 'local' or 'microsoft'");
    }
    if (
      body.schedule !== undefined &&
      (typeof body.schedule !== 'string' || !cron.validate(body.schedule))
    ) {
      add(
        'schedule',
        `'${String(body.schedule)}' is not a valid cron expression (e.g. '0 * * * *' for every hour)`
      );
    }
    if (body.connection !== undefined || !existing) {
      const connection = body.connection ?? {};
      if (!isObject(connection)) add('connection', 'must be an object');
      else if (definition) {
        for (const field of definition.requiredConnection) {
          const value = connection[field] ?? existing?.connection?.[field];
          if (value === undefined || value === null || value === '')
            add(`connection.${field}`, 'is required');
        }
      }
    }
    if (body.secrets !== undefined) {
      if (!isObject(body.secrets)) add('secrets', 'must be an object of name: value');
      else {
        for (const [name, value] of Object.entries(body.secrets)) {
          if (definition && !definition.secrets.includes(name))
            add(`secrets.${name}`, `unknown secret; expected ${definition.secrets.join(', ')}`);
          else if (value !== null && typeof value !== 'string')
            add(`secrets.${name}`, 'must be a text or null');
        }
      }
    }
    if (
      body.userGroups !== undefined &&
      (!Array.isArray(body.userGroups) || body.userGroups.some((g) => typeof g !== 'string'))
    ) {
      add('userGroups', 'must be a list of group ids');
    }
    if (body.groupSync !== undefined) {
      const groupSync = body.groupSync;
      if (!isObject(groupSync) || !GROUP_SYNC_MODES.includes(groupSync.mode as never)) {
        add('groupSync.mode', `must be one of ${GROUP_SYNC_MODES.join(', ')}`);
      } else {
        if (groupSync.mode === 'regex') {
          try {
            new RegExp(String(groupSync.pattern ?? ''));
            if (!groupSync.pattern) add('groupSync.pattern', 'a pattern is required in regex mode');
          } catch (error) {
            add('groupSync.pattern', `not a valid regular expression: ${(error as Error).message}`);
          }
        }
        const roles = groupSync.roles ?? [];
        if (
          !Array.isArray(roles) ||
          roles.some(
            (row) =>
              !isObject(row) ||
              typeof row.role !== 'string' ||
              (typeof row.group !== 'string') === (typeof row.pattern !== 'string')
          )
        ) {
          add('groupSync.roles', 'must be a list of { group, role } or { pattern, role } rules');
        }
      }
    }
    if (body.mapping !== undefined) {
      if (!Array.isArray(body.mapping)) add('mapping', 'must be a list of { source, target }');
      else {
        body.mapping.forEach((row, i) => {
          if (
            !isObject(row) ||
            typeof row.source !== 'string' ||
            !row.source ||
            typeof row.target !== 'string'
          ) {
            add(`mapping.${i}`, 'must be { source, target }');
          } else if (!mappable.includes(row.target)) {
            add(
              `mapping.${i}.target`,
              `'${row.target}' is not an attribute of the user; choose one of ${mappable.join(', ')}`
            );
          }
        });
      }
    }
    if (body.safety !== undefined) {
      const safety = body.safety;
      if (!isObject(safety)) add('safety', 'must be an object');
      else {
        const percent = safety.maxDisablePercent;
        if (
          percent !== undefined &&
          (typeof percent !== 'number' || percent < 0 || percent > 100)
        ) {
          add('safety.maxDisablePercent', 'must be a number from 0 to 100');
        }
        const limit = safety.licenceLimit;
        if (
          limit !== undefined &&
          limit !== null &&
          (!Number.isInteger(limit) || (limit as number) < 0)
        ) {
          add('safety.licenceLimit', 'must be a whole number of users, or null for no limit');
        }
        if (safety.onLeave !== undefined && !LEAVE_POLICIES.includes(safety.onLeave as never)) {
          add('safety.onLeave', `must be one of ${LEAVE_POLICIES.join(', ')}`);
        }
      }
    }
    if (body.options !== undefined && !isObject(body.options)) add('options', 'must be an object');
    return problems;
  };

  const mappableFields = (target: string) =>
    getService('runner', { strapi }).targetFor(target, 'local').mappableFields();

  const serialize = (row: DirectoryRow, lastRun: Record<string, unknown> | null = null) => {
    const definition = registry().get(row.type);
    return {
      id: row.id,
      name: row.name,
      type: row.type,
      enabled: row.enabled,
      directoryKey: row.directoryKey,
      target: row.target,
      loginProvider: row.loginProvider,
      schedule: row.schedule,
      connection: row.connection ?? {},
      secrets: secrets().describe(row.secrets, definition?.secrets ?? []),
      userGroups: row.userGroups ?? [],
      groupSync: row.groupSync ?? DEFAULT_GROUP_SYNC,
      mapping: row.mapping ?? definition?.defaultMapping ?? [],
      safety: { ...DEFAULT_SAFETY, ...(row.safety ?? {}) },
      options: row.options ?? {},
      lastRunAt: iso(row.lastRunAt),
      nextRunAt: iso(row.nextRunAt),
      lastRun: lastRun ? serializeRun(lastRun) : null,
    };
  };

  /** The latest run of a directory (dry runs included), for the list and the directory page. */
  const latestRun = async (directoryId: number) =>
    (await strapi.db
      .query(UID.syncRun)
      .findOne({ where: { directoryId }, orderBy: { id: 'desc' } })) as Record<
      string,
      unknown
    > | null;

  const findRow = async (id: number): Promise<DirectoryRow> => {
    const row = (await strapi.db
      .query(UID.directory)
      .findOne({ where: { id } })) as DirectoryRow | null;
    if (!row) throw new errors.NotFoundError(`Directory ${id} does not exist`);
    return row;
  };

  const pick = (body: Record<string, unknown>) => {
    const data: Record<string, unknown> = {};
    for (const key of [
      'name',
      'enabled',
      'target',
      'loginProvider',
      'schedule',
      'userGroups',
      'groupSync',
      'mapping',
      'options',
    ]) {
      if (body[key] !== undefined) data[key] = body[key];
    }
    return data;
  };

  return {
    serialize,
    findRow,

    async list() {
      const rows = (await strapi.db
        .query(UID.directory)
        .findMany({ orderBy: { id: 'asc' } })) as DirectoryRow[];
      return Promise.all(rows.map(async (row) => serialize(row, await latestRun(row.id))));
    },

    /** One directory as the API shows it, with its latest run. */
    async describe(id: number) {
      const row = await findRow(id);
      return serialize(row, await latestRun(id));
    },

    async create(body: Record<string, unknown>) {
      const target = (body.target as string) ?? 'users-permissions';
      const problems = check(
        body,
        null,
        TARGETS.includes(target as never) ? mappableFields(target) : []
      );
      if (problems.length) fail(problems);
      const definition = registry().get(body.type as string)!;
      const schedule = (body.schedule as string) ?? '0 * * * *';
      const row = await strapi.db.query(UID.directory).create({
        data: {
          type: body.type,
          target,
          loginProvider: 'local',
          schedule,
          userGroups: [],
          groupSync: DEFAULT_GROUP_SYNC,
          mapping: definition.defaultMapping,
          options: {},
          enabled: false,
          ...pick(body),
          connection: body.connection ?? {},
          safety: { ...DEFAULT_SAFETY, ...((body.safety as object) ?? {}) },
          secrets: secrets().merge(null, body.secrets as Record<string, string | null>),
          directoryKey: randomUUID(),
          nextRunAt: nextRunAfter(schedule, new Date()),
        },
      });
      return serialize(row as DirectoryRow);
    },

    async update(id: number, body: Record<string, unknown>) {
      const existing = await findRow(id);
      const target = (body.target as string) ?? existing.target;
      const problems = check(
        body,
        existing,
        TARGETS.includes(target as never) ? mappableFields(target) : []
      );
      if (problems.length) fail(problems);
      const data: Record<string, unknown> = pick(body);
      if (body.connection !== undefined)
        data.connection = { ...(existing.connection ?? {}), ...(body.connection as object) };
      if (body.safety !== undefined)
        data.safety = { ...DEFAULT_SAFETY, ...(existing.safety ?? {}), ...(body.safety as object) };
      if (body.secrets !== undefined)
        data.secrets = secrets().merge(
          existing.secrets,
          body.secrets as Record<string, string | null>
        );
      // What is synced changed: forget the delta state so the next run reads (and re-plans) everyone.
      if (RESYNC_FIELDS.some((field) => body[field] !== undefined)) data.state = {};
      if (body.schedule !== undefined)
        data.nextRunAt = nextRunAfter(body.schedule as string, new Date());
      const row = await strapi.db.query(UID.directory).update({ where: { id }, data });
      return serialize(row as DirectoryRow);
    },

    /** Deletes the configuration and its links; the users it owned stay, unlinked. */
    async remove(id: number) {
      const row = await findRow(id);
      const owned = await strapi.db
        .query(UID.identity)
        .count({ where: { directoryId: id, kind: 'user' } });
      await strapi.db.transaction(async () => {
        await strapi.db.query(UID.identity).deleteMany({ where: { directoryId: id } });
        await strapi.db.query(UID.group).deleteMany({ where: { directoryId: id } });
        await strapi.db.query(UID.directory).delete({ where: { id } });
      });
      return { ...serialize(row), unlinkedUsers: owned };
    },

    /** Makes the directory due on the next scheduler tick. */
    async reset(id: number) {
      await findRow(id);
      const row = await strapi.db.query(UID.directory).update({
        where: { id },
        data: { lastRunAt: null, nextRunAt: new Date(), resetRequested: true },
      });
      return serialize(row as DirectoryRow);
    },

    /** The provider for a directory, with secrets decrypted (server side only). */
    provider(row: DirectoryRow, context: ProviderContext): DirectoryProvider {
      const definition = registry().get(row.type);
      if (!definition)
        throw new errors.ApplicationError(
          `No provider is registered for directory type '${row.type}'`
        );
      const factory = definition.factory as unknown as (
        settings: unknown,
        ctx: ProviderContext
      ) => DirectoryProvider;
      return factory(
        {
          connection: row.connection ?? {},
          secrets: secrets().open(row.secrets),
          userGroups: row.userGroups ?? [],
          state: row.state ?? {},
          options: {
            ...(row.options ?? {}),
            allowHttp: getConfig(strapi).allowHttp,
            maxBytes: getConfig(strapi).csvMaxBytes,
            openMediaFile: (fileId: number) => getService('media', { strapi }).open(fileId),
          },
        },
        context
      );
    },
  };
};

export type DirectoriesService = ReturnType<typeof createDirectoriesService>;
