/**
 * Building blocks of the providers' settings schemas (azure/schema.ts, okta/schema.ts,
 * csv/schema.ts). yup comes from @strapi/utils: it is the yup Strapi validates its own request
 * bodies with (0.32), so a schema error becomes Strapi's ValidationError with nothing to translate
 * and no second schema library; @strapi/utils is a plain utility package, so a provider still knows
 * nothing of the running Strapi. The schemas are strict (nothing is coerced) and run at save (a
 * 400 naming the field) and before each run (a StopSyncError naming it).
 */
import { yup } from '@strapi/utils';

export { yup };

/** What the schemas may read from the plugin config (`validate(..., { context })`). */
export type SchemaContext = { allowHttp?: boolean };

/** The schemas one directory type carries in its registry entry. */
export type ProviderSchema = {
  /** The Connection tab's fields (secrets apart). */
  connection: yup.AnyObjectSchema;
  /** `options` the provider reads (the engine adds its own). */
  options: yup.AnyObjectSchema;
  /**
   * Where the connection sends its credentials (origins, e.g. `https://acme.okta.com`), computed
   * from a valid connection: secrets saved for one endpoint are never sent to another.
   */
  endpoint: (connection: Record<string, unknown>) => string;
  /** The secrets that travel to `endpoint` (cleared when it changes and no new value is sent). */
  boundSecrets: readonly string[];
};

/** An object that refuses keys its shape does not name, with one error naming the first one. */
export const strictObject = (
  shape: Record<string, yup.AnySchema>,
  what = 'setting'
): yup.AnyObjectSchema => {
  const known = Object.keys(shape);
  return yup.object(shape).test('known-keys', '', function check(value: unknown) {
    if (typeof value !== 'object' || value === null) return true;
    const unknown = Object.keys(value).filter((key) => !known.includes(key));
    if (!unknown.length) return true;
    return this.createError({
      path: this.path ? `${this.path}.${unknown[0]}` : unknown[0],
      message: `unknown ${what} '${unknown.join("', '")}'; expected one of ${known.join(', ')}`,
    });
  });
};

/** A number from `min` to `max` (a whole one when `integer`). */
export const bounded = (min: number, max: number, integer = false): yup.NumberSchema => {
  const schema = yup
    .number()
    .typeError(`must be a number from ${min} to ${max}`)
    .min(min, `must be a number from ${min} to ${max}`)
    .max(max, `must be a number from ${min} to ${max}`);
  return integer ? schema.integer(`must be a whole number from ${min} to ${max}`) : schema;
};

/** Text of at most `max` characters; empty allowed. */
export const text = (max = 200): yup.StringSchema =>
  yup.string().typeError('must be a text').max(max, `must be at most ${max} characters`);

/** Text that must be filled (not only spaces). */
export const requiredText = (message: string, max = 200): yup.StringSchema =>
  text(max)
    .required(message)
    .test('filled', message, (value) => typeof value === 'string' && value.trim() !== '');

export const boolean = (): yup.BooleanSchema => yup.boolean().typeError('must be true or false');

export const oneOf = (values: readonly string[]): yup.StringSchema =>
  yup
    .string()
    .typeError(`must be one of ${values.join(', ')}`)
    .oneOf([...values], `must be one of ${values.join(', ')}`);

/** Optional PEM text: empty, or certificates. */
export const pem = (): yup.StringSchema =>
  text(64 * 1024).test(
    'pem',
    'must be PEM text starting with -----BEGIN CERTIFICATE-----',
    (value) => !value || value.trim().startsWith('-----BEGIN CERTIFICATE-----')
  );

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The URL, or null when it does not parse. */
export const parseUrl = (value: unknown): URL | null => {
  if (typeof value !== 'string' || !value.trim()) return null;
  try {
    return new URL(value.trim());
  } catch {
    return null;
  }
};

/**
 * An http(s) URL. Plain http:// only where `http` says: `'local'` for localhost (test servers),
 * `'config'` when the plugin config sets `allowHttp`, `'never'` otherwise.
 */
export const url = (
  example: string,
  http: 'local' | 'config' | 'never' = 'never'
): yup.StringSchema =>
  text(2048).test('url', '', function check(value) {
    if (value === undefined || value === '') return true;
    const parsed = parseUrl(value);
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || !parsed.hostname) {
      return this.createError({ message: `'${value}' is not a URL such as ${example}` });
    }
    if (parsed.username || parsed.password) {
      return this.createError({
        message: 'must not contain a user name or password: use the fields meant for them',
      });
    }
    const allowed =
      parsed.protocol === 'https:' ||
      (http === 'local' && LOCAL_HOSTS.has(parsed.hostname)) ||
      (http === 'config' && (this.options.context as SchemaContext | undefined)?.allowHttp);
    if (!allowed) {
      return this.createError({
        message: `must start with https:// (credentials would travel unencrypted)${
          http === 'config' ? ', or set the plugin config allowHttp' : ''
        }`,
      });
    }
    return true;
  });

/** `https://host:port` of a URL text, or '' when there is none. */
export const originOf = (value: unknown, fallback = ''): string => {
  const parsed = parseUrl(value) ?? parseUrl(fallback);
  return parsed ? parsed.origin : '';
};
