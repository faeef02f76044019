import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../database/connection.ts';
import { tickets, type TicketRow } from '../database/schema.ts';
import { nextStatus, withinReopenWindow } from './ticket-states.ts';
import { recordEvent, updateTicket } from './ticket-store.ts';

// A citizen writing again in the conversation of a ticket: the answer a clerk waited for, or a sign that
// a resolved request is not settled after all. Either way the ticket is the clerks' again ("în lucru").

/**
 * Applies the `citizen_followed_up` transition to the contact's tickets that wait for the citizen, and to
 * those resolved within the reopen window. Runs in the transaction that stores the citizen's message.
 * By contact, not by conversation: an answer days later arrives in a new conversation. Returns the
 * tickets it moved.
 */
export async function recordCitizenFollowUp(executor: Executor, contactId: number, now: Date): Promise<TicketRow[]> {
  const candidates = await executor
    .select()
    .from(tickets)
    .where(and(eq(tickets.contactId, contactId), inArray(tickets.status, ['asteapta_cetatean', 'rezolvat'])))
    // Oldest first, on every engine (PostgreSQL returns unordered rows in any order).
    .orderBy(asc(tickets.id));
  const moved: TicketRow[] = [];
  for (const ticket of candidates) {
    if (ticket.status === 'rezolvat' && !withinReopenWindow(ticket.closedAt, now)) continue;
    const status = nextStatus(ticket.status, 'citizen_followed_up');
    if (!status || status === ticket.status) continue;
    const reopened = ticket.status === 'rezolvat';
    moved.push(await updateTicket(executor, ticket.id, { status, ...(reopened ? { closedAt: null } : {}) }, now));
    await recordEvent(executor, ticket.id, reopened ? 'reopened' : 'citizen_followed_up', { type: 'citizen', id: String(contactId) }, now, { from: ticket.status, to: status });
  }
  return moved;
}
