import fs from 'node:fs';
import { fork } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/database/connection.ts';
import { upsertContact } from '../../src/conversation/conversation-store.ts';
import { deadlineRuleFor } from '../../src/tickets/deadlines.ts';
import { createTicket, listTickets } from '../../src/tickets/ticket-store.ts';
import { openTestDatabase, postgresDatabaseFor } from '../helpers/test-database.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
});

function newDataDirectory(): string {
  const directory = temporaryDirectory();
  directories.push(directory);
  return directory;
}

describe('ticket numbers', () => {
  it('200 parallel creations give 200 distinct consecutive numbers', async () => {
    const handle = await openTestDatabase(newDataDirectory());
    const now = new Date('2026-11-26T10:00:00Z');
    const contact = await upsertContact(handle.db, { channel: 'webchat', externalId: 'session-a' }, now);
    const created = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        Promise.resolve().then(() =>
          inTransaction(handle.db, (transaction) =>
            createTicket(
              transaction,
              { contactId: contact.id, conversationId: null, channel: 'webchat', type: 'cerere', subject: `cererea ${index}`, text: 'x', department: 'registratura', deadline: deadlineRuleFor('cerere') },
              now,
              { type: 'citizen' },
            ),
          ),
        ),
      ),
    );
    const numbers = created.map((ticket) => ticket.number).sort((left, right) => left - right);
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
    expect(new Set(created.map((ticket) => ticket.year))).toEqual(new Set([2026]));
    await handle.close();
  });

  it('stays gap-free and unique when several processes create tickets in the same database at once', async () => {
    const dataDirectory = newDataDirectory();
    // Created (and migrated) once up front; on PostgreSQL the processes share this one database.
    await (await openTestDatabase(dataDirectory)).close();
    const databaseUrl = (await postgresDatabaseFor(dataDirectory)) ?? '';
    const worker = path.join(import.meta.dirname, 'ticket-numbering-worker.ts');
    const runs = Array.from({ length: 4 }, (_, index) =>
      new Promise<void>((resolve, reject) => {
        const child = fork(worker, [path.join(dataDirectory, 'functionar.db'), databaseUrl, String(index), '50'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${index} exited ${code}`))));
      }),
    );
    await Promise.all(runs);
    const handle = await openTestDatabase(dataDirectory);
    const numbers = (await listTickets(handle.db)).map((ticket) => ticket.number).sort((left, right) => left - right);
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
    await handle.close();
  });
});
