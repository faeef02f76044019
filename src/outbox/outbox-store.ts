import { and, asc, eq, lte } from 'drizzle-orm';
import type { Executor } from '../database/connection.ts';
import { outbox, type OutboxRow } from '../database/schema.ts';
import type { OutboundMessage } from '../messages.ts';

export interface OutboxEntry {
  channel: string;
  recipient: string;
  message: OutboundMessage;
  messageId?: number;
  ticketId?: number;
  recipientChannelData?: Record<string, unknown> | null;
}

/** Written in the same transaction as the message it carries: what is committed will be sent. */
export function enqueue(executor: Executor, entry: OutboxEntry, now: Date): OutboxRow {
  return executor
    .insert(outbox)
    .values({
      channel: entry.channel,
      recipient: entry.recipient,
      messageId: entry.messageId,
      ticketId: entry.ticketId,
      payload: { message: entry.message, recipientChannelData: entry.recipientChannelData ?? null },
      status: 'pending',
      nextAttemptAt: now.toISOString(),
      createdAt: now.toISOString(),
    })
    .returning()
    .get();
}

export function dueEntries(executor: Executor, now: Date, limit = 50): OutboxRow[] {
  return executor
    .select()
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now.toISOString())))
    .orderBy(asc(outbox.id))
    .limit(limit)
    .all();
}

export function entriesInState(executor: Executor, status: OutboxRow['status']): OutboxRow[] {
  return executor.select().from(outbox).where(eq(outbox.status, status)).orderBy(asc(outbox.id)).all();
}

export function updateEntry(executor: Executor, id: number, changes: Partial<OutboxRow>): void {
  executor.update(outbox).set(changes).where(eq(outbox.id, id)).run();
}

export function entryOfMessage(executor: Executor, messageId: number): OutboxRow | undefined {
  return executor.select().from(outbox).where(eq(outbox.messageId, messageId)).get();
}
