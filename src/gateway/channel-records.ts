import {
  currentConversation,
  findContact,
  findInboundMessage,
  languageOfContact,
  lastOutboundMessage,
  messagesOfContact,
  upsertContact,
} from '../conversation/conversation-store.ts';
import { inTransaction, type Database } from '../database/connection.ts';
import type { MessageRow } from '../database/schema.ts';
import { buttonsOf, type Button, type MessagePart, type OutboundMessage } from '../messages.ts';
import { entryByExternalId, recordDeliveryStatus, type DeliveryStatusOutcome, type ReportedDeliveryStatus } from '../outbox/outbox-store.ts';
import { findTicket, ticketLabel } from '../tickets/ticket-store.ts';
import { ticketById } from '../tickets/ticket-thread.ts';

// What adapters may read from (and, for sessions and delivery reports, write to) the core's records,
// each a question in the adapter's words, answered here so no channel writes a query of its own.

export type { DeliveryStatusOutcome, ReportedDeliveryStatus };

/** A conversation message as the web chat shows it. */
export type StoredMessage = MessageRow;

/** A message the bot sent on a channel, found again by the platform's id for it. */
export interface SentMessageRecord {
  /** The conversation message it carried; null for staff-side messages (notices, prompts, command answers). */
  messageId: number | null;
  ticketId: number | null;
  message: OutboundMessage;
  /** What the adapter put on the delivery (reply prompts, pending commands…). */
  channelData: Record<string, unknown>;
}

export class ChannelRecords {
  constructor(private readonly database: Database) {}

  async hasInboundMessage(channel: string, externalId: string): Promise<boolean> {
    return (await findInboundMessage(this.database, channel, externalId)) !== undefined;
  }

  /** The language of the contact's latest conversation (else the contact's own), as stored. */
  languageOf(channel: string, externalId: string): Promise<string | undefined> {
    return languageOfContact(this.database, channel, externalId);
  }

  /** The options offered in the last message sent to this person (for "2" typed after a numbered list). */
  async lastOfferedChoices(channel: string, externalId: string): Promise<Button[]> {
    const last = await lastOutboundMessage(this.database, channel, externalId);
    return buttonsOf((last?.parts ?? []) as MessagePart[]);
  }

  /** When the person last wrote: the channel's own record of it on the contact, else when they were last seen. */
  async lastInboundAt(channel: string, externalId: string): Promise<Date | undefined> {
    const contact = await findContact(this.database, channel, externalId);
    for (const value of [contact?.channelData?.lastInboundAt, contact?.lastSeenAt]) {
      if (typeof value !== 'string') continue;
      const date = new Date(value);
      if (!Number.isNaN(date.getTime())) return date;
    }
    return undefined;
  }

  /** The delivery the outbox recorded under the platform's id for it (Telegram "chat:message"). */
  async sentMessage(channel: string, externalId: string): Promise<SentMessageRecord | undefined> {
    const row = await entryByExternalId(this.database, channel, externalId);
    if (!row) return undefined;
    const payload = row.payload as { message: OutboundMessage; recipientChannelData: Record<string, unknown> | null };
    return { messageId: row.messageId, ticketId: row.ticketId, message: payload.message, channelData: payload.recipientChannelData ?? {} };
  }

  /** A status the platform reports after sending (delivered, read, failed). */
  recordDeliveryStatus(channel: string, report: { externalId: string; status: ReportedDeliveryStatus; at: Date; reason?: string }): Promise<DeliveryStatusOutcome> {
    return recordDeliveryStatus(this.database, channel, report);
  }

  /** "3/2026" for a ticket id, when it exists. */
  async ticketLabelById(ticketId: number): Promise<string | undefined> {
    const ticket = await ticketById(this.database, ticketId);
    return ticket ? ticketLabel(ticket) : undefined;
  }

  /** The ticket a label names, when it exists. */
  async findTicketByLabel(reference: { number: number; year: number }): Promise<{ id: number; label: string } | undefined> {
    const ticket = await findTicket(this.database, reference);
    return ticket ? { id: ticket.id, label: ticketLabel(ticket) } : undefined;
  }

  /** A new session (web chat): the contact and its first conversation, in the language the visitor chose. */
  async openSession(channel: string, externalId: string, language: string | undefined): Promise<void> {
    await inTransaction(this.database, async (transaction) => {
      const now = new Date();
      const contact = await upsertContact(transaction, { channel, externalId, language }, now);
      await currentConversation(transaction, contact, language ?? 'ro', now);
    });
  }

  async hasContact(channel: string, externalId: string): Promise<boolean> {
    return (await findContact(this.database, channel, externalId)) !== undefined;
  }

  /** One of the person's messages, by its id (a live event names it; the instance holding the stream reads it here). */
  async message(channel: string, externalId: string, messageId: number): Promise<StoredMessage | undefined> {
    const contact = await findContact(this.database, channel, externalId);
    if (!contact) return undefined;
    const [row] = await messagesOfContact(this.database, contact.id, messageId - 1, 1);
    return row?.id === messageId ? row : undefined;
  }

  /** The person's messages both ways after `afterId`, oldest first. */
  async history(channel: string, externalId: string, afterId = 0): Promise<StoredMessage[]> {
    const contact = await findContact(this.database, channel, externalId);
    return contact ? messagesOfContact(this.database, contact.id, afterId) : [];
  }
}
