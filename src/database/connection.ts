import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import type pg from 'pg';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleMigrationClient } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { drizzle, type SqliteRemoteDatabase, type SqliteRemoteResult } from 'drizzle-orm/sqlite-proxy';
import { AppError } from '../errors.ts';
import { ConnectionLock } from './connection-lock.ts';
import * as schema from './schema.ts';
import { StatementCache } from './statement-cache.ts';

// One store layer, asynchronous, for every module: store functions `await` their queries, so the
// same code can run on an engine whose driver is asynchronous (PostgreSQL, issue #20). On SQLite the
// queries reach better-sqlite3 through drizzle's proxy driver; ConnectionLock keeps a transaction's
// statements apart from everyone else's, since all of them share one connection.

export type Database = SqliteRemoteDatabase<typeof schema>;

/** A database or an open transaction: store functions accept either, so callers choose the transaction. */
export type Executor = BaseSQLiteDatabase<'async', SqliteRemoteResult, typeof schema>;

interface HandleBase {
  db: Database;
  /** Answers when the database answers a trivial query (health checks). */
  ping(): Promise<void>;
  close(): Promise<void> | void;
}

export interface SqliteHandle extends HandleBase {
  engine: 'sqlite';
  /** SQLite's own connection, for what only SQLite has: online backup, pragmas, VACUUM. */
  sqlite: Sqlite.Database;
  close(): void;
}

export interface PostgresHandle extends HandleBase {
  engine: 'postgres';
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

/** The records' database: SQLite under DATA_DIR, or PostgreSQL when DATABASE_URL is set. */
export type DatabaseHandle = SqliteHandle | PostgresHandle;

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const locks = new WeakMap<Database, ConnectionLock>();

/** Opens (creating if needed) the SQLite file in WAL mode and applies the committed migrations. */
export function openDatabase(databasePath: string): SqliteHandle {
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
  migrate(drizzleMigrationClient({ client: sqlite }), { migrationsFolder });

  const statements = new StatementCache(sqlite);
  const lock = new ConnectionLock();
  const db = drizzle(
    async (source, parameters, method) => {
      await lock.waitUnlessHeld();
      return statements.execute(source, parameters, method);
    },
    { schema },
  );
  locks.set(db, lock);
  return {
    engine: 'sqlite',
    db,
    sqlite,
    ping: async () => {
      await db.run(sql`select 1`);
    },
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

/** Opens the engine the configuration names: PostgreSQL when `databaseUrl` is set, else the SQLite file. */
export async function openConfiguredDatabase(config: { databasePath: string; databaseUrl: string | undefined }): Promise<DatabaseHandle> {
  if (!config.databaseUrl) return openDatabase(config.databasePath);
  const { openPostgresDatabase } = await import('./postgres-connection.ts');
  return openPostgresDatabase(config.databaseUrl);
}

/**
 * Runs `work` in one transaction (`BEGIN IMMEDIATE` on SQLite: the write lock is taken up front, so
 * numbering in another process cannot interleave). Statements issued meanwhile outside `work` wait for
 * the commit instead of joining the transaction.
 */
export async function inTransaction<T>(db: Database, work: (transaction: Executor) => Promise<T>): Promise<T> {
  const lock = locks.get(db);
  if (!lock) return db.transaction(work);
  return lock.hold(() => db.transaction(work, { behavior: 'immediate' }));
}

/** The first row a query returns, or undefined: one spelling for every engine (`.get()` is SQLite's only). */
export async function firstRow<Row>(rows: PromiseLike<Row[]>): Promise<Row | undefined> {
  return (await rows)[0];
}

/** The row an INSERT/UPDATE … RETURNING produced; its absence is a bug, not a user error. */
export async function returnedRow<Row>(rows: PromiseLike<Row[]>): Promise<Row> {
  const [row] = await rows;
  if (row === undefined) throw new AppError('ROW_NOT_RETURNED', 'The statement returned no row.', 500);
  return row;
}

/** SQLite's own connection, for what exists on SQLite only (fault injection in tests, file-level tools). */
export function sqliteConnectionOf(handle: DatabaseHandle): Sqlite.Database {
  if (handle.engine !== 'sqlite') throw new AppError('FV_ERR_SQLITE_ONLY', 'This works on the SQLite database only; PostgreSQL has its own tools (docs/scaling-out.md).', 400);
  return handle.sqlite;
}
