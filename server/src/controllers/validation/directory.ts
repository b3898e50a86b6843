/**
 * A directory's settings as schemas: the request body's shape (which keys, which secrets), and the
 * settings themselves, checked on the directory as it will be saved (a 400 naming the field) and on
 * the stored row before each run (a StopSyncError naming it). The provider's own connection and
 * options schemas come from its registry entry.
 */
import cron from 'node-cron';
import { yup } from '@strapi/utils';
import { PASSWORD_POLICIES } from '../../../../shared/contracts';
import { groupPatternProblem } from '../../../../shared/contracts/group-filter';
import { GROUP_SYNC_MODES, LEAVE_POLICIES, TARGETS } from '../../constants';
import type { ProviderDefinition } from '../../providers/registry';
import {
  bounded,
  boolean,
  oneOf,
  requiredText,
  strictObject,
  text,
  type SchemaContext,
} from '../../providers/schema';
import { nextRunAfter } from '../../sync/schedule';

/** What the settings schema reads besides the value: the plugin config and the secrets set. */
export type SettingsContext = SchemaContext & {
  /** Names of the secrets the directory will hold once saved. */
  secretsSet: string[];
};

const MAX_SECRET_LENGTH = 16 * 1024;

/** Options the engine reads; the provider's own are added from its schema. */
const engineOptions = () => ({
  /** Serve this directory's people on the org-chart route. */
  orgChart: boolean(),
  /** Include emails in the org chart. */
  orgChartEmails: boolean(),
  /** Admin target: the code of the role given to users no mapped group gives one. */
  adminDefaultRole: text(100),
  /** New local users: a random password each (default), or the `defaultPassword` secret. */
  passwordPolicy: oneOf(PASSWORD_POLICIES).test(
    'shared-needs-password',
    "'shared' gives every new user the defaultPassword secret: set that secret (CSV directories), or use 'random'",
    function check(value) {
      if (value !== 'shared') return true;
      const context = this.options.context as SettingsContext | undefined;
      return !!context?.secretsSet.includes('defaultPassword');
    }
  ),
});

const schedule = () =>
  text(100).test('cron', '', function check(value) {
    if (value === undefined) return true;
    if (value.trim().split(/\s+/).length !== 5 || !cron.validate(value)) {
      return this.createError({
        message: `'${value}' is not a valid cron expression of five fields (e.g. '0 * * * *' for every hour)`,
      });
    }
    if (!nextRunAfter(value, new Date())) {
      return this.createError({
        message: `'${value}' never fires (e.g. 30 February or a weekday no such date falls on): choose a date that exists`,
      });
    }
    return true;
  });

const groupPattern = () =>
  text(1000).test('safe-regex', '', function check(value) {
    if (value === undefined) return true;
    const problem = groupPatternProblem(value);
    return problem ? this.createError({ message: problem }) : true;
  });

/** The connection of a type without a schema (test providers): its required fields only. */
const requiredFieldsOnly = (definition: ProviderDefinition) =>
  yup
    .object(
      Object.fromEntries(
        definition.requiredConnection.map((field) => [field, requiredText('is required', 2048)])
      )
    )
    .typeError('must be an object');

/**
 * The settings of a directory of this type, as saved (body merged into the stored row) and as read
 * before a run. `mappable`: the user attributes its target lets a mapping row write.
 */
