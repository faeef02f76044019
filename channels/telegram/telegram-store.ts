import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../../src/database/connection.ts';
import { contacts, conversations, outbox, processedUpdates, tickets, type OutboxRow, type TicketRow } from '../../src/database/schema.ts';
import type { OutboundMessage } from '../../src/messages.ts';

// What the adapter needs to remember lives in tables that exist anyway: the outbox row of each message
// the bot sent records Telegram's id for it, its ticket and its buttons, so a pressed button or a clerk's
// reply to a ticket announcement is understood also after a restart.

const channel = 'telegram';

/** The outbox's external id of a message sent to Telegram: unique per bot because message ids are per chat. */
export function sentMessageId(chatId: number | string, messageId: number): string {
  return `${chatId}:${messageId}`;
}

export interface SentMessage {
  row: OutboxRow;
  message: OutboundMessage;
  channelData: TelegramDeliveryData;
}

/** What a Telegram delivery may carry besides the recipient; set by the adapter on its own outbox entries. */
export interface TelegramDeliveryData {
  chatId?: number | string;
  /** Shown as a reply to this message of the same chat. */
  replyToMessageId?: number;
  /** Asks the clerk's app to open a reply to this message (Telegram's force_reply). */
  forceReply?: boolean;
  /** The clerk command a reply to this message completes, e.g. "/raspunde 3/2026". */
  pendingCommand?: string;
}

export function findSentMessage(database: Database, chatId: number | string, messageId: number): SentMessage | undefined {
  const row = database
    .select()
    .from(outbox)
    .where(and(eq(outbox.channel, channel), eq(outbox.externalId, sentMessageId(chatId, messageId))))
    .get();
  if (!row) return undefined;
  const payload = row.payload as { message: OutboundMessage; recipientChannelData: TelegramDeliveryData | null };
  return { row, message: payload.message, channelData: payload.recipientChannelData ?? {} };
}

export function findTicketById(database: Database, ticketId: number): TicketRow | undefined {
  return database.select().from(tickets).where(eq(tickets.id, ticketId)).get();
}

/** Records that an update was handled; false when it already was (a redelivery). */
export function claimUpdate(database: Database, externalId: string): boolean {
  const inserted = database
    .insert(processedUpdates)
    .values({ channel, externalId })
    .onConflictDoNothing({ target: [processedUpdates.channel, processedUpdates.externalId] })
    .returning()
    .get();
  return inserted !== undefined;
}

/** Forgets a claim whose work failed, so Telegram's redelivery of the update is handled. */
export function releaseUpdate(database: Database, externalId: string): void {
  database.delete(processedUpdates).where(and(eq(processedUpdates.channel, channel), eq(processedUpdates.externalId, externalId))).run();
}

/** The language of the Telegram user's latest conversation, when they have talked to the bot before. */
export function conversationLanguageOf(database: Database, telegramUserId: string): string | undefined {
  const row = database
    .select({ language: conversations.language })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(contacts.channel, channel), eq(contacts.externalId, telegramUserId)))
    .orderBy(desc(conversations.id))
    .get();
  return row?.language;
}
