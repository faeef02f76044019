import Sqlite from 'better-sqlite3';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/database/connection.ts';
import { contacts } from '../../src/database/schema.ts';
import { cachingClient } from '../../src/database/statement-cache.ts';

// drizzle gets statements compiled once per SQL text; what it reads back must not change.

function database(limit?: number) {
  const sqlite = new Sqlite(':memory:');
  sqlite.exec('create table notes (id integer primary key, body text not null)');
  const compile = vi.spyOn(sqlite, 'prepare');
  const db = drizzle({ client: cachingClient(sqlite, limit) as unknown as Sqlite.Database });
  return { sqlite, db, compile };
}

describe('the statement cache under drizzle', () => {
  it('compiles a query once however often it runs', () => {
    const { db, compile } = database();
    for (let index = 1; index <= 50; index += 1) db.run(sql`insert into notes (id, body) values (${index}, ${`note ${index}`})`);
    for (let index = 1; index <= 50; index += 1) expect(db.get(sql`select body from notes where id = ${index}`)).toEqual({ body: `note ${index}` });
    expect(compile).toHaveBeenCalledTimes(2);
  });

  it('gives rows as objects or as arrays as each call asks, on one compiled statement', () => {
    const { db } = database();
    db.run(sql`insert into notes (id, body) values (1, 'first'), (2, 'second')`);
    const query = sql`select id, body from notes order by id`;
    expect(db.values(query)).toEqual([[1, 'first'], [2, 'second']]);
    // The same SQL text right after a raw read: objects again, not the arrays of the call before.
    expect(db.all(query)).toEqual([{ id: 1, body: 'first' }, { id: 2, body: 'second' }]);
    expect(db.get(query)).toEqual({ id: 1, body: 'first' });
    expect(db.values(query)).toEqual([[1, 'first'], [2, 'second']]);
  });

  it('keeps at most `limit` statements', () => {
    const { db, compile } = database(3);
    for (let index = 0; index < 10; index += 1) db.all(sql.raw(`select ${index} as value`));
    db.all(sql.raw('select 9 as value'));
    expect(compile).toHaveBeenCalledTimes(10);
    db.all(sql.raw('select 0 as value'));
    expect(compile).toHaveBeenCalledTimes(11);
  });

  it('serves the app schema: typed selects, json columns, returning, transactions and rollbacks', () => {
    const handle = openDatabase(':memory:');
    try {
      const { db } = handle;
      const created = db.insert(contacts).values({ channel: 'telegram', externalId: '42', channelData: { chatId: 42 } }).returning().get();
      expect(created).toMatchObject({ channel: 'telegram', externalId: '42', channelData: { chatId: 42 } });
      expect(() =>
        db.transaction((transaction) => {
          transaction.update(contacts).set({ displayName: 'Ana' }).where(eq(contacts.id, created.id)).run();
          throw new Error('rolled back');
        }),
      ).toThrow('rolled back');
      const read = () => db.select().from(contacts).where(eq(contacts.id, created.id)).get();
      expect(read()?.displayName).toBeNull();
      db.update(contacts).set({ displayName: 'Ana' }).where(eq(contacts.id, created.id)).run();
      expect(read()).toMatchObject({ displayName: 'Ana', channelData: { chatId: 42 } });
      expect(db.query.contacts.findMany().sync()).toHaveLength(1);
    } finally {
      handle.close();
    }
  });
});
