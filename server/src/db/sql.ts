/**
 * Bulk SQL helpers shared by the targets: statements over many rows, never one query per user.
 * They work on SQLite and PostgreSQL alike.
 */
import { randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';

export type Knex = Core.Strapi['db']['connection'];

type RawBindings = Parameters<Knex['raw']>[1];

/** Rows per statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
export const CHUNK = 400;

export const chunks = <T>(items: T[], size = CHUNK): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

type Attribute = {
  type: string;
  columnName?: string;
  joinTable?: {
    name: string;
    joinColumn: { name: string };
    inverseJoinColumn: { name: string };
  };
};

/** Table, column and join-table names of a content type, read from Strapi's own metadata. */
export const tableInfo = (strapi: Core.Strapi, uid: string) => {
  const meta = strapi.db.metadata.get(uid) as unknown as {
    tableName: string;
    attributes: Record<string, Attribute>;
  };
  const column = (attribute: string) => {
    const definition = meta.attributes[attribute];
    if (!definition) throw new Error(`${uid} has no attribute '${attribute}'`);
    return definition.columnName ?? attribute;
  };
  const joinTable = (attribute: string) => {
    const table = meta.attributes[attribute]?.joinTable;
    if (!table) throw new Error(`${uid}.${attribute} is not a relation with a join table`);
    return { name: table.name, from: table.joinColumn.name, to: table.inverseJoinColumn.name };
  };
  const has = (attribute: string) => attribute in meta.attributes;
  const scalarAttributes = () =>
    Object.entries(meta.attributes)
      .filter(([, a]) =>
        ['string', 'text', 'email', 'enumeration', 'uid', 'richtext'].includes(a.type)
      )
      .map(([name]) => name);
  /**
   * A row ready for a knex insert: attribute names turned into columns, JSON encoded, and what
   * Strapi's entity service would add (a document id, timestamps, publishedAt).
   */
  const row = (values: Record<string, unknown>, now: Date, documentId: string) => {
    const out: Record<string, unknown> = { [column('documentId')]: documentId };
    for (const name of ['createdAt', 'updatedAt', 'publishedAt'])
      if (has(name)) out[column(name)] = now;
    for (const [name, value] of Object.entries(values)) {
      const json = meta.attributes[name]?.type === 'json';
      out[column(name)] =
        json && value !== null && value !== undefined ? JSON.stringify(value) : value;
    }
    return out;
  };
  return { table: meta.tableName, column, joinTable, has, scalarAttributes, row };
};

export type TableInfo = ReturnType<typeof tableInfo>;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Document ids in Strapi's format (24 lower-case letters and digits), from one random buffer:
 * Strapi's own generator (cuid2 over SHA-3) cost about a third of a 100,000-user first sync.
 */
export const documentIds = (count: number): string[] => {
  const bytes = randomBytes(count * 24);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    let id = ALPHABET[bytes[i * 24] % 26];
    for (let j = 1; j < 24; j += 1) id += ALPHABET[bytes[i * 24 + j] % 36];
    ids.push(id);
  }
  return ids;
};

type Statement = {
  reader: boolean;
  all(bindings: unknown[]): unknown;
  run(bindings: unknown[]): unknown;
};
type SqliteDriver = { prepare(sql: string): Statement };
type TxClient = {
  driverName?: string;
  acquireConnection(): Promise<SqliteDriver>;
  emit(event: string, payload: unknown): void;
  _query(connection: SqliteDriver, obj: Record<string, unknown>): Promise<{ response: unknown }>;
};

/** Prepared statements of full chunks, per SQLite connection (a few per table). */
const prepared = new WeakMap<SqliteDriver, Map<string, Statement>>();

const cachingConnection = (driver: SqliteDriver): SqliteDriver => {
  let cache = prepared.get(driver);
  if (!cache) prepared.set(driver, (cache = new Map()));
  const statements = cache;
  return {
    prepare(sql) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= 64) statements.clear();
        statement = driver.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
};

