/**
 * Okta's `filter` and `search` expression language (a SCIM-like subset): `attr op "value"`,
 * `attr pr`, `and`, `or`, parentheses. Compiled once per request to a predicate, so a scan over
 * 100,000 records stays cheap. Each endpoint declares which attributes and operators it accepts,
 * as Okta does: anything else is answered with 400 E0000031.
 */

export type Operator = 'eq' | 'ne' | 'sw' | 'co' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';

/** Reads one attribute (`status`, `profile.login`, `lastUpdated`) of a record. */
export type Getter<T> = (record: T, attribute: string) => unknown;

/** What an endpoint accepts: per attribute (or `profile.*`), the allowed operators. */
export type Grammar = {
  attributes: Record<string, Operator[]>;
  /** Attributes holding timestamps (compared as instants). */
  dates: string[];
};

export class ExpressionError extends Error {}

type Token =
  | { kind: 'word'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'open' }
  | { kind: 'close' };

const tokenize = (text: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '(') {
      tokens.push({ kind: 'open' });
      i += 1;
    } else if (char === ')') {
      tokens.push({ kind: 'close' });
      i += 1;
    } else if (char === '"') {
      let value = '';
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i += 1;
        value += text[i];
        i += 1;
      }
      if (i >= text.length) throw new ExpressionError('Unterminated string literal');
      i += 1;
      tokens.push({ kind: 'string', value });
    } else {
      const start = i;
      while (i < text.length && !/[\s()"]/.test(text[i])) i += 1;
      tokens.push({ kind: 'word', value: text.slice(start, i) });
    }
  }
  return tokens;
};

const OPERATORS: Operator[] = ['eq', 'ne', 'sw', 'co', 'gt', 'ge', 'lt', 'le', 'pr'];

const allowedOperators = (grammar: Grammar, attribute: string): Operator[] | undefined => {
  if (grammar.attributes[attribute]) return grammar.attributes[attribute];
  const dot = attribute.indexOf('.');
  return dot > 0 ? grammar.attributes[`${attribute.slice(0, dot)}.*`] : undefined;
};

const toInstant = (value: unknown): number | null => {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : time;
};

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/** Parses `text` against `grammar` and returns a predicate over records read with `get`. */
export const compileExpression = <T>(
  text: string,
  grammar: Grammar,
  get: Getter<T>
): ((record: T) => boolean) => {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const word = (token: Token | undefined) =>
    token && token.kind === 'word' ? token.value.toLowerCase() : undefined;

  const comparison = (): ((record: T) => boolean) => {
    const token = tokens[position];
    if (!token) throw new ExpressionError('Unexpected end of expression');
    if (token.kind === 'open') {
      position += 1;
      const inner = disjunction();
      if (tokens[position]?.kind !== 'close') throw new ExpressionError('Missing )');
      position += 1;
      return inner;
    }
    if (token.kind !== 'word') throw new ExpressionError('Expected an attribute name');
    const attribute = token.value;
    const operator = word(tokens[position + 1]) as Operator | undefined;
    if (!operator || !OPERATORS.includes(operator)) {
      throw new ExpressionError(`Expected an operator after ${attribute}`);
    }
    const allowed = allowedOperators(grammar, attribute);
    if (!allowed) throw new ExpressionError(`Unsupported attribute: ${attribute}`);
    if (!allowed.includes(operator)) {
      throw new ExpressionError(`Operator ${operator} is not supported for ${attribute}`);
    }
    position += 2;
    if (operator === 'pr') {
      return (record) => {
        const value = get(record, attribute);
        return value !== null && value !== undefined && value !== '';
      };
    }
    const literal = tokens[position];
    position += 1;
    if (!literal || literal.kind === 'open' || literal.kind === 'close') {
      throw new ExpressionError(`Expected a value after ${attribute} ${operator}`);
    }
    if (grammar.dates.includes(attribute)) {
      if (literal.kind !== 'string' || !ISO_INSTANT.test(literal.value)) {
        throw new ExpressionError(`Invalid date for ${attribute}: ${JSON.stringify(literal)}`);
      }
      const bound = Date.parse(literal.value);
      const test: Record<string, (a: number) => boolean> = {
        eq: (a) => a === bound,
        ne: (a) => a !== bound,
        gt: (a) => a > bound,
        ge: (a) => a >= bound,
        lt: (a) => a < bound,
        le: (a) => a <= bound,
      };
      const compare = test[operator];
      if (!compare) throw new ExpressionError(`Operator ${operator} cannot compare dates`);
      return (record) => {
        const value = toInstant(get(record, attribute));
        return value !== null && compare(value);
      };
    }
    if (literal.kind === 'word') {
      const keyword = literal.value.toLowerCase();
      if (keyword !== 'true' && keyword !== 'false' && !/^-?\d+(\.\d+)?$/.test(keyword)) {
        throw new ExpressionError(`String values must be quoted: ${literal.value}`);
      }
    }
    const expected = literal.value.toLowerCase();
    const text = (record: T) => {
      const value = get(record, attribute);
      if (value === null || value === undefined) return null;
      return String(value).toLowerCase();
    };
    switch (operator) {
      case 'eq':
        return (record) => text(record) === expected;
      case 'ne':
        return (record) => text(record) !== expected;
      case 'sw':
        return (record) => text(record)?.startsWith(expected) ?? false;
      case 'co':
        return (record) => text(record)?.includes(expected) ?? false;
      default: {
        const bound = expected;
        const order: Record<string, (a: string) => boolean> = {
          gt: (a) => a > bound,
          ge: (a) => a >= bound,
          lt: (a) => a < bound,
          le: (a) => a <= bound,
        };
        return (record) => {
          const value = text(record);
          return value !== null && order[operator](value);
        };
      }
    }
  };

  const conjunction = (): ((record: T) => boolean) => {
    let left = comparison();
    while (word(peek()) === 'and') {
      position += 1;
      const a = left;
      const b = comparison();
      left = (record) => a(record) && b(record);
    }
    return left;
  };

  function disjunction(): (record: T) => boolean {
    let left = conjunction();
    while (word(peek()) === 'or') {
      position += 1;
      const a = left;
      const b = conjunction();
      left = (record) => a(record) || b(record);
    }
    return left;
  }

  if (tokens.length === 0) throw new ExpressionError('Empty expression');
  const predicate = disjunction();
  if (position !== tokens.length) throw new ExpressionError('Unexpected text after expression');
  return predicate;
};

