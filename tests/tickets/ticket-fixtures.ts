import fs from 'node:fs';
import { currentConversation, upsertContact } from '../../src/conversation/conversation-store.ts';
import type { DatabaseHandle } from '../../src/database/connection.ts';
import type { TicketRow } from '../../src/database/schema.ts';
import { createLogger } from '../../src/logger.ts';
import { ClerkCommandRunner } from '../../src/tickets/clerk-command-runner.ts';
import { deadlineRuleFor, type TicketType } from '../../src/tickets/deadlines.ts';
import { createTicket, updateTicket } from '../../src/tickets/ticket-store.ts';
import { openTestDatabase } from '../helpers/test-database.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';

// A real database (SQLite, or PostgreSQL on that test run) with citizens and tickets registered on chosen days, for the ticket rules.

export interface TicketWorld {
  database: DatabaseHandle;
  /** The data directory the database belongs to (a CLI run on it finds the same records). */
  dataDirectory: string;
  runner: ClerkCommandRunner;
  /** How many times the runner asked the outbox to send. */
  kicks: () => number;
  close(): Promise<void>;
}

export async function openTicketWorld(): Promise<TicketWorld> {
  const directory = temporaryDirectory('functionar-tickets-');
  const database = await openTestDatabase(directory);
  let kicks = 0;
  const runner = new ClerkCommandRunner(database.db, createLogger('silent'), () => {
    kicks++;
  });
  return {
    database,
    dataDirectory: directory,
    runner,
    kicks: () => kicks,
    close: async () => {
      await database.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

let citizenCounter = 0;

/** A web chat citizen writing in `language` files a ticket of `type` at `registeredAt` (a moment, UTC). */
export async function fileTicket(
  world: TicketWorld,
  options: { type: TicketType; registeredAt: string; language?: 'ro' | 'hu' | 'en'; department?: string; subject?: string; channel?: string },
): Promise<TicketRow> {
  const db = world.database.db;
  const now = new Date(options.registeredAt);
  const channel = options.channel ?? 'webchat';
  const contact = await upsertContact(db, { channel, externalId: `citizen-${++citizenCounter}`, language: options.language ?? 'ro' }, now);
  const conversation = await currentConversation(db, contact, options.language ?? 'ro', now);
  return createTicket(
    db,
    {
      contactId: contact.id,
      conversationId: conversation.id,
      channel,
      type: options.type,
      subject: options.subject ?? `Cerere de test ${citizenCounter}`,
      text: 'Textul cererii',
      department: options.department ?? 'registratura',
      deadline: deadlineRuleFor(options.type),
    },
    now,
    { type: 'citizen', id: String(contact.id), channel },
  );
}

/** Sets a ticket's due date directly (a scenario: "this ticket is due on …"). */
export function dueOn(world: TicketWorld, ticket: TicketRow, dueDate: string, changes: Partial<TicketRow> = {}): Promise<TicketRow> {
  return updateTicket(world.database.db, ticket.id, { dueDate, ...changes }, new Date());
}
