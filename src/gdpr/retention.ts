import { and, eq, inArray, isNull, lt, notExists, sql } from 'drizzle-orm';
import { inTransaction, type Database, type Executor } from '../database/connection.ts';
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

function addToArchive(executor: Executor, year: number, metric: string, key: string, value: number): void {
  if (value === 0) return;
  executor
    .insert(indicatorArchive)
    .values({ year, metric, key, value })
    .onConflictDoUpdate({ target: [indicatorArchive.year, indicatorArchive.metric, indicatorArchive.key], set: { value: sql`${indicatorArchive.value} + ${value}` } })
    .run();
}

/** Counts what the deleted conversations contributed to each year's indicators, as computeIndicators counts it. */
function archiveCounts(executor: Executor, conversationIds: number[]): void {
  const rows = executor.select().from(messages).where(inArray(messages.conversationId, conversationIds)).all();
  const contactRows = executor
    .select()
    .from(contacts)
    .where(inArray(contacts.id, [...new Set(rows.map((row) => row.contactId))]))
    .all();
  const contactById = new Map(contactRows.map((contact) => [contact.id, contact]));
  const repliesByQuestion = new Map<number, string[]>();
  for (const row of rows) if (row.direction === 'outbound' && row.inReplyTo !== null) repliesByQuestion.set(row.inReplyTo, [...(repliesByQuestion.get(row.inReplyTo) ?? []), row.text]);

  const activeYears = new Map<string, { year: number; channel: string; contactId: number; conversationId: number }>();
  for (const row of rows) {
    const year = yearOf(row.createdAt);
    const slug = procedureOfAnswer(row);
    if (slug) addToArchive(executor, year, 'procedure', slug, 1);
    if (row.direction !== 'inbound') continue;
    activeYears.set(`${row.conversationId}/${year}`, { year, channel: row.channel, contactId: row.contactId, conversationId: row.conversationId });
    if (unansweredReason(row, repliesByQuestion.get(row.id) ?? [])) addToArchive(executor, year, 'unanswered', '', 1);
  }
  const countedContacts = new Set<string>();
  for (const { year, channel, contactId } of activeYears.values()) {
    addToArchive(executor, year, 'conversations', channel, 1);
    const key = `${contactId}/${year}`;
    if (countedContacts.has(key)) continue;
    countedContacts.add(key);
    addToArchive(executor, year, 'users', channel, 1);
    const contact = contactById.get(contactId);
    if (contact && yearOf(contact.createdAt) === year) addToArchive(executor, year, 'new_users', channel, 1);
  }
}

export function runRetention(database: Database, options: { days: number; now?: Date }): RetentionSummary {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.days * 86_400_000).toISOString();
  const summary: RetentionSummary = { cutoff, conversations: 0, messages: 0, contacts: 0 };
  if (options.days <= 0) return { ...summary, cutoff: '' };

  for (;;) {
    const done = inTransaction(database, (transaction) => {
      const expired = transaction
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
        .limit(batchSize)
        .all();
      if (expired.length === 0) return true;
      const conversationIds = expired.map((row) => row.id);
      archiveCounts(transaction, conversationIds);
      const messageIds = transaction.select({ id: messages.id }).from(messages).where(inArray(messages.conversationId, conversationIds)).all().map((row) => row.id);
      if (messageIds.length > 0) {
        transaction.delete(outbox).where(inArray(outbox.messageId, messageIds)).run();
        transaction.delete(messages).where(inArray(messages.id, messageIds)).run();
      }
      transaction.delete(conversations).where(inArray(conversations.id, conversationIds)).run();
      summary.conversations += conversationIds.length;
      summary.messages += messageIds.length;

      for (const contactId of new Set(expired.map((row) => row.contactId))) {
        const remaining = transaction.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contactId)).get();
        const ticket = transaction.select({ id: tickets.id }).from(tickets).where(eq(tickets.contactId, contactId)).get();
        if (remaining || ticket) continue;
        const contact = transaction.select().from(contacts).where(eq(contacts.id, contactId)).get();
        if (!contact) continue;
        transaction.delete(outbox).where(and(eq(outbox.channel, contact.channel), eq(outbox.recipient, contact.externalId), isNull(outbox.messageId))).run();
        try {
          transaction.delete(contacts).where(eq(contacts.id, contactId)).run();
          summary.contacts += 1;
        } catch {
          // Another feature's table still points at this contact: keep the row, without the identity.
          transaction
            .update(contacts)
            .set({ externalId: `expired:${contactId}`, displayName: null, channelData: null, anonymisedAt: now.toISOString() })
            .where(eq(contacts.id, contactId))
            .run();
        }
      }
      return expired.length < batchSize;
    });
    if (done) return summary;
  }
}
