/**
 * Bulk SQL helpers shared by the targets: statements over many rows, never one query per user.
 * They work on SQLite and PostgreSQL alike.
 */
import type { Core } from '@strapi/strapi';
import type { Knex } from './types';

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
  return { table: meta.tableName, column, joinTable, has, scalarAttributes };
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
  for (const chunk of chunks(pairs)) {
    await trx(link.name).insert(
      chunk.map((pair) => ({ [link.from]: pair.from, [link.to]: pair.to }))
    );
  }
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
