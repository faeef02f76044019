import { and, asc, desc, eq, gt, isNull, lt, or } from 'drizzle-orm';
import { leaseEnd, type InstanceClaims } from '../database/claims.ts';
import { firstRow, returnedRow, type Executor } from '../database/connection.ts';
import { contacts, conversations, messages, type ContactRow, type ConversationRow, type MessageRow } from '../database/schema.ts';
import type { MessagePart, OutboundMessage } from '../messages.ts';
import { enqueue } from '../outbox/outbox-store.ts';
import { AppError } from '../errors.ts';

export function findContact(executor: Executor, channel: string, externalId: string): Promise<ContactRow | undefined> {
  return firstRow(
    executor
      .select()
      .from(contacts)
      .where(and(eq(contacts.channel, channel), eq(contacts.externalId, externalId))),
  );
}

export async function upsertContact(
  executor: Executor,
  identity: { channel: string; externalId: string; displayName?: string; language?: string; channelData?: Record<string, unknown> },
  now: Date,
): Promise<ContactRow> {
  const existing = await findContact(executor, identity.channel, identity.externalId);
  if (existing) return touchContact(executor, existing, identity, now);
  const [created] = await executor
    .insert(contacts)
    .values({
      channel: identity.channel,
      externalId: identity.externalId,
      displayName: identity.displayName,
      language: identity.language,
      channelData: identity.channelData,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
    })
    .onConflictDoNothing()
    .returning();
  if (created) return created;
  // Another instance stored this person's first message at the same moment (a webhook delivered to two
  // instances): its insert won, and this transaction waited for it to commit. Its row is the contact.
  const stored = await findContact(executor, identity.channel, identity.externalId);
  if (!stored) throw new AppError('FV_ERR_CONTACT_VANISHED', `The contact ${identity.channel}:${identity.externalId} was neither inserted nor found.`, 500);
  return touchContact(executor, stored, identity, now);
}

/** Updates what a new message tells about a known contact; the update also locks the row until commit, so one person's messages are stored one after another across instances. */
async function touchContact(executor: Executor, existing: ContactRow, identity: { displayName?: string; channelData?: Record<string, unknown> }, now: Date): Promise<ContactRow> {
  return returnedRow(
    executor
      .update(contacts)
      .set({
        lastSeenAt: now.toISOString(),
        displayName: identity.displayName ?? existing.displayName,
        channelData: identity.channelData ? { ...existing.channelData, ...identity.channelData } : existing.channelData,
      })
      .where(eq(contacts.id, existing.id))
      .returning(),
  );
}

export async function currentConversation(executor: Executor, contact: ContactRow, language: string, now: Date): Promise<ConversationRow> {
  const existing = await firstRow(executor.select().from(conversations).where(eq(conversations.contactId, contact.id)).orderBy(desc(conversations.id)).limit(1));
  if (existing) return existing;
  return returnedRow(
    executor
      .insert(conversations)
      .values({ contactId: contact.id, channel: contact.channel, language, createdAt: now.toISOString(), updatedAt: now.toISOString() })
      .returning(),
  );
}

export async function updateConversation(executor: Executor, conversationId: number, changes: Partial<ConversationRow>, now: Date): Promise<void> {
  await executor
    .update(conversations)
    .set({ ...changes, updatedAt: now.toISOString() })
    .where(eq(conversations.id, conversationId));
}

/**
 * Stores an inbound message once; returns undefined when the channel already delivered this id. `claims`:
 * the instance that is about to answer it claims it in the same statement, so no other instance's sweep
 * of unanswered messages takes it meanwhile.
 */
export function insertInboundMessage(
  executor: Executor,
  values: { conversationId: number; contactId: number; channel: string; externalId: string; text: string; parts?: MessagePart[] },
  now: Date,
  claims?: InstanceClaims,
): Promise<MessageRow | undefined> {
  const claim = claims ? { claimedBy: claims.id, leaseUntil: leaseEnd(claims, now) } : {};
  return firstRow(
    executor
      .insert(messages)
      .values({ ...values, ...claim, direction: 'inbound', author: 'citizen', createdAt: now.toISOString() })
      .onConflictDoNothing({ target: [messages.channel, messages.externalId] })
      .returning(),
  );
}

export function findInboundMessage(executor: Executor, channel: string, externalId: string): Promise<MessageRow | undefined> {
  return firstRow(
    executor
      .select()
      .from(messages)
      .where(and(eq(messages.channel, channel), eq(messages.externalId, externalId))),
  );
}

export function insertOutboundMessage(
  executor: Executor,
  values: {
    conversationId: number;
    contactId: number;
    channel: string;
    author: 'bot' | 'clerk';
    text: string;
    parts?: MessagePart[];
    intent?: string;
    answerMode?: string;
    ticketId?: number;
    clerkId?: number;
    inReplyTo?: number;
  },
  now: Date,
): Promise<MessageRow> {
  return returnedRow(
    executor
      .insert(messages)
      .values({ ...values, direction: 'outbound', createdAt: now.toISOString() })
      .returning(),
  );
}

export async function markProcessed(executor: Executor, messageId: number, intent: string, now: Date): Promise<void> {
  await executor.update(messages).set({ processedAt: now.toISOString(), intent }).where(eq(messages.id, messageId));
}

