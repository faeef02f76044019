import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import * as schema from './schema.ts';
import { cachingClient } from './statement-cache.ts';

export type Database = BetterSQLite3Database<typeof schema>;

export interface DatabaseHandle {
  db: Database;
  sqlite: Sqlite.Database;
  close(): void;
}

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Opens (creating if needed) the SQLite file in WAL mode and applies the committed migrations. */
export function openDatabase(databasePath: string): DatabaseHandle {
  if (databasePath !== ':memory:') fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  const sqlite = new Sqlite(databasePath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // GDPR erasure must remove the person from the bytes, not only from the rows: with secure_delete
  // every deleted or overwritten cell and every freed page is zeroed, in the WAL frames written from
  // now on and, at checkpoint, in the database file (see src/gdpr/storage-scrub.ts for the rest).
  sqlite.pragma('secure_delete = ON');
  // The CLI and the server may write at the same time: wait instead of failing at once.
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle({ client: cachingClient(sqlite) as unknown as Sqlite.Database, schema });
  migrate(db, { migrationsFolder });
  return {
    db,
    sqlite,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

/** A database or an open transaction: store functions accept either, so callers choose the transaction. */
export type Executor = BaseSQLiteDatabase<'sync', Sqlite.RunResult, typeof schema>;

/** `BEGIN IMMEDIATE`: takes the write lock up front, so numbering in another process cannot interleave. */
export function inTransaction<T>(db: Database, work: (transaction: Executor) => T): T {
  return db.transaction((transaction) => work(transaction), { behavior: 'immediate' });
}
