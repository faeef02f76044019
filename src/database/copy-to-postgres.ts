import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type pg from 'pg';
import { AppError } from '../errors.ts';
import type { PostgresHandle, SqliteHandle } from './connection.ts';
import * as schema from './schema.ts';

// `functionar migrate --to postgres://…`: an SQLite installation's records copied into PostgreSQL as they are.
// Both engines store the same values (ISO text for times, 0/1 for flags, JSON as text; src/database/schema-postgres.ts
// mirrors schema.ts column for column), so a row travels as its raw values, ids included: references between
// tables, ticket and document numbers, and the ids in URLs and events stay valid. The copy is one transaction on
// PostgreSQL, verified before it commits, so a failure at any point leaves the target as it was and running
// the command again is safe.

export interface CopiedTable {
  table: string;
  rows: number;
}

/** The number the next ticket or outgoing document of a year gets (number_sequences and the register itself). */
export interface NextNumber {
  register: 'tickets' | 'documents';
  year: number;
  next: number;
}

export interface CopyOutcome {
  tables: CopiedTable[];
  nextNumbers: NextNumber[];
}

export interface CopyProgress {
  table: string;
  copied: number;
  total: number;
}

export class MigrationError extends AppError {
  constructor(code: 'FV_ERR_MIGRATE_TARGET_NOT_EMPTY' | 'FV_ERR_MIGRATE_COPY_FAILED' | 'FV_ERR_MIGRATE_VERIFY_FAILED', message: string, options?: { cause?: unknown }) {
    super(code, message, 409, options);
  }
}

interface TableToCopy {
  name: string;
  columns: string[];
  /** Tables this one references: they are copied first. */
  references: string[];
}

function describeTable(table: SQLiteTable): TableToCopy {
  const config = getTableConfig(table);
  return {
    name: config.name,
    columns: config.columns.map((column) => column.name),
    references: config.foreignKeys.map((foreignKey) => getTableConfig(foreignKey.reference().foreignTable).name).filter((name) => name !== config.name),
  };
}

/** Every table of schema.ts, each after the tables it references (PostgreSQL checks foreign keys row by row). */
export function tablesInForeignKeyOrder(): TableToCopy[] {
  const tables = (Object.values(schema) as unknown[]).filter((value): value is SQLiteTable => is(value, SQLiteTable)).map(describeTable);
  const byName = new Map(tables.map((table) => [table.name, table]));
  const ordered: TableToCopy[] = [];
  const placed = new Set<string>();
  const place = (table: TableToCopy, path: string[]) => {
    if (placed.has(table.name)) return;
    if (path.includes(table.name)) throw new AppError('FV_ERR_SCHEMA_CYCLE', `Foreign keys form a cycle: ${[...path, table.name].join(' → ')}`, 500);
    for (const reference of table.references) {
      const referenced = byName.get(reference);
      if (referenced) place(referenced, [...path, table.name]);
    }
    placed.add(table.name);
    ordered.push(table);
  };
  for (const table of tables) place(table, []);
  return ordered;
}

const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** PostgreSQL takes at most 65 535 parameters per statement. */
function rowsPerBatch(columns: number, wanted: number): number {
  return Math.max(1, Math.min(wanted, Math.floor(60_000 / columns)));
}

function insertStatement(table: TableToCopy, rows: number): string {
  const width = table.columns.length;
  const tuples = Array.from({ length: rows }, (_, row) => `(${table.columns.map((_, column) => `$${row * width + column + 1}`).join(', ')})`);
  return `insert into ${quoted(table.name)} (${table.columns.map(quoted).join(', ')}) values ${tuples.join(', ')}`;
}

type Queryable = { query(text: string): Promise<{ rows: Record<string, unknown>[] }> } | { prepare(text: string): { all(): unknown[] } };

/** The same read on either engine: the statements below are written in the SQL both understand. */
async function rowsOf(connection: Queryable, text: string): Promise<Record<string, unknown>[]> {
  if ('prepare' in connection) return connection.prepare(text).all() as Record<string, unknown>[];
  return (await connection.query(text)).rows;
}

async function countsOf(connection: Queryable, tables: TableToCopy[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of tables) counts.set(table.name, Number((await rowsOf(connection, `select count(*) as count from ${quoted(table.name)}`))[0]?.count ?? 0));
  return counts;
}

/**
 * What the next number of every register and year would be, read without taking one: the same rule as
 * nextNumber (src/database/number-sequences.ts) — past the sequence row and past the highest number stored.
 */
export async function nextNumbersOf(connection: Queryable): Promise<NextNumber[]> {
  const highest = new Map<string, NextNumber>();
  const raise = (register: NextNumber['register'], year: number, last: number) => {
    const key = `${register}/${year}`;
    const known = highest.get(key);
    if (!known || known.next < last + 1) highest.set(key, { register, year, next: last + 1 });
  };
  for (const row of await rowsOf(connection, 'select register, year, last from number_sequences')) {
    if (row.register === 'tickets' || row.register === 'documents') raise(row.register, Number(row.year), Number(row.last));
  }
  for (const register of ['tickets', 'documents'] as const) {
    for (const row of await rowsOf(connection, `select year, max(number) as last from ${register} group by year`)) raise(register, Number(row.year), Number(row.last));
  }
  return [...highest.values()].sort((left, right) => left.register.localeCompare(right.register) || left.year - right.year);
}