export const settingsSchema = (
  definition: ProviderDefinition,
  mappable: string[]
): yup.AnyObjectSchema => {
  const providerOptions = definition.schema?.options.fields ?? {};
  return yup.object({
    name: requiredText('a name is required', 100),
    enabled: boolean(),
    target: oneOf(TARGETS),
    loginProvider: text(50).matches(
      /^[a-z0-9_-]{1,50}$/i,
      "must be a provider name such as 'local' or 'microsoft'"
    ),
    schedule: schedule(),
    connection: definition.schema?.connection ?? requiredFieldsOnly(definition),
    userGroups: yup
      .array()
      .typeError('must be a list of group ids')
      .max(50_000, 'at most 50,000 groups')
      .of(requiredText('must be a group id', 200)),
    groupSync: strictObject(
      {
        mode: oneOf(GROUP_SYNC_MODES).required(),
        pattern: groupPattern().when('mode', {
          is: 'regex',
          then: (schema: yup.StringSchema) =>
            schema.test(
              'filled',
              'a pattern is required in regex mode',
              (value) => typeof value === 'string' && value !== ''
            ),
        }),
        roles: yup
          .array()
          .typeError('must be a list of { group, role }')
          .max(500, 'at most 500 rows')
          .of(
            strictObject({
              group: text(200),
              pattern: groupPattern(),
              role: requiredText('name the Strapi role', 100),
            }).test(
              'group-or-pattern',
              'a rule names a directory group or a pattern over group names, not both',
              (row: { group?: string; pattern?: string } | undefined) =>
                !row || !!row.group !== !!row.pattern
            )
          ),
      },
      'group sync setting'
    ).nullable(),
    mapping: yup
      .array()
      .typeError('must be a list of { source, target }')
      .max(100, 'at most 100 rows')
      .of(
        strictObject({
          source: requiredText('name the source attribute', 100),
          target: yup
            .string()
            .required('choose the user attribute')
            .oneOf(
              mappable,
              ({ value }: { value: unknown }) =>
                `'${String(value)}' is not an attribute of the user; choose one of ${mappable.join(', ')}`
            ),
        })
      )
      .nullable(),
    safety: strictObject(
      {
        maxDisablePercent: bounded(0, 100),
        licenceLimit: bounded(0, 10_000_000, true).nullable(),
        onLeave: oneOf(LEAVE_POLICIES),
        /** Pushes (SCIM): the window over which deactivations count toward the threshold. */
        pushWindowMinutes: bounded(1, 1440),
      },
      'safety setting'
    ).nullable(),
    options: strictObject({ ...engineOptions(), ...providerOptions }, 'option').nullable(),
  });
};

/**
 * The request body's shape: known keys, the type fixed once created, secrets as `{ name: text |
 * null }` for the type's secrets. The values are checked by `settingsSchema` on the merged directory.
 */
export const bodySchema = (options: {
  types: string[];
  /** The type of the directory being updated; undefined when creating. */
  existingType?: string;
  secretNames: readonly string[];
}): yup.AnyObjectSchema => {
  const { types, existingType, secretNames } = options;
  const anyValue = () => yup.mixed();
  const type = existingType
    ? yup
        .mixed()
        .test(
          'same-type',
          'the type of a directory cannot change; create another directory',
          (value) => value === undefined || value === existingType
        )
    : oneOf(types).required(`must be one of ${types.join(', ')}`);
  return strictObject(
    {
      name: existingType ? anyValue() : requiredText('a name is required', 100),
      type,
      enabled: anyValue(),
      target: anyValue(),
      loginProvider: anyValue(),
      schedule: anyValue(),
      connection: yup.object().typeError('must be an object'),
      secrets: yup
        .object()
        .typeError('must be an object of name: value')
        .test('secrets', '', function check(value: unknown) {
          if (!value || typeof value !== 'object') return true;
          for (const [name, secret] of Object.entries(value)) {
            const path = `${this.path}.${name}`;
            if (!secretNames.includes(name)) {
              return this.createError({
                path,
                message: `unknown secret; expected ${secretNames.join(', ') || 'none'}`,
              });
            }
            if (secret !== null && typeof secret !== 'string')
              return this.createError({ path, message: 'must be a text, or null to clear it' });
            if (typeof secret === 'string' && secret.length > MAX_SECRET_LENGTH)
              return this.createError({
                path,
                message: `must be at most ${MAX_SECRET_LENGTH} characters`,
              });
          }
          return true;
        }),
      userGroups: anyValue(),
      groupSync: anyValue(),
      mapping: anyValue(),
      safety: yup.object().typeError('must be an object'),
      options: yup.object().typeError('must be an object'),
    },
    'directory setting'
  );
};

/** The role a mapping row or the default admin role names is the Super Admin role. */
export const namesSuperAdmin = (role: unknown, superAdmin: { code: string; name: string }) =>
  typeof role === 'string' &&
  [superAdmin.code, superAdmin.name].some(
    (name) => name.trim().toLowerCase() === role.trim().toLowerCase()
  );
