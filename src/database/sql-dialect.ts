import { is, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { PgDatabase } from 'drizzle-orm/pg-core';
import type { Executor } from './connection.ts';

// The few SQL expressions that SQLite and PostgreSQL spell differently. Everything else the store
// layer writes with drizzle's builders, which render the right dialect by themselves.

export function isPostgres(executor: Executor): boolean {
  return is(executor, PgDatabase);
}

/** A field of a JSON text column, as text (`json_extract` in SQLite, `->>` in PostgreSQL). */
export function jsonField(executor: Executor, column: SQLWrapper, field: string): SQL {
  return isPostgres(executor) ? sql`(${column}::jsonb ->> ${field})` : sql`json_extract(${column}, ${`$.${field}`})`;
}

/** Whether `text` occurs in the column, case and all (`instr` in SQLite, `strpos` in PostgreSQL). */
export function containsExactly(executor: Executor, column: SQLWrapper, text: string): SQL {
  return isPostgres(executor) ? sql`strpos(${column}, ${text}) > 0` : sql`instr(${column}, ${text}) > 0`;
}

/** `column LIKE pattern` ignoring case, with `\` as the escape character (SQLite's LIKE already ignores case). */
export function likeIgnoringCase(executor: Executor, column: SQLWrapper, pattern: string): SQL {
  return isPostgres(executor) ? sql`${column} ILIKE ${pattern} ESCAPE '\\'` : sql`${column} LIKE ${pattern} ESCAPE '\\'`;
}

/** `column IS NOT value`, true also when exactly one side is null (`IS DISTINCT FROM` in PostgreSQL). */
export function isDistinctFrom(executor: Executor, column: SQLWrapper, value: unknown): SQL {
  return isPostgres(executor) ? sql`${column} is distinct from ${value}` : sql`${column} is not ${value}`;
}

/**
 * What a `select … limit n` claiming rows adds so that concurrent claimers pass over each other's rows
 * instead of waiting for them (`for update skip locked` in PostgreSQL). Nothing in SQLite: it has a single
 * writer, so the claiming UPDATE around the select runs alone anyway.
 */
export function skipLockedRows(executor: Executor): SQL {
  return isPostgres(executor) ? sql` for update skip locked` : sql``;
}