/** SQLite's AUTOINCREMENT never gives an id twice, even a deleted row's: PostgreSQL's sequences continue past both. */
function sqliteSequences(sqlite: SqliteHandle['sqlite']): Map<string, number> {
  const exists = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = 'sqlite_sequence'").get();
  if (!exists) return new Map();
  return new Map((sqlite.prepare('select name, seq from sqlite_sequence').all() as { name: string; seq: number }[]).map((row) => [row.name, Number(row.seq)]));
}

export interface CopyOptions {
  batchSize?: number;
  onProgress?: (progress: CopyProgress) => void;
}

async function refuseUnlessEmpty(client: pg.PoolClient, tables: TableToCopy[]): Promise<void> {
  const occupied = [...(await countsOf(client, tables))].filter(([, count]) => count > 0);
  if (occupied.length === 0) return;
  throw new MigrationError(
    'FV_ERR_MIGRATE_TARGET_NOT_EMPTY',
    `The PostgreSQL database already holds records (${occupied.map(([table, count]) => `${table}: ${count}`).join(', ')}); nothing was copied. Migrate into a new, empty database (createdb), or drop this one first if its rows are not needed.`,
  );
}

async function copyTable(source: SqliteHandle['sqlite'], client: pg.PoolClient, table: TableToCopy, total: number, options: CopyOptions): Promise<void> {
  const batch = rowsPerBatch(table.columns.length, options.batchSize ?? 500);
  const read = source.prepare(`select ${table.columns.map(quoted).join(', ')} from ${quoted(table.name)} where id > ? order by id limit ?`).raw(true);
  let lastId = 0;
  let copied = 0;
  for (;;) {
    const rows = read.all(lastId, batch) as unknown[][];
    if (rows.length === 0) break;
    try {
      await client.query(insertStatement(table, rows.length), rows.flat());
    } catch (error) {
      throw new MigrationError('FV_ERR_MIGRATE_COPY_FAILED', `Copying ${table.name} failed after ${copied} rows: ${(error as Error).message}. Nothing was written to PostgreSQL.`, { cause: error });
    }
    lastId = Number(rows.at(-1)?.[table.columns.indexOf('id')]);
    copied += rows.length;
    options.onProgress?.({ table: table.name, copied, total });
  }
}

/** Continues every serial id after the highest id copied (or given out by SQLite), so new rows never collide. */
async function advanceSequences(client: pg.PoolClient, tables: TableToCopy[], given: Map<string, number>): Promise<void> {
  for (const table of tables) {
    const highest = Number((await client.query(`select max(id) as id from ${quoted(table.name)}`)).rows[0]?.id ?? 0);
    const past = Math.max(highest, given.get(table.name) ?? 0);
    if (past > 0) await client.query(`select setval(pg_get_serial_sequence($1, 'id'), $2)`, [quoted(table.name), past]);
  }
}

async function verify(client: pg.PoolClient, tables: TableToCopy[], expectedCounts: Map<string, number>, expectedNumbers: NextNumber[]): Promise<void> {
  const counts = await countsOf(client, tables);
  const wrong = tables.filter((table) => counts.get(table.name) !== expectedCounts.get(table.name));
  if (wrong.length > 0) {
    throw new MigrationError(
      'FV_ERR_MIGRATE_VERIFY_FAILED',
      `Row counts differ after the copy (${wrong.map((table) => `${table.name}: SQLite ${expectedCounts.get(table.name)}, PostgreSQL ${counts.get(table.name)}`).join('; ')}); nothing was written to PostgreSQL.`,
    );
  }
  const numbers = await nextNumbersOf(client);
  if (JSON.stringify(numbers) !== JSON.stringify(expectedNumbers)) {
    const render = (list: NextNumber[]) => list.map((entry) => `${entry.register} ${entry.next}/${entry.year}`).join(', ') || 'none';
    throw new MigrationError(
      'FV_ERR_MIGRATE_VERIFY_FAILED',
      `The next numbers differ after the copy (SQLite: ${render(expectedNumbers)}; PostgreSQL: ${render(numbers)}); nothing was written to PostgreSQL.`,
    );
  }
}

/**
 * Copies every table of `source` into the empty PostgreSQL database `target` (migrated already) in one
 * transaction: refuses a target holding any record, copies in foreign-key order and in batches, continues the id
 * sequences, and commits only once the row counts and the next ticket and document numbers match the source.
 * The source is read in one read transaction, a consistent snapshot (the server should be stopped: what it
 * writes after the snapshot would not be copied).
 */
export async function copyToPostgres(source: SqliteHandle, target: PostgresHandle, options: CopyOptions = {}): Promise<CopyOutcome> {
  const tables = tablesInForeignKeyOrder();
  const client = await target.pool.connect();
  source.sqlite.exec('begin');
  try {
    const counts = await countsOf(source.sqlite, tables);
    const nextNumbers = await nextNumbersOf(source.sqlite);
    const given = sqliteSequences(source.sqlite);
    await client.query('begin');
    try {
      await refuseUnlessEmpty(client, tables);
      for (const table of tables) await copyTable(source.sqlite, client, table, counts.get(table.name) ?? 0, options);
      await advanceSequences(client, tables, given);
      await verify(client, tables, counts, nextNumbers);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
    return { tables: tables.map((table) => ({ table: table.name, rows: counts.get(table.name) ?? 0 })), nextNumbers };
  } finally {
    source.sqlite.exec('commit');
    client.release();
  }
}