/** The SQL of a full chunk's INSERT, made once per table and set of columns. */
const chunkSqls = new Map<string, string>();
const chunkSql = (table: string, columns: string[], returning: boolean) => {
  const key = `${table}|${returning}|${columns.join('|')}`;
  let sql = chunkSqls.get(key);
  if (!sql) {
    const tuple = `(${columns.map(() => '?').join(',')})`;
    sql =
      `insert into \`${table}\` (${columns.map((name) => `\`${name}\``).join(',')}) values ` +
      Array.from({ length: CHUNK }, () => tuple).join(',') +
      (returning ? ' returning `id`' : '');
    if (chunkSqls.size >= 64) chunkSqls.clear();
    chunkSqls.set(key, sql);
  }
  return sql;
};

/**
 * One multi-row INSERT of rows with the same columns (missing values are NULL, as knex's
 * `useNullAsDefault` makes them); returns the new ids when asked. Inside a SQLite transaction a full
 * chunk's statement is prepared once and reused: compiling a 400-row INSERT with knex and SQLite
 * for every chunk cost more than running it. The statement still goes through knex's driver call
 * and its 'query' event (logging and the benchmark see it). Elsewhere: knex's insert.
 */
const insertChunk = async (
  trx: Knex,
  table: string,
  rows: Record<string, unknown>[],
  returning: boolean
): Promise<number[]> => {
  const client = trx.client as unknown as TxClient;
  const reuse =
    client.driverName === 'better-sqlite3' &&
    (trx as unknown as { isTransaction?: boolean }).isTransaction === true &&
    rows.length === CHUNK;
  if (!reuse) {
    const query = trx(table).insert(rows);
    if (!returning) {
      await query;
      return [];
    }
    const inserted: ({ id: number } | number)[] = await query.returning('id');
    return inserted.map((entry) => Number(typeof entry === 'object' ? entry.id : entry));
  }
  const names = new Set<string>();
  for (const row of rows) for (const name in row) names.add(name);
  const columns = [...names];
  const sql = chunkSql(table, columns, returning);
  const bindings: unknown[] = [];
  for (const row of rows) for (const column of columns) bindings.push(row[column] ?? null);
  const obj = { sql, bindings, method: 'insert', options: {} };
  client.emit('query', obj);
  const { response } = await client._query(
    cachingConnection(await client.acquireConnection()),
    obj
  );
  if (!returning) return [];
  return (response as { id: number }[]).map((entry) => Number(entry.id));
};

/** Inserts rows of a content type in chunks; returns their ids in order. */
export const insertRows = async (
  trx: Knex,
  info: TableInfo,
  rows: Record<string, unknown>[]
): Promise<number[]> => {
  const now = new Date();
  const ids = documentIds(rows.length);
  const out: number[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK).map((values, j) => info.row(values, now, ids[i + j]));
    for (const id of await insertChunk(trx, info.table, chunk, true)) out.push(id);
  }
  return out;
};

/** Inserts plain rows (join-table links) in chunks. */
export const insertLinks = async (trx: Knex, table: string, rows: Record<string, unknown>[]) => {
  for (const chunk of chunks(rows)) await insertChunk(trx, table, chunk, false);
};

/**
 * UPDATE many rows, each with its own values, in one statement per chunk:
 * `SET col = CASE id WHEN ? THEN ? ... ELSE col END WHERE id IN (...)`.
 */
export const bulkUpdate = async (
  trx: Knex,
  table: string,
  rows: { id: number; values: Record<string, unknown> }[]
) => {
  for (const chunk of chunks(rows.filter((row) => Object.keys(row.values).length))) {
    const columns = [...new Set(chunk.flatMap((row) => Object.keys(row.values)))];
    const set: Record<string, unknown> = {};
    for (const column of columns) {
      const withColumn = chunk.filter((row) => column in row.values);
      const cases = withColumn.map(() => 'WHEN ? THEN ?').join(' ');
      const bindings = withColumn.flatMap((row) => [row.id, row.values[column]]);
      set[column] = trx.raw(`CASE ?? ${cases} ELSE ?? END`, [
        'id',
        ...bindings,
        column,
      ] as RawBindings);
    }
    await trx(table)
      .whereIn(
        'id',
        chunk.map((row) => row.id)
      )
      .update(set);
  }
};

/** Replaces the links of `fromIds` in a join table with the given pairs. */
export const replaceLinks = async (
  trx: Knex,
  link: { name: string; from: string; to: string },
  fromIds: number[],
  pairs: { from: number; to: number }[]
) => {
  for (const chunk of chunks(fromIds)) await trx(link.name).whereIn(link.from, chunk).delete();
  await insertLinks(
    trx,
    link.name,
    pairs.map((pair) => ({ [link.from]: pair.from, [link.to]: pair.to }))
  );
};

/** Reads the links of many rows: `from id -> to ids`. */
export const readLinks = async (
  db: Knex,
  link: { name: string; from: string; to: string },
  fromIds: number[]
): Promise<Map<number, number[]>> => {
  const out = new Map<number, number[]>();
  for (const chunk of chunks(fromIds)) {
    const rows: Record<string, number>[] = await db(link.name)
      .select(link.from, link.to)
      .whereIn(link.from, chunk);
    for (const row of rows) {
      const list = out.get(row[link.from]) ?? [];
      list.push(row[link.to]);
      out.set(row[link.from], list);
    }
  }
  return out;
};

/** Adds and removes single links of a join table (memberships moved by a run, nothing else). */
export const writeLinks = async (
  trx: Knex,
  link: { name: string; from: string; to: string },
  plan: { add: { group: number; to: number }[]; remove: { group: number; to: number }[] }
) => {
  for (const chunk of chunks(plan.remove)) {
    await trx(link.name)
      .where((query: Knex) => {
        for (const pair of chunk) query.orWhere({ [link.from]: pair.group, [link.to]: pair.to });
      })
      .delete();
  }
  await insertLinks(
    trx,
    link.name,
    plan.add.map((pair) => ({ [link.from]: pair.group, [link.to]: pair.to }))
  );
};