export async function repliesTo(executor: Executor, inboundMessageId: number): Promise<MessageRow[]> {
  return executor.select().from(messages).where(eq(messages.inReplyTo, inboundMessageId)).orderBy(asc(messages.id));
}

/**
 * Unanswered inbound messages nobody else is answering: unclaimed, claimed by this instance (at start: in its
 * previous life), or claimed by an instance whose lease ran out (it died or hung).
 */
export async function unprocessedInboundMessages(executor: Executor, claims: InstanceClaims, now: Date): Promise<MessageRow[]> {
  return executor
    .select()
    .from(messages)
    .where(and(eq(messages.direction, 'inbound'), isNull(messages.processedAt), claimable(claims, now)))
    .orderBy(asc(messages.id));
}

function claimable(claims: InstanceClaims, now: Date) {
  return or(isNull(messages.claimedBy), eq(messages.claimedBy, claims.id), isNull(messages.leaseUntil), lt(messages.leaseUntil, now.toISOString()));
}

/**
 * Claims an unanswered message for this instance to answer, in one conditional UPDATE: false when it was
 * answered meanwhile or another live instance is answering it.
 */
export async function claimForAnswering(executor: Executor, messageId: number, claims: InstanceClaims, now: Date): Promise<boolean> {
  const claimed = await executor
    .update(messages)
    .set({ claimedBy: claims.id, leaseUntil: leaseEnd(claims, now) })
    .where(and(eq(messages.id, messageId), isNull(messages.processedAt), claimable(claims, now)))
    .returning({ id: messages.id });
  return claimed.length > 0;
}

/** Extends this instance's claim on a message it is still answering; false when the claim is no longer its own. */
export async function renewAnsweringClaim(executor: Executor, messageId: number, claims: InstanceClaims, now: Date): Promise<boolean> {
  const renewed = await executor
    .update(messages)
    .set({ leaseUntil: leaseEnd(claims, now) })
    .where(and(eq(messages.id, messageId), eq(messages.claimedBy, claims.id), isNull(messages.processedAt)))
    .returning({ id: messages.id });
  return renewed.length > 0;
}

export async function messagesOfContact(executor: Executor, contactId: number, afterId = 0, limit = 500): Promise<MessageRow[]> {
  return executor
    .select()
    .from(messages)
    .where(and(eq(messages.contactId, contactId), gt(messages.id, afterId)))
    .orderBy(asc(messages.id))
    .limit(limit);
}

/** The last turns of a conversation, oldest first, for the language model's memory. */
export async function recentMessages(executor: Executor, conversationId: number, limit: number): Promise<MessageRow[]> {
  const newestFirst = await executor
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.id))
    .limit(limit);
  return newestFirst.reverse();
}

export function findContactById(executor: Executor, contactId: number): Promise<ContactRow | undefined> {
  return firstRow(executor.select().from(contacts).where(eq(contacts.id, contactId)));
}

/**
 * A reply to a contact: the stored message and its outbox entry, in the caller's transaction, so what is
 * committed will be sent. The one place a conversation message is queued (pipeline answers, fixed answers).
 */
export async function storeReplyAndEnqueue(
  transaction: Executor,
  reply: { contact: ContactRow; conversationId: number; inReplyTo: number; intent: string; message: OutboundMessage; answerMode?: string; ticketId?: number },
  now: Date,
): Promise<MessageRow> {
  const { contact, message } = reply;
  const stored = await insertOutboundMessage(
    transaction,
    {
      conversationId: reply.conversationId,
      contactId: contact.id,
      channel: contact.channel,
      author: message.author,
      text: message.text,
      parts: message.parts,
      intent: reply.intent,
      answerMode: reply.answerMode,
      ticketId: reply.ticketId,
      inReplyTo: reply.inReplyTo,
    },
    now,
  );
  await enqueue(
    transaction,
    { channel: contact.channel, recipient: contact.externalId, recipientChannelData: contact.channelData, messageId: stored.id, ticketId: reply.ticketId, message },
    now,
  );
  return stored;
}

/** The language of the contact's latest conversation, else the one stored on the contact; undefined for someone new. */
export async function languageOfContact(executor: Executor, channel: string, externalId: string): Promise<string | undefined> {
  const contact = await findContact(executor, channel, externalId);
  if (!contact) return undefined;
  return (await latestConversationLanguage(executor, contact.id)) ?? contact.language ?? undefined;
}

/** The language of the contact's latest conversation (the bot detects it per message, so it is the one they write in now). */
export async function latestConversationLanguage(executor: Executor, contactId: number): Promise<string | undefined> {
  const conversation = await firstRow(
    executor
      .select({ language: conversations.language })
      .from(conversations)
      .where(eq(conversations.contactId, contactId))
      .orderBy(desc(conversations.id))
      .limit(1),
  );
  return conversation?.language;
}

/** The last message the bot or a clerk sent this contact, for a numbered answer to the options it offered. */
export async function lastOutboundMessage(executor: Executor, channel: string, externalId: string): Promise<MessageRow | undefined> {
  const contact = await findContact(executor, channel, externalId);
  if (!contact) return undefined;
  return firstRow(
    executor
      .select()
      .from(messages)
      .where(and(eq(messages.contactId, contact.id), eq(messages.direction, 'outbound')))
      .orderBy(desc(messages.id))
      .limit(1),
  );
}
