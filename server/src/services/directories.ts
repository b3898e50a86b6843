/**
 * Directories: configuration of one source each. Validates every setting on save (a 400 naming the
 * field), keeps secrets encrypted and write-only, and builds the provider for a run.
 */
import { randomUUID } from 'node:crypto';
import { errors } from '@strapi/utils';
import type { Core } from '@strapi/strapi';
import type { Directories } from '../../../shared/contracts';
import { ADMIN_ROLE_UID, PROFILE_ATTRIBUTES, TARGETS, UID } from '../constants';
import { validateSchema } from '../controllers/validation';
import {
  bodySchema,
  namesSuperAdmin,
  settingsSchema,
  type SettingsContext,
} from '../controllers/validation/directory';
import { StopSyncError } from '../providers/errors';
import type { ProviderDefinition } from '../providers/registry';
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

/** Who saves a directory: the admin's roles decide whether Super Admin may be granted. */
export type Actor = { roles?: { code?: string }[] } | null | undefined;

const SUPER_ADMIN_CODE = 'strapi-super-admin';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A 400 naming one field. */
const refuse = (path: string[], message: string): never => {
  throw new errors.ValidationError(`${path.join('.')}: ${message}`, {
    errors: [{ path, message, name: 'ValidationError' }],
  });
};

const iso = (value: string | Date | null) => (value ? new Date(value).toISOString() : null);

