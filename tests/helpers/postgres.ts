/**
 * One SQL statement on the PostgreSQL server the DATABASE_* variables name (tests and the benchmark
 * create and drop a schema per Strapi they boot).
 */
type PgClient = {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
};

export const postgresQuery = async (sql: string) => {
  const { Client } = require('pg') as { Client: new (options: object) => PgClient };
  const client = new Client({
    host: process.env.DATABASE_HOST ?? 'localhost',
    port: Number(process.env.DATABASE_PORT ?? 5432),
    user: process.env.DATABASE_USERNAME ?? 'strapi',
    password: process.env.DATABASE_PASSWORD ?? 'strapi',
    database: process.env.DATABASE_NAME ?? 'strapi',
  });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};
