import { asc } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionLock } from '../../src/database/connection-lock.ts';
import { inTransaction, openDatabase, type Database, type SqliteHandle } from '../../src/database/connection.ts';
import { contacts } from '../../src/database/schema.ts';
import { StatementCache } from '../../src/database/statement-cache.ts';

// SQLite gives the process one connection. While a transaction awaits between its statements, a request
// served meanwhile must not write into it: its write waits for the commit (or the rollback), and survives
// a rollback it had no part in.

const handles: SqliteHandle[] = [];
afterEach(() => {
  for (const handle of handles.splice(0)) handle.close();
  vi.restoreAllMocks();
});

function database(): Database {
  const handle = openDatabase(':memory:');
  handles.push(handle);
  return handle.db;
}

/** A promise and the function that settles it: the test moves on when an event happened, never after a delay. */
function signal(): { happened: Promise<void>; happen: () => void } {
  let happen!: () => void;
  const happened = new Promise<void>((resolve) => (happen = resolve));
  return { happened, happen };
}

/** Every SQL text the connection runs, in the order it runs them. */
function executedStatements(): string[] {
  const executed: string[] = [];
  const execute = StatementCache.prototype.execute;
  vi.spyOn(StatementCache.prototype, 'execute').mockImplementation(function (this: StatementCache, source, parameters, method) {
    executed.push(source);
    return execute.call(this, source, parameters, method);
  });
  return executed;
}

/** Resolves when the next statement reaches the lock (from now on). */
function nextStatementAtTheLock(): Promise<void> {
  const arrival = signal();
  const waitUnlessHeld = ConnectionLock.prototype.waitUnlessHeld;
  vi.spyOn(ConnectionLock.prototype, 'waitUnlessHeld').mockImplementation(function (this: ConnectionLock) {
    arrival.happen();
    return waitUnlessHeld.call(this);
  });
  return arrival.happened;
}

function contact(externalId: string) {
  return { channel: 'webchat', externalId };
}

/** A request served meanwhile, in its own async context. */
async function anotherRequest(db: Database): Promise<void> {
  await db.insert(contacts).values(contact('other request'));
}

/** The writing statements and transaction boundaries among them, by their first word. */
function writesAndBoundaries(executed: string[]): string[] {
  return executed.map((source) => source.split(' ')[0]!.toLowerCase()).filter((word) => ['begin', 'insert', 'commit', 'rollback'].includes(word));
}

async function externalIds(db: Database): Promise<string[]> {
  const rows = await db.select({ externalId: contacts.externalId }).from(contacts).orderBy(asc(contacts.id));
  return rows.map((row) => row.externalId);
}

describe('one connection, one transaction at a time', () => {
  it('keeps a write from another request out of a transaction that rolls back: it waits, then survives', async () => {
    const db = database();
    const executed = executedStatements();
    const firstWritten = signal();
    const mayGoOn = signal();
    let seenInside: string[] = [];
    const transaction = inTransaction(db, async (open) => {
      await open.insert(contacts).values(contact('inside 1'));
      firstWritten.happen();
      // Awaiting between statements, as a request does: other requests run meanwhile.
      await mayGoOn.happened;
      await open.insert(contacts).values(contact('inside 2'));
      seenInside = (await open.select({ externalId: contacts.externalId }).from(contacts)).map((row) => row.externalId);
      throw new Error('the citizen cancelled');
    });

    await firstWritten.happened;
    const arrived = nextStatementAtTheLock();
    const otherRequest = anotherRequest(db);
    await arrived;
    mayGoOn.happen();

    await expect(transaction).rejects.toThrow('the citizen cancelled');
    await otherRequest;
    expect(seenInside).toEqual(['inside 1', 'inside 2']);
    expect(await externalIds(db)).toEqual(['other request']);
    expect(writesAndBoundaries(executed)).toEqual(['begin', 'insert', 'insert', 'rollback', 'insert']);
  });

  it('lets the waiting write in after the commit', async () => {
    const db = database();
    const executed = executedStatements();
    const firstWritten = signal();
    const mayGoOn = signal();
    const transaction = inTransaction(db, async (open) => {
      await open.insert(contacts).values(contact('inside 1'));
      firstWritten.happen();
      await mayGoOn.happened;
      await open.insert(contacts).values(contact('inside 2'));
    });

    await firstWritten.happened;
    const arrived = nextStatementAtTheLock();
    const otherRequest = anotherRequest(db);
    await arrived;
    mayGoOn.happen();
    await Promise.all([transaction, otherRequest]);

    expect(await externalIds(db)).toEqual(['inside 1', 'inside 2', 'other request']);
    expect(writesAndBoundaries(executed)).toEqual(['begin', 'insert', 'insert', 'commit', 'insert']);
  });

  it('refuses a transaction opened on the database inside another (NESTED_TRANSACTION), and the outer one rolls back', async () => {
    const db = database();
    const nested = inTransaction(db, async (open) => {
      await open.insert(contacts).values(contact('outer'));
      return inTransaction(db, async (inner) => {
        await inner.insert(contacts).values(contact('inner'));
      });
    });
    await expect(nested).rejects.toMatchObject({ code: 'NESTED_TRANSACTION' });
    expect(await externalIds(db)).toEqual([]);
    // The refused nesting released the lock: the next transaction runs.
    await inTransaction(db, async (open) => {
      await open.insert(contacts).values(contact('afterwards'));
    });
    expect(await externalIds(db)).toEqual(['afterwards']);
  });
});
