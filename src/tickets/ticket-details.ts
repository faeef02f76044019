import type { Executor } from '../database/connection.ts';
import type { TicketRow } from '../database/schema.ts';
import { findContactById, messagesOfContact } from '../conversation/conversation-store.ts';
import type { TicketDetails } from './clerk-command.ts';
import { listClerks } from './clerk-directory.ts';
import { eventsOfTicket } from './ticket-store.ts';
import { threadOf } from './ticket-thread.ts';

// What `/vezi N` (and `functionar tickets show N`) shows besides the ticket row itself.

/** Reads and refused commands stay in the audit trail; the history shows what happened to the request. */
const quietEventKinds = new Set(['viewed', 'command_failed']);

export async function ticketDetails(executor: Executor, ticket: TicketRow): Promise<TicketDetails> {
  const contact = await findContactById(executor, ticket.contactId);
  const conversation = (await messagesOfContact(executor, ticket.contactId))
    .filter((message) => ticket.conversationId === null || message.conversationId === ticket.conversationId)
    .slice(-8)
    .map((message) => ({ author: message.author === 'citizen' ? ('citizen' as const) : message.author === 'clerk' ? ('clerk' as const) : ('bot' as const), text: message.text }));
  const history = (await eventsOfTicket(executor, ticket.id))
    .filter((event) => !quietEventKinds.has(event.kind))
    .map((event) => ({ createdAt: event.createdAt, kind: event.kind, text: event.detail && 'text' in event.detail ? String(event.detail.text) : null }));
  const assignee = ticket.assigneeClerkId ? (await listClerks(executor)).find((clerk) => clerk.id === ticket.assigneeClerkId)?.name : undefined;
  return { contactName: contact?.displayName ?? null, assigneeName: assignee ?? null, conversation, history, thread: await threadOf(executor, ticket.id) };
}
