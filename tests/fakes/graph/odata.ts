/**
 * The OData query options the fake Graph understands: a small `$filter` parser (eq, ne, in,
 * startswith, endswith, and, or, not, parentheses), `$search` clauses, `$select` lists and the
 * query-string encoding Graph uses in its `@odata.nextLink`s.
 */

export class ODataError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message);
  }
}

type Literal = string | number | boolean | null;
type Token =
  | { kind: 'ident'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'literal'; value: Literal }
  | { kind: 'punct'; value: '(' | ')' | ',' };

export type FilterNode =
  | { op: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { op: 'not'; operand: FilterNode }
  | { op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; property: string; value: Literal }
  | { op: 'in'; property: string; values: Literal[] }
  | { op: 'startswith' | 'endswith'; property: string; value: string };

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

const invalidFilter = (detail: string) =>
  new ODataError(400, 'BadRequest', `Invalid filter clause: ${detail}`);

const tokenize = (text: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: 'punct', value: char });
      i += 1;
    } else if (char === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw invalidFilter('unterminated string literal');
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += text[i];
        i += 1;
      }
      tokens.push({ kind: 'string', value });
    } else {
      const match = /^[A-Za-z0-9_.\-/@:]+/.exec(text.slice(i));
      if (!match) throw invalidFilter(`unexpected character '${char}'`);
      const word = match[0];
      i += word.length;
      if (word === 'true' || word === 'false')
        tokens.push({ kind: 'literal', value: word === 'true' });
      else if (word === 'null') tokens.push({ kind: 'literal', value: null });
      else if (/^-?\d+(\.\d+)?$/.test(word)) tokens.push({ kind: 'literal', value: Number(word) });
      else tokens.push({ kind: 'ident', value: word });
    }
  }
  return tokens;
};

/** Parses a `$filter` expression into a tree; throws ODataError 400 on bad syntax. */
export const parseFilter = (text: string): FilterNode => {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const next = () => tokens[position++];
  const expectPunct = (value: string) => {
    const token = next();
    if (!token || token.kind !== 'punct' || token.value !== value) {
      throw invalidFilter(`expected '${value}'`);
    }
  };
  const literal = (): Literal => {
    const token = next();
    if (!token) throw invalidFilter('expected a value');
    if (token.kind === 'string' || token.kind === 'literal') return token.value;
    throw invalidFilter(`expected a value, found '${String(token.value)}'`);
  };
  const isWord = (token: Token | undefined, word: string) =>
    token !== undefined && token.kind === 'ident' && token.value.toLowerCase() === word;

  const primary = (): FilterNode => {
    const token = next();
    if (!token) throw invalidFilter('unexpected end');
    if (token.kind === 'punct' && token.value === '(') {
      const inner = orExpression();
      expectPunct(')');
      return inner;
    }
    if (token.kind !== 'ident') throw invalidFilter(`unexpected '${String(token.value)}'`);
    const name = token.value;
    const lower = name.toLowerCase();
    if ((lower === 'startswith' || lower === 'endswith') && peek()?.kind === 'punct') {
      expectPunct('(');
      const property = next();
      if (!property || property.kind !== 'ident') throw invalidFilter('expected a property name');
      expectPunct(',');
      const value = literal();
      expectPunct(')');
      if (typeof value !== 'string') throw invalidFilter(`${lower} needs a string`);
      return { op: lower, property: property.value, value };
    }
    if (lower === 'not') return { op: 'not', operand: primary() };
    const operator = next();
    if (!operator || operator.kind !== 'ident')
      throw invalidFilter(`expected an operator after ${name}`);
    const op = operator.value.toLowerCase();
    if (op === 'in') {
      expectPunct('(');
      const values: Literal[] = [literal()];
      while (peek()?.kind === 'punct' && peek()?.value === ',') {
        next();
        values.push(literal());
      }
      expectPunct(')');
      return { op: 'in', property: name, values };
    }
    if (!COMPARISONS.has(op)) throw invalidFilter(`unknown operator '${operator.value}'`);
    return { op: op as 'eq', property: name, value: literal() };
  };
  const andExpression = (): FilterNode => {
    let left = primary();
    while (isWord(peek(), 'and')) {
      next();
      left = { op: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpression = (): FilterNode => {
    let left = andExpression();
    while (isWord(peek(), 'or')) {
      next();
      left = { op: 'or', left, right: andExpression() };
    }
    return left;
  };
  const tree = orExpression();
  if (position !== tokens.length) throw invalidFilter('unexpected trailing input');
  return tree;
};

/** Whether the filter uses an operator Graph only accepts as an "advanced query". */
export const isAdvancedFilter = (node: FilterNode): boolean => {
  switch (node.op) {
    case 'and':
    case 'or':
      return isAdvancedFilter(node.left) || isAdvancedFilter(node.right);
    case 'not':
    case 'ne':
    case 'endswith':
      return true;
    default:
      return false;
  }
};

/** Every property the filter names (to reject unsupported ones). */
export const filterProperties = (node: FilterNode): string[] => {
  switch (node.op) {
    case 'and':
    case 'or':
      return [...filterProperties(node.left), ...filterProperties(node.right)];
    case 'not':
      return filterProperties(node.operand);
    default:
      return [node.property];
  }
};

/** The ids of an `id in (...)` or `id eq '...'` filter, for an index lookup instead of a scan. */
export const idsOfFilter = (node: FilterNode): string[] | null => {
  if (node.op === 'in' && node.property === 'id') return node.values.map(String);
  if (node.op === 'eq' && node.property === 'id') return [String(node.value)];
  return null;
};

const normalize = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);

/** Evaluates a filter against a record (string comparisons ignore case, as Graph's do). */
export const matchesFilter = (node: FilterNode, read: (property: string) => unknown): boolean => {
  switch (node.op) {
    case 'and':
      return matchesFilter(node.left, read) && matchesFilter(node.right, read);
    case 'or':
      return matchesFilter(node.left, read) || matchesFilter(node.right, read);
    case 'not':
      return !matchesFilter(node.operand, read);
    case 'in': {
      const value = normalize(read(node.property) ?? null);
      return node.values.some((candidate) => normalize(candidate) === value);
    }
    case 'startswith':
    case 'endswith': {
      const value = read(node.property);
      if (typeof value !== 'string') return false;
      const needle = node.value.toLowerCase();
      return node.op === 'startswith'
        ? value.toLowerCase().startsWith(needle)
        : value.toLowerCase().endsWith(needle);
    }
    default: {
      const value = normalize(read(node.property) ?? null);
      const expected = normalize(node.value);
      if (node.op === 'eq') return value === expected;
      if (node.op === 'ne') return value !== expected;
      if (value === null || expected === null) return false;
      const a = value as string | number;
      const b = expected as string | number;
      if (node.op === 'gt') return a > b;
      if (node.op === 'ge') return a >= b;
      if (node.op === 'lt') return a < b;
      return a <= b;
    }
  }
};

export type SearchClause = { property: string; terms: string[] };
export type SearchExpression = { mode: 'and' | 'or'; clauses: SearchClause[] };

/** Parses `$search="displayName:sales" OR "description:team"` (clauses must be quoted). */
export const parseSearch = (text: string): SearchExpression => {
  const clauses: SearchClause[] = [];
  let mode: 'and' | 'or' = 'and';
  const pattern = /\s*"([^"]*)"\s*(AND|OR)?/gy;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    consumed = pattern.lastIndex;
    const [property, ...rest] = match[1].split(':');
    const value = rest.join(':');
    if (!property || !value) {
      throw new ODataError(
        400,
        'Request_UnsupportedQuery',
        `Invalid $search clause '${match[1]}'.`
      );
    }
    clauses.push({ property, terms: value.toLowerCase().split(/\s+/).filter(Boolean) });
    if (match[2] === 'OR') mode = 'or';
    if (!match[2]) break;
  }
  if (clauses.length === 0 || text.slice(consumed).trim() !== '') {
    throw new ODataError(
      400,
      'Request_UnsupportedQuery',
      'Syntax error: the $search value must be one or more quoted "property:value" clauses.'
    );
  }
  return { mode, clauses };
};

