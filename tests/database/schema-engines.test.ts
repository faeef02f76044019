import { getTableConfig as postgresTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { is } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as postgresSchema from '../../src/database/schema-postgres.ts';
import * as sqliteSchema from '../../src/database/schema.ts';

// The queries are written against schema.ts and run on PostgreSQL too, whose tables come from
// schema-postgres.ts: a column or index present in one and not the other, or nullable in one only,
// would only show on the engine that lacks it.

interface TableShape {
  columns: Record<string, { notNull: boolean; hasDefault: boolean; primary: boolean }>;
  indexes: Record<string, { unique: boolean; columns: string[] }>;
  foreignKeys: string[];
}

function columnNames(columns: unknown[]): string[] {
  return columns.map((column) => (column as { name: string }).name);
}

interface TableConfig {
  name: string;
  columns: { name: string; notNull: boolean; hasDefault: boolean; primary: boolean }[];
  indexes: { config: { name?: string; unique: boolean; columns: unknown[] } }[];
  foreignKeys: { getName(): string }[];
}

function shapesOf(tables: TableConfig[]): Record<string, TableShape> {
  return Object.fromEntries(
    tables.map((config) => [
      config.name,
      {
        columns: Object.fromEntries(config.columns.map((column) => [column.name, { notNull: column.notNull, hasDefault: column.hasDefault, primary: column.primary }])),
        indexes: Object.fromEntries(config.indexes.map((index) => [index.config.name, { unique: index.config.unique, columns: columnNames(index.config.columns) }])),
        foreignKeys: config.foreignKeys.map((key) => key.getName()).sort(),
      },
    ]),
  );
}

const sqliteShapes = () => shapesOf(Object.values(sqliteSchema).filter((value) => is(value, SQLiteTable)).map((table) => sqliteTableConfig(table)));
const postgresShapes = () => shapesOf(Object.values(postgresSchema).filter((value) => is(value, PgTable)).map((table) => postgresTableConfig(table)));

describe('the PostgreSQL schema', () => {
  it('has every table, column, index and foreign key of the SQLite schema, with the same names and constraints', () => {
    const sqlite = sqliteShapes();
    expect(Object.keys(sqlite).length).toBeGreaterThan(15);
    expect(postgresShapes()).toEqual(sqlite);
  });
});
