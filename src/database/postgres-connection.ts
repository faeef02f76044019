import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Database, PostgresHandle } from './connection.ts';
import * as schema from './schema.ts';

// PostgreSQL through drizzle's node-postgres driver. The queries are the same objects as on SQLite
// (built from schema.ts; drizzle renders them in PostgreSQL's dialect), so the database object is
// handed out under the one `Database` type the store layer is written against.

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations-postgres');
/** Taken around migrations, so instances starting together migrate one after the other. */
const migrationLockKey = 872_013_001;

const bigintOid = 20;

export async function openPostgresDatabase(url: string, options: { poolSize?: number } = {}): Promise<PostgresHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // count(*) and sums are bigint: as numbers, like SQLite gives them (they stay far below 2^53). This covers
    // queries on the pool itself; drizzle passes its own type parsers (falling back to pg's global ones), so a
    // count through drizzle must use its count(), which maps to a number.
    types: { getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === bigintOid ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
  const db = drizzle({ client: pool, schema });
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [migrationLockKey]);
    await migrate(drizzle({ client }), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [migrationLockKey]).catch(() => undefined);
    client.release();
  }
  return {
    engine: 'postgres',
    // The store layer is typed against SQLite's drizzle; the builders it calls exist on both.
    db: db as unknown as Database,
    pool,
    url,
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
}
