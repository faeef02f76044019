import fs from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { and, eq, isNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/sqlite-proxy';
import { holdPendingAfterRestore } from '../outbox/outbox-store.ts';
import { recordEvent } from '../tickets/ticket-store.ts';
import { inTransaction, type Database } from './connection.ts';
import * as schema from './schema.ts';
import { StatementCache } from './statement-cache.ts';

// What `functionar restore FILE` does (src/cli/restore-commands.ts): puts a `functionar backup` copy back in
// place of the database. Copying the file by hand is enough only after a clean stop: a -wal file left by a
// crash would be replayed on top of the restored copy and mix two databases. So the restore refuses while
// the server runs, checks the backup, keeps the current database aside and removes its WAL files.

export class RestoreError extends Error {
  constructor(
    readonly code: 'FV_ERR_RESTORE_SOURCE' | 'FV_ERR_RESTORE_IN_USE' | 'FV_ERR_RESTORE_POSTGRES',
    message: string,
  ) {
    super(message);
  }
}

const walSuffixes = ['-wal', '-shm'];

/** Throws unless `file` is an intact SQLite database that looks like ours. */
export function checkBackup(file: string): { tickets: number; messages: number } {
  if (!fs.existsSync(file)) throw new RestoreError('FV_ERR_RESTORE_SOURCE', `No backup at ${file}`);
  let database: Sqlite.Database | undefined;
  try {
    database = new Sqlite(file, { readonly: true, fileMustExist: true });
    const integrity = database.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new RestoreError('FV_ERR_RESTORE_SOURCE', `The backup is damaged (integrity_check: ${String(integrity)})`);
    const count = (table: string) => (database!.prepare(`select count(*) as count from ${table}`).get() as { count: number }).count;
    return { tickets: count('tickets'), messages: count('messages') };
  } catch (error) {
    if (error instanceof RestoreError) throw error;
    throw new RestoreError('FV_ERR_RESTORE_SOURCE', `${file} is not a Funcționar Virtual database: ${(error as Error).message}`);
  } finally {
    database?.close();
  }
}

/** A running server keeps a connection open; in exclusive mode SQLite then refuses at once. */
export function ensureNotInUse(databasePath: string): void {
  if (!fs.existsSync(databasePath)) return;
  const database = new Sqlite(databasePath, { fileMustExist: true });
  try {
    database.pragma('busy_timeout = 0');
    database.pragma('locking_mode = EXCLUSIVE');
    database.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch {
    throw new RestoreError('FV_ERR_RESTORE_IN_USE', `${databasePath} is in use: stop the server (and any other functionar command) first`);
  } finally {
    database.close();
  }
}

/**
 * The store layer over the restored copy alone. Not `openDatabase`: that would migrate the copy now,
 * while migrations newer than the backup belong to the server's next start. Nothing else uses this
 * connection, so no lock is needed between transactions.
 */
function storeOver(sqlite: Sqlite.Database): Database {
  const statements = new StatementCache(sqlite);
  return drizzle(async (source, parameters, method) => statements.execute(source, parameters, method), { schema });
}

/** Marks a citizen's message the backup held unanswered; `resumeUnprocessed` no longer takes it. */
export const restoredUnansweredIntent = 'restored_unanswered';

export interface HeldWork {
  /** Deliveries pending or in flight in the backup, now "to check" instead of "to send". */
  deliveriesToCheck: number;
  /** Citizens' messages the backup had not answered yet, now marked for a clerk instead of answered again. */
  unansweredMessages: { id: number; channel: string; contactId: number; ticketId: number | null; createdAt: string }[];
}

/**
 * A backup taken under load is a moment in the middle of work: the outbox rows it has pending were most
 * likely sent after it was taken, and its unanswered messages most likely answered (and tickets opened for
 * them) — in the database the restore throws away. Doing that work again would send every message twice and
 * register requests twice, so nothing is redone blindly: deliveries become "to check" (shown to the clerk on
 * the reply and recorded on the ticket), unanswered messages are marked processed with their own intent and
 * listed by the restore, for a clerk to read and answer by hand.
 */
export async function holdUnfinishedWork(databaseFile: string, now: Date): Promise<HeldWork> {
  const sqlite = new Sqlite(databaseFile, { fileMustExist: true });
  try {
    return await inTransaction(storeOver(sqlite), async (transaction) => {
      const held = await holdPendingAfterRestore(transaction);
      for (const delivery of held) {
        if (delivery.ticketId !== null) await recordEvent(transaction, delivery.ticketId, 'delivery_to_check', { type: 'system', channel: delivery.channel }, now, { outboxId: delivery.id });
      }
      const unanswered = await transaction
        .update(schema.messages)
        .set({ processedAt: now.toISOString(), intent: restoredUnansweredIntent })
        .where(and(eq(schema.messages.direction, 'inbound'), isNull(schema.messages.processedAt)))
        .returning();
      return {
        deliveriesToCheck: held.length,
        unansweredMessages: unanswered.map((message) => ({ id: message.id, channel: message.channel, contactId: message.contactId, ticketId: message.ticketId, createdAt: message.createdAt })),
      };
    });
  } finally {
    sqlite.close();
  }
}

export interface RestoreOutcome {
  restored: { tickets: number; messages: number };
  held: HeldWork;
  /** Where the database that was replaced now is (undefined when there was none). */
  previous: string | undefined;
}

export async function restoreDatabase(backupFile: string, databasePath: string, now = new Date()): Promise<RestoreOutcome> {
  const restored = checkBackup(backupFile);
  ensureNotInUse(databasePath);
  fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  let previous: string | undefined;
  if (fs.existsSync(databasePath)) {
    previous = `${databasePath}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(databasePath, previous);
  }
  for (const suffix of walSuffixes) {
    if (!fs.existsSync(`${databasePath}${suffix}`)) continue;
    if (previous) fs.renameSync(`${databasePath}${suffix}`, `${previous}${suffix}`);
    else fs.rmSync(`${databasePath}${suffix}`);
  }
  // Copy, then rename: a restore interrupted half-way never leaves a half-copied database in place.
  const partial = `${databasePath}.restoring`;
  fs.copyFileSync(backupFile, partial);
  const held = await holdUnfinishedWork(partial, now);
  for (const suffix of walSuffixes) fs.rmSync(`${partial}${suffix}`, { force: true });
  fs.renameSync(partial, databasePath);
  return { restored, held, previous };
}