const DATE_OPS: Operator[] = ['eq', 'gt', 'ge', 'lt', 'le'];
const SEARCH_OPS: Operator[] = ['eq', 'sw', 'gt', 'ge', 'lt', 'le', 'pr'];

/** `GET /api/v1/users?filter=`: few attributes, `eq` only except on lastUpdated. */
export const USER_FILTER: Grammar = {
  attributes: {
    status: ['eq'],
    lastUpdated: DATE_OPS,
    id: ['eq'],
    'profile.login': ['eq'],
    'profile.email': ['eq'],
    'profile.firstName': ['eq'],
    'profile.lastName': ['eq'],
  },
  dates: ['lastUpdated'],
};

/** `GET /api/v1/users?search=`: any profile attribute; `co` only on names, email and login. */
export const USER_SEARCH: Grammar = {
  attributes: {
    id: ['eq', 'pr'],
    status: ['eq', 'sw', 'pr'],
    created: [...DATE_OPS, 'pr'],
    activated: [...DATE_OPS, 'pr'],
    statusChanged: [...DATE_OPS, 'pr'],
    lastUpdated: [...DATE_OPS, 'pr'],
    'type.id': ['eq'],
    'profile.firstName': [...SEARCH_OPS, 'co'],
    'profile.lastName': [...SEARCH_OPS, 'co'],
    'profile.email': [...SEARCH_OPS, 'co'],
    'profile.login': [...SEARCH_OPS, 'co'],
    'profile.*': SEARCH_OPS,
  },
  dates: ['created', 'activated', 'statusChanged', 'lastUpdated'],
};

/** `GET /api/v1/groups?filter=`: id, type, and the two timestamps. */
export const GROUP_FILTER: Grammar = {
  attributes: {
    id: ['eq'],
    type: ['eq'],
    lastUpdated: DATE_OPS,
    lastMembershipUpdated: DATE_OPS,
  },
  dates: ['lastUpdated', 'lastMembershipUpdated'],
};

/** `GET /api/v1/groups?search=`: top-level properties and any profile attribute. */
export const GROUP_SEARCH: Grammar = {
  attributes: {
    id: ['eq'],
    type: ['eq'],
    created: DATE_OPS,
    lastUpdated: DATE_OPS,
    lastMembershipUpdated: DATE_OPS,
    'source.id': ['eq'],
    'profile.name': [...SEARCH_OPS, 'co'],
    'profile.description': [...SEARCH_OPS, 'co'],
    'profile.*': SEARCH_OPS,
  },
  dates: ['created', 'lastUpdated', 'lastMembershipUpdated'],
};
