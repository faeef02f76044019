import { and, asc, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { firstRow, returnedRow, type Executor } from '../database/connection.ts';
import { messages, tickets, type MessageRow, type TicketRow } from '../database/schema.ts';
import type { AttachmentPart, MessagePart } from '../messages.ts';
import { isOpenStatus, withinReopenWindow } from './ticket-states.ts';
import { recordEvent } from './ticket-store.ts';

// A ticket's thread: once a clerk has written to the citizen, what the citizen writes on that channel is
// part of the ticket (not a new question for the bot), counted as unread until a clerk looks, and shown
// with the clerk's replies and the bot's messages in order. The thread is the messages that carry the
// ticket's id (messages.ticket_id): the clerk's replies, the bot's replies about the ticket, and the
// citizen's messages added here.

export function ticketById(executor: Executor, ticketId: number): Promise<TicketRow | undefined> {
  return firstRow(executor.select().from(tickets).where(eq(tickets.id, ticketId)));
}

/** Whether the ticket still takes the citizen's messages: open, or resolved within the reopen window. */
export function acceptsCitizenMessages(ticket: TicketRow, now: Date): boolean {
  return isOpenStatus(ticket.status) || (ticket.status === 'rezolvat' && withinReopenWindow(ticket.closedAt, now));
}

/**
 * The ticket a citizen's new message belongs to: the one a clerk wrote to them about most recently,
 * when it still takes messages. Undefined when no clerk has written to this contact about a live ticket
 * (then the bot answers as usual). By contact, not conversation: the answer may come days later.
 */
export async function threadTicketOf(executor: Executor, contactId: number, now: Date): Promise<TicketRow | undefined> {
  const clerkMessages = await executor
    .select({ ticketId: messages.ticketId })
    .from(messages)
    .where(and(eq(messages.contactId, contactId), eq(messages.author, 'clerk'), isNotNull(messages.ticketId)))
    .orderBy(desc(messages.id))
    .limit(20);
  const seen = new Set<number>();
  for (const { ticketId } of clerkMessages) {
    if (ticketId === null || seen.has(ticketId)) continue;
    seen.add(ticketId);
    const ticket = await ticketById(executor, ticketId);
    if (ticket && acceptsCitizenMessages(ticket, now)) return ticket;
  }
  return undefined;
}

export function attachmentsOfParts(parts: unknown[] | null): AttachmentPart[] {
  return ((parts ?? []) as MessagePart[]).filter((part): part is AttachmentPart => part.type === 'attachment');
}

/**
 * Adds the citizen's stored message to the ticket's thread: the message carries the ticket's id, the
 * ticket counts one more unread citizen message and remembers when the citizen last wrote; files sent
 * with it are recorded on the ticket with their SHA-256 (the attachment store named them so). Runs in the
 * transaction that stores the message. Returns the ticket as it is now.
 */
export async function addCitizenMessageToThread(executor: Executor, ticket: TicketRow, message: MessageRow, now: Date): Promise<TicketRow> {
  await executor.update(messages).set({ ticketId: ticket.id }).where(eq(messages.id, message.id));
  const updated = await returnedRow(
    executor
      .update(tickets)
      .set({ unreadCitizenMessages: sql`${tickets.unreadCitizenMessages} + 1`, lastCitizenMessageAt: now.toISOString(), updatedAt: now.toISOString() })
      .where(eq(tickets.id, ticket.id))
      .returning(),
  );
  const attachments = attachmentsOfParts(message.parts);
  await recordEvent(executor, ticket.id, 'citizen_message', { type: 'citizen', id: String(message.contactId), channel: message.channel }, now, {
    messageId: message.id,
    ...(attachments.length > 0 ? { attachments: attachments.map(({ fileName, sha256, storagePath }) => ({ fileName, sha256, storagePath })) } : {}),
  });
  return updated;
}

/** A clerk has read the thread (opened the ticket, or answered it): nothing is unread any more. */
export async function markThreadRead(executor: Executor, ticketId: number): Promise<void> {
  await executor.update(tickets).set({ unreadCitizenMessages: 0 }).where(eq(tickets.id, ticketId));
}

export interface ThreadEntry {
  createdAt: string;
  author: 'citizen' | 'clerk' | 'bot';
  text: string;
  attachments: { fileName: string; sha256: string }[];
  /** What a message without words was, when the gateway answered it with a fixed text (`voice_note`, `unsupported`, `media_failed`). */
  kind?: string;
}

const fixedAnswerIntents = new Set(['voice_note', 'unsupported', 'media_failed']);

/** Words for a thread message that has none: the clerk reads what came instead of an empty line. */
export function wordlessMessageText(kind: string | undefined): string {
  if (kind === 'voice_note') return '(mesaj vocal, neascultat de bot)';
  if (kind === 'media_failed') return '(fișier care nu a putut fi descărcat)';
  return '(mesaj fără text: autocolant sau alt conținut pe care botul nu îl citește)';
}

/** The ticket's thread, oldest first. */
export async function threadOf(executor: Executor, ticketId: number): Promise<ThreadEntry[]> {
  const rows = await executor.select().from(messages).where(eq(messages.ticketId, ticketId)).orderBy(asc(messages.id));
  return rows.map((message) => ({
      createdAt: message.createdAt,
      author: message.author,
      text: message.text,
      attachments: attachmentsOfParts(message.parts).map(({ fileName, sha256 }) => ({ fileName, sha256 })),
      ...(message.intent && fixedAnswerIntents.has(message.intent) ? { kind: message.intent } : {}),
    }));
}
