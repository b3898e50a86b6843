/**
 * SCIM filters (RFC 7644 section 3.4.2.2) narrowed to the look-ups the plugin indexes. The text is
 * parsed by scim2-parse-filter; the tree is then accepted only where it is a conjunction (`and`) of
 * `eq` comparisons on an indexed attribute, which is all Entra ID and Okta send. Anything else is a
 * 400 invalidFilter, never a silently empty list.
 */
import { parse, type Filter } from 'scim2-parse-filter';
import { SCHEMAS, type ResourceKind } from './constants';
import { badRequest } from './errors';

/** An indexed column of the SCIM resource rows. */
export type LookupField = 'id' | 'externalId' | 'userName' | 'email' | 'displayName';

export type Lookup = {
  /** Every condition holds (an empty list matches every resource). */
  conditions: { field: LookupField; value: string }[];
  /** Groups only: the group must have this member (SCIM id). */
  member?: string;
};

/** Attribute paths each resource type may filter on, lower-cased, and the column they use. */
const FIELDS: Record<ResourceKind, Record<string, LookupField>> = {
  User: {
    id: 'id',
    externalid: 'externalId',
    username: 'userName',
    'emails.value': 'email',
    emails: 'email',
  },
  Group: { id: 'id', externalid: 'externalId', displayname: 'displayName' },
};

/** Values compared case-insensitively (caseExact false in RFC 7643's schemas). */
const CASE_INSENSITIVE: LookupField[] = ['userName', 'email', 'displayName'];

const SUPPORTED: Record<ResourceKind, string> = {
  User: 'userName, externalId, id and emails[type eq "work"].value',
  Group: 'displayName, externalId, id and members',
};

/** `urn:...:User:userName` -> `username`; attribute names are case-insensitive. */
const normalisePath = (path: string, kind: ResourceKind) => {
  const prefix = `${kind === 'User' ? SCHEMAS.user : SCHEMAS.group}:`.toLowerCase();
  const lower = path.toLowerCase();
  return lower.startsWith(prefix) ? lower.slice(prefix.length) : lower;
};

const unsupported = (kind: ResourceKind, text: string) =>
  badRequest(
    `The filter '${text}' is not supported. Use 'eq' on ${SUPPORTED[kind]}, combined with 'and'.`,
    'invalidFilter'
  );

/** `emails[type eq "work"]` or `emails[primary eq true]`: qualifiers the work email column meets. */
const isWorkEmailQualifier = (node: Filter) =>
  node.op === 'eq' &&
  ((node.attrPath.toLowerCase() === 'type' && node.compValue === 'work') ||
    (node.attrPath.toLowerCase() === 'primary' && node.compValue === true));

const conjuncts = (node: Filter): Filter[] =>
  node.op === 'and' ? node.filters.flatMap(conjuncts) : [node];

/** Parses a filter into the indexed look-up it asks for, or throws a 400 invalidFilter. */
export const parseFilter = (text: string | undefined, kind: ResourceKind): Lookup => {
  const lookup: Lookup = { conditions: [] };
  if (text === undefined || text.trim() === '') return lookup;
  let tree: Filter;
  try {
    tree = parse(text);
  } catch {
    throw badRequest(`The filter '${text}' is not valid SCIM filter syntax.`, 'invalidFilter');
  }
  const add = (path: string, value: unknown) => {
    const field = FIELDS[kind][normalisePath(path, kind)];
    if (!field || typeof value !== 'string') throw unsupported(kind, text);
    lookup.conditions.push({
      field,
      value: CASE_INSENSITIVE.includes(field) ? value.toLowerCase() : value,
    });
  };
  for (const node of conjuncts(tree)) {
    if (node.op === 'eq') {
      if (kind === 'Group' && normalisePath(node.attrPath, kind).startsWith('members')) {
        if (typeof node.compValue !== 'string') throw unsupported(kind, text);
        lookup.member = node.compValue;
      } else add(node.attrPath, node.compValue);
    } else if (node.op === '[]') {
      const path = normalisePath(node.attrPath, kind);
      const inner = conjuncts(node.valFilter);
      if (kind === 'User' && path === 'emails') {
        for (const part of inner) {
          if (isWorkEmailQualifier(part)) continue;
          if (part.op === 'eq' && part.attrPath.toLowerCase() === 'value')
            add('emails.value', part.compValue);
          else throw unsupported(kind, text);
        }
      } else if (
        kind === 'Group' &&
        path === 'members' &&
        inner.length === 1 &&
        inner[0].op === 'eq' &&
        inner[0].attrPath.toLowerCase() === 'value' &&
        typeof inner[0].compValue === 'string'
      ) {
        lookup.member = inner[0].compValue;
      } else throw unsupported(kind, text);
    } else throw unsupported(kind, text);
  }
  return lookup;
};
