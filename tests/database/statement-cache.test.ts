import Sqlite from 'better-sqlite3';
import { asc, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { firstRow, inTransaction, openDatabase, returnedRow, type SqliteHandle } from '../../src/database/connection.ts';
import { contacts } from '../../src/database/schema.ts';
import { StatementCache } from '../../src/database/statement-cache.ts';

// Every query reaches SQLite as SQL text through the store layer, compiled once per text; what drizzle
// reads back must not change.

const handles: SqliteHandle[] = [];
afterEach(() => {
  for (const handle of handles.splice(0)) handle.close();
  vi.restoreAllMocks();
});

/** The app's database, with a spy on SQLite's compiler installed once the migrations have run. */
function database() {
  const handle = openDatabase(':memory:');
  handles.push(handle);
  return { db: handle.db, compile: vi.spyOn(handle.sqlite, 'prepare') };
}

describe('the statement cache under the store layer', () => {
  it('compiles a query once however often it runs', async () => {
    const { db, compile } = database();
    for (let index = 1; index <= 50; index += 1) await db.insert(contacts).values({ channel: 'telegram', externalId: `chat ${index}` });
    for (let index = 1; index <= 50; index += 1) {
      expect(await firstRow(db.select({ externalId: contacts.externalId }).from(contacts).where(eq(contacts.id, index)))).toEqual({ externalId: `chat ${index}` });
    }
    expect(compile).toHaveBeenCalledTimes(2);
  });

  it('gives rows back as each call asks: lists of objects, one object or none, arrays of values', async () => {
    const { db } = database();
    await db.insert(contacts).values([
      { channel: 'telegram', externalId: '1', displayName: 'Ana' },
      { channel: 'webchat', externalId: '2' },
    ]);
    const everyone = () => db.select({ id: contacts.id, displayName: contacts.displayName }).from(contacts).orderBy(asc(contacts.id));
    expect(await everyone()).toEqual([
      { id: 1, displayName: 'Ana' },
      { id: 2, displayName: null },
    ]);
    // The same SQL text again, for its first row only, on the statement compiled above.
    expect(await firstRow(everyone())).toEqual({ id: 1, displayName: 'Ana' });
    expect(await db.query.contacts.findFirst({ where: eq(contacts.externalId, '2'), columns: { channel: true } })).toEqual({ channel: 'webchat' });
    expect(await db.query.contacts.findFirst({ where: eq(contacts.externalId, 'nobody') })).toBeUndefined();
    expect(await db.values(sql`select id, display_name from contacts order by id`)).toEqual([
      [1, 'Ana'],
      [2, null],
    ]);
  });

  it('keeps at most `limit` statements', () => {
    const sqlite = new Sqlite(':memory:');
    try {
      const compile = vi.spyOn(sqlite, 'prepare');
      const statements = new StatementCache(sqlite, 3);
      for (let index = 0; index < 10; index += 1) expect(statements.execute(`select ${index} as value`, [], 'all')).toEqual({ rows: [[index]] });
      statements.execute('select 9 as value', [], 'all');
      expect(compile).toHaveBeenCalledTimes(10);
      statements.execute('select 0 as value', [], 'all');
      expect(compile).toHaveBeenCalledTimes(11);
    } finally {
      sqlite.close();
    }
  });

  it('does not keep every text the database was ever asked (inline "IN (…)" lists vary without end)', async () => {
    const { db, compile } = database();
    for (let index = 0; index < 1200; index += 1) await db.all(sql.raw(`select ${index} as value`));
    expect(compile).toHaveBeenCalledTimes(1200);
    // The first text was dropped on the way: it is compiled again.
    await db.all(sql.raw('select 0 as value'));
    expect(compile).toHaveBeenCalledTimes(1201);
  });

  it('serves the app schema: typed selects, json columns, returning, transactions and rollbacks', async () => {
    const { db } = database();
    const created = await returnedRow(db.insert(contacts).values({ channel: 'telegram', externalId: '42', channelData: { chatId: 42 } }).returning());
    expect(created).toMatchObject({ channel: 'telegram', externalId: '42', channelData: { chatId: 42 } });
    await expect(
      inTransaction(db, async (transaction) => {
        await transaction.update(contacts).set({ displayName: 'Ana' }).where(eq(contacts.id, created.id));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    const read = () => firstRow(db.select().from(contacts).where(eq(contacts.id, created.id)));
    expect((await read())?.displayName).toBeNull();
    await db.update(contacts).set({ displayName: 'Ana' }).where(eq(contacts.id, created.id));
    expect(await read()).toMatchObject({ displayName: 'Ana', channelData: { chatId: 42 } });
    expect(await db.query.contacts.findMany()).toHaveLength(1);
  });
});
