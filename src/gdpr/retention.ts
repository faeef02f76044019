import { and, eq, inArray, isNull, lt, notExists, sql } from 'drizzle-orm';
import { firstRow, inTransaction, type Database, type Executor } from '../database/connection.ts';
import { lockJob } from '../database/job-locks.ts';
import { contacts, conversations, indicatorArchive, messages, outbox, tickets } from '../database/schema.ts';
import { procedureOfAnswer, unansweredReason, yearOf } from '../reports/indicators.ts';

// Storage limitation (GDPR art. 5(1)(e)): a conversation that led to no ticket has no purpose once the
// question was answered, so it is deleted after RETENTION_DAYS without activity. Conversations of
// people with a ticket are part of the ticket's record and follow the archive rules instead: every ticket
// and issued document is filed under an entry of knowledge/archive-nomenclator.yaml whose retention term
// (years or permanent) decides; they are never deleted here, since disposing of archived records needs the
// National Archives' approval (Legea 16/1996; docs/documents-and-archive.md).
// Before deleting, the yearly counts the indicators need are added to indicator_archive (numbers only).

export interface RetentionSummary {
  cutoff: string;
  conversations: number;
  messages: number;
  contacts: number;
}

const batchSize = 200;

async function addToArchive(executor: Executor, year: number, metric: string, key: string, value: number): Promise<void> {
  if (value === 0) return;
  await executor
    .insert(indicatorArchive)
    .values({ year, metric, key, value })
    .onConflictDoUpdate({ target: [indicatorArchive.year, indicatorArchive.metric, indicatorArchive.key], set: { value: sql`${indicatorArchive.value} + ${value}` } });
}

/** Counts what the deleted conversations contributed to each year's indicators, as computeIndicators counts it. */
async function archiveCounts(executor: Executor, conversationIds: number[]): Promise<void> {
  const rows = await executor.select().from(messages).where(inArray(messages.conversationId, conversationIds));
  const contactRows = await executor
    .select()
    .from(contacts)
    .where(inArray(contacts.id, [...new Set(rows.map((row) => row.contactId))]));
  const contactById = new Map(contactRows.map((contact) => [contact.id, contact]));
  const repliesByQuestion = new Map<number, string[]>();
  for (const row of rows) if (row.direction === 'outbound' && row.inReplyTo !== null) repliesByQuestion.set(row.inReplyTo, [...(repliesByQuestion.get(row.inReplyTo) ?? []), row.text]);

  const activeYears = new Map<string, { year: number; channel: string; contactId: number; conversationId: number }>();
  for (const row of rows) {
    const year = yearOf(row.createdAt);
    const slug = procedureOfAnswer(row);
    if (slug) await addToArchive(executor, year, 'procedure', slug, 1);
    if (row.direction !== 'inbound') continue;
    activeYears.set(`${row.conversationId}/${year}`, { year, channel: row.channel, contactId: row.contactId, conversationId: row.conversationId });
    if (unansweredReason(row, repliesByQuestion.get(row.id) ?? [])) await addToArchive(executor, year, 'unanswered', '', 1);
  }
  const countedContacts = new Set<string>();
  for (const { year, channel, contactId } of activeYears.values()) {
    await addToArchive(executor, year, 'conversations', channel, 1);
    const key = `${contactId}/${year}`;
    if (countedContacts.has(key)) continue;
    countedContacts.add(key);
    await addToArchive(executor, year, 'users', channel, 1);
    const contact = contactById.get(contactId);
    if (contact && yearOf(contact.createdAt) === year) await addToArchive(executor, year, 'new_users', channel, 1);
  }
}

/** Deletes the contacts left with neither a conversation nor a ticket, or strips their identity when another table still points at them. */
async function forgetContactsWithoutRecords(transaction: Executor, contactIds: Iterable<number>, now: Date): Promise<number> {
  let deleted = 0;
  for (const contactId of contactIds) {
    const remaining = await firstRow(transaction.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contactId)).limit(1));
    const ticket = await firstRow(transaction.select({ id: tickets.id }).from(tickets).where(eq(tickets.contactId, contactId)).limit(1));
    if (remaining || ticket) continue;
    const contact = await firstRow(transaction.select().from(contacts).where(eq(contacts.id, contactId)));
    if (!contact) continue;
    await transaction.delete(outbox).where(and(eq(outbox.channel, contact.channel), eq(outbox.recipient, contact.externalId), isNull(outbox.messageId)));
    try {
      await transaction.delete(contacts).where(eq(contacts.id, contactId));
      deleted += 1;
    } catch {
      // Another feature's table still points at this contact: keep the row, without the identity.
      await transaction
        .update(contacts)
        .set({ externalId: `expired:${contactId}`, displayName: null, channelData: null, anonymisedAt: now.toISOString() })
        .where(eq(contacts.id, contactId));
    }
  }
  return deleted;
}

export async function runRetention(database: Database, options: { days: number; now?: Date }): Promise<RetentionSummary> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.days * 86_400_000).toISOString();
  const summary: RetentionSummary = { cutoff, conversations: 0, messages: 0, contacts: 0 };
  if (options.days <= 0) return { ...summary, cutoff: '' };

  for (;;) {
    const done = await inTransaction(database, async (transaction) => {
      // Another instance's daily run (or `functionar retention run`) may be at it too: one batch at a time,
      // each reading what the previous one left, so no conversation is counted into the archive twice.
      await lockJob(transaction, 'retention');
      const expired = await transaction
        .select({ id: conversations.id, contactId: conversations.contactId })
        .from(conversations)
        .where(
          and(
            lt(sql`coalesce(${conversations.updatedAt}, ${conversations.createdAt})`, cutoff),
            notExists(transaction.select({ id: tickets.id }).from(tickets).where(eq(tickets.contactId, conversations.contactId))),
            notExists(transaction.select({ id: tickets.id }).from(tickets).where(eq(tickets.conversationId, conversations.id))),
            // A message written after the cutoff keeps the conversation, whatever updated_at says.
            notExists(
              transaction
                .select({ id: messages.id })
                .from(messages)
                .where(and(eq(messages.conversationId, conversations.id), sql`${messages.createdAt} >= ${cutoff}`)),
            ),
          ),
        )
        .limit(batchSize);
      if (expired.length === 0) return true;
      const conversationIds = expired.map((row) => row.id);
      await archiveCounts(transaction, conversationIds);
      const messageIds = (await transaction.select({ id: messages.id }).from(messages).where(inArray(messages.conversationId, conversationIds))).map((row) => row.id);
      if (messageIds.length > 0) {
        await transaction.delete(outbox).where(inArray(outbox.messageId, messageIds));
        await transaction.delete(messages).where(inArray(messages.id, messageIds));
      }
      await transaction.delete(conversations).where(inArray(conversations.id, conversationIds));
      summary.conversations += conversationIds.length;
      summary.messages += messageIds.length;
      summary.contacts += await forgetContactsWithoutRecords(transaction, new Set(expired.map((row) => row.contactId)), now);
      return expired.length < batchSize;
    });
    if (done) return summary;
  }
}