export const createDirectoriesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const registry = () => getService('providers', { strapi });
  const secrets = () => getService('secrets', { strapi });

  /**
   * The attributes a mapping row may write: the target's fields; for admin users, also the
   * profile attributes they lack (kept on the identity link, where the org chart reads them).
   */
  const mappableFields = (target: string) => {
    const fields = getService('runner', { strapi }).targetFor(target, 'local').mappableFields();
    return target === 'admin' ? [...new Set([...fields, ...PROFILE_ATTRIBUTES])] : fields;
  };

  /** The contract's `Directories.Directory` (shared/contracts): secrets only as set / not set. */
  const serialize = (
    row: DirectoryRow,
    lastRun: Record<string, unknown> | null = null
  ): Directories.Directory => {
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
      groupSync: row.groupSync ?? { ...DEFAULT_GROUP_SYNC, roles: [] },
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

  /** The definition of a directory type, or a 400 naming `type`. */
  const definitionOf = (type: string): ProviderDefinition =>
    registry().get(type) ?? refuse(['type'], `must be one of ${registry().types().join(', ')}`);

  /** The directory as it will be: the stored row (or a new one's defaults) with the body applied. */
  const merged = (
    body: Record<string, unknown>,
    existing: DirectoryRow | null,
    definition: ProviderDefinition
  ) => {
    const given = <T>(key: string, fallback: T): T =>
      body[key] !== undefined ? (body[key] as T) : fallback;
    return {
      name: given('name', existing?.name),
      enabled: given('enabled', existing?.enabled ?? false),
      target: given('target', existing?.target ?? 'users-permissions'),
      loginProvider: given('loginProvider', existing?.loginProvider ?? 'local'),
      schedule: given('schedule', existing?.schedule ?? '0 * * * *'),
      connection: {
        ...(existing?.connection ?? {}),
        ...((body.connection as Record<string, unknown> | undefined) ?? {}),
      },
      userGroups: given('userGroups', existing?.userGroups ?? []),
      groupSync: given('groupSync', existing?.groupSync ?? DEFAULT_GROUP_SYNC),
      mapping: given('mapping', existing?.mapping ?? definition.defaultMapping),
      safety: {
        ...DEFAULT_SAFETY,
        ...(existing?.safety ?? {}),
        ...((body.safety as object | undefined) ?? {}),
      },
      options: given('options', existing?.options ?? {}),
    };
  };

  /** Where a connection sends its secrets (undefined: a type that does not say). */
  const endpointOf = (definition: ProviderDefinition, connection: Record<string, unknown>) =>
    definition.schema?.endpoint?.(connection);

  /**
   * The stored secrets after a save: the body's applied, each secret that travels to the source
   * sealed with the endpoint it is saved for, and those of the old endpoint dropped when the
   * endpoint changed and the body brought no new value.
   */
  const sealSecrets = (
    definition: ProviderDefinition,
    stored: Record<string, string> | null,
    incoming: unknown,
    before: Record<string, unknown> | undefined,
    after: Record<string, unknown>
  ) => {
    const bound = definition.schema?.boundSecrets ?? [];
    const given = (incoming ?? {}) as Record<string, string | null>;
    const endpoint = endpointOf(definition, after);
    const moved = before !== undefined && endpointOf(definition, before) !== endpoint;
    const kept = Object.fromEntries(
      Object.entries(stored ?? {}).filter(([name]) => !(moved && bound.includes(name)))
    );
    return secrets().merge(kept, given, (name) => (bound.includes(name) ? endpoint : undefined));
  };

  /** Checks the settings a directory will have; a 400 naming each field that is wrong. */
  const checkSettings = (
    settings: Record<string, unknown>,
    definition: ProviderDefinition,
    secretsSet: string[]
  ) => {
    const target = settings.target as string;
    const mappable = TARGETS.includes(target as never) ? mappableFields(target) : [];
    const context: SettingsContext = { allowHttp: getConfig(strapi).allowHttp, secretsSet };
    validateSchema(settingsSchema(definition, mappable), settings, context);
  };

  /** A directory that has run keeps its target: its links point at rows of that target's table. */
  const guardTarget = async (existing: DirectoryRow, target: string) => {
    if (target === existing.target) return;
    const where = { directoryId: existing.id };
    const runs = await strapi.db.query(UID.syncRun).count({ where });
    const links = await strapi.db.query(UID.identity).count({ where });
    if (runs || links) {
      refuse(
        ['target'],
        `this directory has already run (${runs} runs, ${links} identity links): its target stays '${existing.target}'. Create a new directory to sync '${target}'`
      );
    }
  };

  /** With the admin target, only a Super Admin may have the sync hand out the Super Admin role. */
  const guardSuperAdmin = async (settings: ReturnType<typeof merged>, actor: Actor) => {
    if (actor === undefined || settings.target !== 'admin') return;
    if (actor?.roles?.some((role) => role.code === SUPER_ADMIN_CODE)) return;
    const superAdmin = (await strapi.db
      .query(ADMIN_ROLE_UID)
      .findOne({ where: { code: SUPER_ADMIN_CODE }, select: ['code', 'name'] })) as {
      code: string;
      name: string;
    } | null;
    if (!superAdmin) return;
    const message = `only a Super Admin may have the sync give the ${superAdmin.name} role`;
    const roles = isObject(settings.groupSync) ? (settings.groupSync.roles ?? []) : [];
    roles.forEach((row, i) => {
      if (namesSuperAdmin(row.role, superAdmin))
        refuse(['groupSync', 'roles', String(i), 'role'], message);
    });
    if (namesSuperAdmin(settings.options?.adminDefaultRole, superAdmin))
      refuse(['options', 'adminDefaultRole'], message);
  };

  /**
   * Checks a stored directory before it is used (run, connection test, group listing): the same
   * schemas as at save, and secrets only for the endpoint they were saved for. StopSyncError.
   */
  const validateForRun = (row: DirectoryRow) => {
    const definition = registry().get(row.type);
    if (!definition) {
      throw new StopSyncError(
        'unknown-type',
        `No provider is registered for directory type '${row.type}'`
      );
    }
    try {
      checkSettings(merged({}, row, definition), definition, Object.keys(row.secrets ?? {}));
    } catch (error) {
      if (!(error instanceof errors.ValidationError)) throw error;
      throw new StopSyncError(
        'invalid-settings',
        `The directory's settings are not valid (${error.message}): correct them in Settings > User Directory Sync.`
      );
    }
    return {
      definition,
      secrets: secrets().open(row.secrets, endpointOf(definition, row.connection ?? {})),
    };
  };

  return {
    serialize,
    findRow,
    validateForRun,

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

    /** Creates a directory; `actor` is the admin saving it (undefined: server code, trusted). */
    async create(body: Record<string, unknown>, actor?: Actor) {
      const definition = definitionOf(body.type as string);
      validateSchema(
        bodySchema({ types: registry().types(), secretNames: definition.secrets }),
        body
      );
      const settings = merged(body, null, definition);
      const sealed = sealSecrets(definition, null, body.secrets, undefined, settings.connection);
      checkSettings(settings, definition, Object.keys(sealed));
      await guardSuperAdmin(settings, actor);
      const row = await strapi.db.query(UID.directory).create({
        data: {
          type: body.type,
          ...settings,
          secrets: sealed,
          directoryKey: randomUUID(),
          nextRunAt: nextRunAfter(settings.schedule, new Date()),
        },
      });
      return serialize(row as DirectoryRow);
    },

    /**
     * Changes a directory. Where it connects changing (endpoint) clears its secrets for the old
     * endpoint unless new ones come in the same body; the target is fixed once it has run.
     */
    async update(id: number, body: Record<string, unknown>, actor?: Actor) {
      const existing = await findRow(id);
      const definition = definitionOf(existing.type);
      validateSchema(
        bodySchema({
          types: registry().types(),
          existingType: existing.type,
          secretNames: definition.secrets,
        }),
        body
      );
      const settings = merged(body, existing, definition);
      const sealed = sealSecrets(
        definition,
        existing.secrets,
        body.secrets,
        existing.connection ?? {},
        settings.connection
      );
      checkSettings(settings, definition, Object.keys(sealed));
      await guardTarget(existing, settings.target);
      await guardSuperAdmin(settings, actor);
      const data: Record<string, unknown> = { ...settings, secrets: sealed };
      // What is synced changed: forget the delta state so the next run reads (and re-plans) everyone.
      if (RESYNC_FIELDS.some((field) => body[field] !== undefined)) data.state = {};
      if (body.schedule !== undefined) data.nextRunAt = nextRunAfter(settings.schedule, new Date());
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

    /**
     * The provider for a directory, with secrets decrypted (server side only). Refuses
     * (StopSyncError) settings that are not valid and secrets saved for another endpoint.
     */
    provider(row: DirectoryRow, context: ProviderContext): DirectoryProvider {
      const { definition, secrets: opened } = validateForRun(row);
      const factory = definition.factory as unknown as (
        settings: unknown,
        ctx: ProviderContext
      ) => DirectoryProvider;
      return factory(
        {
          connection: row.connection ?? {},
          secrets: opened,
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

/** Checks a stored directory before a run (the runner's guard): throws StopSyncError. */
export const validateDirectoryForRun = (strapi: Core.Strapi, row: DirectoryRow) => {
  getService('directories', { strapi }).validateForRun(row);
};

export type DirectoriesService = ReturnType<typeof createDirectoriesService>;
