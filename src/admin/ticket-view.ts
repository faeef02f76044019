import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../database/connection.ts';
import { messages, type ClerkRow, type ContactRow, type MessageRow, type TicketEventRow, type TicketRow } from '../database/schema.ts';
import { findContactById, latestConversationLanguage } from '../conversation/conversation-store.ts';
import { isLanguage, type Language } from '../language.ts';
import type { AttachmentPart, MessagePart } from '../messages.ts';
import { entryOfMessage } from '../outbox/outbox-store.ts';
import { listClerks } from '../tickets/clerk-directory.ts';
import { eventsOfTicket } from '../tickets/ticket-store.ts';
import { deliveryStatusOf, type DeliveryStatus } from './delivery-status.ts';

/** How many of the latest messages a ticket page shows; older ones stay in the database and the exports. */
export const conversationLimit = 300;

export interface AttachmentLink {
  messageId: number;
  /** Position among the message's attachments: with the message id, the only way the URL names a file. */
  index: number;
  attachment: AttachmentPart;
  receivedAt: string;
}

export interface ConversationEntry {
  message: MessageRow;
  clerkName?: string;
  attachments: AttachmentLink[];
  delivery?: DeliveryStatus;
}

export interface TicketView {
  ticket: TicketRow;
  contact: ContactRow | undefined;
  assignee: ClerkRow | undefined;
  conversation: ConversationEntry[];
  /** The ticket's thread (messages carrying its id: the citizen's, the clerks' and the bot's about it), newest first. */
  thread: ConversationEntry[];
  /** Everything else the citizen and the bot said (the conversation before the ticket, other questions), oldest first. */
  transcript: ConversationEntry[];
  /** The language the citizen writes in: the clerk answers in it. */
  language: Language;
  attachments: AttachmentLink[];
  events: TicketEventRow[];
  notes: TicketEventRow[];
  clerks: ClerkRow[];
  truncated: boolean;
}

export function attachmentsOfMessage(message: MessageRow): AttachmentLink[] {
  return ((message.parts ?? []) as MessagePart[])
    .filter((part): part is AttachmentPart => part.type === 'attachment')
    .map((attachment, index) => ({ messageId: message.id, index, attachment, receivedAt: message.createdAt }));
}

/** Everything the ticket page shows, read in one go. */
export async function ticketView(executor: Executor, ticket: TicketRow): Promise<TicketView> {
  const contact = await findContactById(executor, ticket.contactId);
  const clerks = await listClerks(executor);
  const clerkNames = new Map(clerks.map((clerk) => [clerk.id, clerk.name]));
  const latest = await executor
    .select()
    .from(messages)
    .where(and(eq(messages.contactId, ticket.contactId)))
    .orderBy(desc(messages.id))
    .limit(conversationLimit + 1);
  const truncated = latest.length > conversationLimit;
  const conversation: ConversationEntry[] = [];
  for (const message of latest.slice(0, conversationLimit).reverse()) {
    conversation.push({
      message,
      clerkName: message.clerkId ? clerkNames.get(message.clerkId) : undefined,
      attachments: attachmentsOfMessage(message),
      delivery: message.author === 'clerk' ? deliveryStatusOf(await entryOfMessage(executor, message.id)) : undefined,
    });
  }
  const events = await eventsOfTicket(executor, ticket.id);
  // The citizen's latest conversation says which language they write in now (the bot detects it per message).
  const spoken = [await latestConversationLanguage(executor, ticket.contactId), contact?.language].find(isLanguage) ?? 'ro';
  return {
    ticket,
    contact,
    assignee: ticket.assigneeClerkId ? clerks.find((clerk) => clerk.id === ticket.assigneeClerkId) : undefined,
    conversation,
    thread: conversation.filter((entry) => entry.message.ticketId === ticket.id).reverse(),
    transcript: conversation.filter((entry) => entry.message.ticketId !== ticket.id),
    language: spoken,
    attachments: conversation.flatMap((entry) => entry.attachments),
    events,
    notes: events.filter((event) => event.kind === 'note'),
    clerks,
    truncated,
  };
}
