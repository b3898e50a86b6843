/** Request validation helpers: bad input is a 400 naming the field, never a 500. */
import { errors, yup } from '@strapi/utils';

export const fail = (path: string, message: string): never => {
  throw new errors.ValidationError(`${path}: ${message}`, {
    errors: [{ path: [path], message, name: 'ValidationError' }],
  });
};

/** A positive whole number from a route or query parameter. */
export const idParam = (value: unknown, name = 'id'): number => {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0)
    fail(name, `must be a positive whole number, got '${String(value)}'`);
  return id;
};

export const optionalId = (value: unknown, name: string): number | undefined =>
  value === undefined || value === '' ? undefined : idParam(value, name);

export const pageParams = (query: Record<string, unknown>, maxPageSize = 100) => {
  const page = query.page === undefined ? 1 : idParam(query.page, 'page');
  const pageSize = query.pageSize === undefined ? 25 : idParam(query.pageSize, 'pageSize');
  if (pageSize > maxPageSize) fail('pageSize', `must be at most ${maxPageSize}`);
  return { page, pageSize };
};

export const optionalDate = (value: unknown, name: string): Date | undefined => {
  if (value === undefined || value === '') return undefined;
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime()))
    fail(name, `'${String(value)}' is not a date (use ISO 8601, e.g. 2026-01-31)`);
  return date;
};

export const optionalBoolean = (value: unknown, name: string): boolean | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail(name, 'must be true or false');
  return value as boolean;
};

export const body = (value: unknown): Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail('body', 'must be a JSON object');
  return value as Record<string, unknown>;
};

/** `mapping[0].target` -> ['mapping', '0', 'target'] (yup's path notation). */
const toPath = (path: string) =>
  path
    .replace(/\["([^"]*)"\]/g, '.$1')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);

/** A yup error's first line per field: `path: message`, the path left out of yup's own text. */
const fieldErrors = (error: yup.ValidationError) =>
  (error.inner.length ? error.inner : [error]).map((inner) => {
    const path = inner.path ?? '';
    const message =
      path && inner.message.startsWith(`${path} `)
        ? inner.message.slice(path.length + 1)
        : inner.message;
    return { path: path ? toPath(path) : [], message, name: 'ValidationError' };
  });

/**
 * Checks a value against a yup schema (yup from @strapi/utils: the version Strapi validates its own
 * bodies with, so no second schema library) and returns it; a failure becomes Strapi's
 * ValidationError, a 400 whose `details.errors` carry each path, as `validateYupSchemaSync` makes
 * it, but whose message names each field (`schedule: '...' is not a valid cron expression`) where
 * Strapi's says "2 errors occurred": the panel and scripts show that message as it is.
 * Strict: nothing is coerced, a string is not a number.
 */
export const validateSchema = <T>(
  schema: yup.AnySchema,
  value: unknown,
  context: Record<string, unknown> = {}
): T => {
  try {
    return schema.validateSync(value, { strict: true, abortEarly: false, context }) as T;
  } catch (error) {
    if (!(error instanceof yup.ValidationError)) throw error;
    const list = fieldErrors(error);
    throw new errors.ValidationError(
      list.map((e) => (e.path.length ? `${e.path.join('.')}: ${e.message}` : e.message)).join('; '),
      { errors: list }
    );
  }
};