/** Graph's tokenized search: every term is a prefix of some word of the property value. */
export const matchesSearch = (
  search: SearchExpression,
  read: (property: string) => unknown
): boolean => {
  const test = (clause: SearchClause) => {
    const value = read(clause.property);
    if (typeof value !== 'string') return false;
    const words = value
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    return clause.terms.every((term) => words.some((word) => word.startsWith(term)));
  };
  return search.mode === 'and' ? search.clauses.every(test) : search.clauses.some(test);
};

/** A `$select` list, or null when absent. */
export const parseSelect = (value: string | null): string[] | null => {
  if (value === null) return null;
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return names.length > 0 ? names : null;
};

/** Encodes a query value the way Graph writes it in links: readable `$`, `,`, `(`, `)`, `'`. */
export const encodeQueryValue = (value: string) =>
  encodeURIComponent(value)
    .replace(/%24/g, '$')
    .replace(/%2C/g, ',')
    .replace(/%28/g, '(')
    .replace(/%29/g, ')')
    .replace(/%27/g, "'")
    .replace(/%3A/g, ':');

/** Builds `?a=b&c=d` from pairs, keeping `$` in the keys. */
export const buildQuery = (pairs: Array<[string, string]>) =>
  pairs.length === 0
    ? ''
    : `?${pairs.map(([key, value]) => `${key}=${encodeQueryValue(value)}`).join('&')}`;

/** Reads a query option case-insensitively (`$skipToken` = `$skiptoken`). */
export const queryOption = (query: URLSearchParams, name: string): string | null => {
  const lower = name.toLowerCase();
  for (const [key, value] of query) if (key.toLowerCase() === lower) return value;
  return null;
};

export const encodeToken = (value: unknown) =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

export const decodeToken = <T>(token: string): T | null => {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
};
