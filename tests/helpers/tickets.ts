import type { FastifyInstance } from 'fastify';
import type { TicketRow } from '../../src/database/schema.ts';
import { findTicket } from '../../src/tickets/ticket-store.ts';

/** The ticket a citizen was told about ("12/2026"); fails the test when there is none. */
export async function ticketByLabel(app: FastifyInstance, label: string): Promise<TicketRow> {
  const [number, year] = label.split('/').map(Number);
  const ticket = await findTicket(app.functionar.database.db, { number: number!, year: year! });
  if (!ticket) throw new Error(`no ticket ${label}`);
  return ticket;
}
