/**
 * Lists (RFC 7644 section 3.4.2): 1-based `startIndex` / `count` paging, the ListResponse with the
 * real `totalResults`, and `attributes` / `excludedAttributes` projection.
 */
import { MAX_RESULTS, SCHEMAS } from './constants';
import { badRequest } from './errors';

export type Page = { startIndex: number; count: number };

const readInteger = (value: unknown, name: string): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number))
    throw badRequest(`'${name}' must be a whole number, not '${String(value)}'.`);
  return number;
};

/** startIndex below 1 is read as 1 and a negative count as 0 (RFC 7644 section 3.4.2.4). */
export const readPage = (query: Record<string, unknown>): Page => ({
  startIndex: Math.max(1, readInteger(query.startIndex, 'startIndex') ?? 1),
  count: Math.min(MAX_RESULTS, Math.max(0, readInteger(query.count, 'count') ?? MAX_RESULTS)),
});

export const listResponse = (
  resources: Record<string, unknown>[],
  totalResults: number,
  page: Page
) => ({
  schemas: [SCHEMAS.listResponse],
  totalResults,
  startIndex: page.startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});

/** Attributes always returned, whatever `attributes` asks (RFC 7643 section 7, returned: always). */
const ALWAYS = ['id', 'schemas', 'meta'];

const splitList = (value: unknown) =>
  typeof value === 'string' && value.trim()
    ? value.split(',').map((item) => item.trim().toLowerCase())
    : [];

/** `urn:...:User:name.givenName` -> [`name`, `givenName`]; extension attributes keep their URN. */
const pathOf = (attribute: string, extensions: string[]): string[] => {
  for (const urn of extensions) {
    const lower = urn.toLowerCase();
    if (attribute === lower) return [lower];
    if (attribute.startsWith(`${lower}:`))
      return [lower, ...attribute.slice(lower.length + 1).split('.')];
  }
  const core = [SCHEMAS.user, SCHEMAS.group].find((urn) =>
    attribute.startsWith(`${urn.toLowerCase()}:`)
  );
  return (core ? attribute.slice(core.length + 1) : attribute).split('.');
};

const keyOf = (object: Record<string, unknown>, lower: string) =>
  Object.keys(object).find((key) => key.toLowerCase() === lower);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keeps (or drops) the attribute at `path` of `source` in `target`. */
const copyPath = (
  source: Record<string, unknown>,
  target: Record<string, unknown>,
  path: string[]
) => {
  const key = keyOf(source, path[0]);
  if (!key) return;
  if (path.length === 1) {
    target[key] = source[key];
    return;
  }
  const value = source[key];
  if (Array.isArray(value)) {
    const existing =
      (target[key] as Record<string, unknown>[] | undefined) ?? value.map(() => ({}));
    value.forEach((item, i) => isObject(item) && copyPath(item, existing[i], path.slice(1)));
    target[key] = existing;
  } else if (isObject(value)) {
    const existing = (target[key] as Record<string, unknown> | undefined) ?? {};
    copyPath(value, existing, path.slice(1));
    target[key] = existing;
  }
};

const dropPath = (object: Record<string, unknown>, path: string[]) => {
  const key = keyOf(object, path[0]);
  if (!key || ALWAYS.includes(key)) return;
  if (path.length === 1) delete object[key];
  else {
    const value = object[key];
    for (const item of Array.isArray(value) ? value : [value])
      if (isObject(item)) dropPath(item, path.slice(1));
  }
};

/** The resource as `attributes` / `excludedAttributes` ask (attributes wins when both are given). */
export const project = (
  resource: Record<string, unknown>,
  query: { attributes?: unknown; excludedAttributes?: unknown }
): Record<string, unknown> => {
  const extensions = (resource.schemas as string[] | undefined) ?? [];
  const wanted = splitList(query.attributes);
  if (wanted.length) {
    const out: Record<string, unknown> = {};
    for (const key of ALWAYS) if (resource[key] !== undefined) out[key] = resource[key];
    for (const attribute of wanted) copyPath(resource, out, pathOf(attribute, extensions));
    return out;
  }
  const excluded = splitList(query.excludedAttributes);
  if (!excluded.length) return resource;
  const out = structuredClone(resource);
  for (const attribute of excluded) dropPath(out, pathOf(attribute, extensions));
  return out;
};
