import type Sqlite from 'better-sqlite3';
import { getTableName, is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { DatabaseHandle } from '../database/connection.ts';
import * as schema from '../database/schema.ts';
import { AppError } from '../errors.ts';

// After an erasure the rows no longer name the person, but the bytes may: SQLite leaves old versions of
// a page in the WAL until it is checkpointed and reset, and, on a database written before secure_delete
// was turned on (src/database/connection.ts), in free pages and in the unused space of live pages.
//
// VACUUM rebuilds the file from the live rows only, so nothing freed survives; in WAL mode it is one write
// transaction: readers (the running server's page views) go on, writers wait for it (busy_timeout,
// 5 s) — for a town hall's database (tens of MB) it lasts well under a second. The TRUNCATE checkpoint
// then copies the rebuilt pages into the database file and cuts the WAL to zero bytes, so neither file
// keeps an old frame. A backup taken afterwards copies only these clean pages.

export class StorageScrubError extends AppError {
  constructor(message: string) {
    super('FV_ERR_STORAGE_SCRUB', message, 503);
  }
}

export interface StorageScrubOutcome {
  engine: 'sqlite' | 'postgres';
  /** SQLite: pages the rebuilt file no longer has (free pages before the VACUUM). */
  freePagesCleared: number;
  /** SQLite: WAL frames copied into the database file before the WAL was cut to zero bytes. */
  walFramesCheckpointed: number;
  /** PostgreSQL: tables rewritten from their live rows. */
  tablesRewritten: number;
}

/** Scrubs the engine the handle is on; see scrubFreedStorage (SQLite) and scrubPostgresTables. */
export async function scrubStorage(handle: DatabaseHandle): Promise<StorageScrubOutcome> {
  return handle.engine === 'sqlite' ? scrubFreedStorage(handle.sqlite) : scrubPostgresTables(handle);
}

const snapshotWaitAttempts = 40;

/**
 * VACUUM FULL keeps a row version that a transaction still running might see: one the server began before
 * the erasure committed (an outbox poll, a page view) would keep the person's old rows in the new files.
 * A transaction that wrote holds the horizon back by its id even between two statements, when it holds no
 * snapshot (its `backend_xmin` is empty while the app works on its result): both count. So do those of
 * every other database on the server: a snapshot taken in ours after the erasure still starts at the oldest
 * transaction running anywhere, so an older one elsewhere holds our horizon back too. Such transactions are
 * short; wait until every one that began before now has ended.
 */
async function waitForOlderSnapshots(handle: Extract<DatabaseHandle, { engine: 'postgres' }>): Promise<void> {
  const started = (await handle.pool.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]!.now;
  for (let attempt = 1; attempt <= snapshotWaitAttempts; attempt += 1) {
    const { rows } = await handle.pool.query<{ older: number }>(
      `select count(*)::int as older from pg_stat_activity
        where pid <> pg_backend_pid() and xact_start < $1
          and (backend_xmin is not null or backend_xid is not null)`,
      [started],
    );
    if (rows[0]!.older === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
  }
  throw new StorageScrubError('The data is erased, but a long transaction still sees the old rows; run `functionar gdpr scrub` again shortly.');
}

/**
 * PostgreSQL keeps a deleted or updated row's old version in the table file until VACUUM reclaims it,
 * and plain VACUUM only marks the space reusable. VACUUM FULL writes each table anew from its live rows
 * and removes the old file. (The server's WAL segments are recycled by PostgreSQL itself; a WAL archive
 * or replica, if the operator keeps one, is theirs to expire — docs/scaling-out.md.)
 */
async function scrubPostgresTables(handle: Extract<DatabaseHandle, { engine: 'postgres' }>): Promise<StorageScrubOutcome> {
  const tables = Object.values(schema)
    .filter((value) => is(value, SQLiteTable))
    .map((table) => getTableName(table));
  try {
    await waitForOlderSnapshots(handle);
    await handle.pool.query(`VACUUM (FULL) ${tables.map((table) => `"${table}"`).join(', ')}`);
  } catch (error) {
    throw new StorageScrubError(`The data is erased, but the tables could not be rewritten now (${(error as Error).message}); run \`functionar gdpr scrub\` again shortly.`);
  }
  return { engine: 'postgres', freePagesCleared: 0, walFramesCheckpointed: 0, tablesRewritten: tables.length };
}

const checkpointAttempts = 20;

/**
 * Rewrites the database without free space and empties the WAL; throws when the server keeps it busy.
 * SQLite only, on its own connection: call it after the erasure's transaction has committed (`await
 * eraseContact(…)`), never from inside `inTransaction`: VACUUM cannot run in a transaction.
 */
export async function scrubFreedStorage(sqlite: Sqlite.Database): Promise<StorageScrubOutcome> {
  if (sqlite.inTransaction) throw new StorageScrubError('The storage scrub was started while a transaction is open on this connection; run it after the commit.');
  const freePagesCleared = Number(sqlite.pragma('freelist_count', { simple: true }));
  try {
    sqlite.exec('VACUUM');
  } catch (error) {
    throw new StorageScrubError(`The data is erased, but the file could not be rebuilt now (${(error as Error).message}); run \`functionar gdpr scrub\` again shortly.`);
  }
  // A reader of the running server holding an older snapshot makes the checkpoint report busy: its reads
  // are short, so trying again a moment later succeeds. So does a transaction another request of this
  // process opened on the connection while we waited: it is not checkpointed from inside.
  for (let attempt = 1; attempt <= checkpointAttempts; attempt += 1) {
    const [result] = sqlite.inTransaction ? [] : (sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[]);
    if (result && result.busy === 0) return { engine: 'sqlite', freePagesCleared, walFramesCheckpointed: Math.max(0, result.checkpointed), tablesRewritten: 0 };
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
  throw new StorageScrubError('The data is erased, but the WAL file could not be emptied while the server kept reading; run `functionar gdpr scrub` again shortly.');
}
