import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import { firstRow, inTransaction, returnedRow, type Database, type Executor } from '../database/connection.ts';
import { recordEvent } from '../tickets/ticket-store.ts';
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
export function enqueue(executor: Executor, entry: OutboxEntry, now: Date): Promise<OutboxRow> {
  return returnedRow(
    executor
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
      .returning(),
  );
}

export async function dueEntries(executor: Executor, now: Date, limit = 50): Promise<OutboxRow[]> {
  return executor
    .select()
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now.toISOString())))
    .orderBy(asc(outbox.id))
    .limit(limit);
}

export async function entriesInState(executor: Executor, status: OutboxRow['status']): Promise<OutboxRow[]> {
  return executor.select().from(outbox).where(eq(outbox.status, status)).orderBy(asc(outbox.id));
}

export async function updateEntry(executor: Executor, id: number, changes: Partial<OutboxRow>): Promise<void> {
  await executor.update(outbox).set(changes).where(eq(outbox.id, id));
}

export function entryOfMessage(executor: Executor, messageId: number): Promise<OutboxRow | undefined> {
  return firstRow(executor.select().from(outbox).where(eq(outbox.messageId, messageId)));
}

/** Shown to the clerk next to a delivery a restore held back (admin inbox: "eșuat: de verificat …"). */
export const restoredToCheckReason =
  'de verificat: restaurat dintr-o copie de siguranță făcută cât timp aștepta trimiterea; poate fi deja livrat, deci nu a fost retrimis';

/**
 * After a restore, what the backup had pending or in flight may well have been delivered after the backup
 * was taken (the probe: 1,433 of 1,475 were): it is held as "to check" — failed with that reason, which
 * the worker never retries — instead of being sent a second time. Returns the rows held back.
 */
export async function holdPendingAfterRestore(executor: Executor): Promise<OutboxRow[]> {
  return executor
    .update(outbox)
    .set({ status: 'failed', lastError: restoredToCheckReason })
    .where(inArray(outbox.status, ['pending', 'sending']))
    .returning();
}

/** The entry whose delivery the channel identified by `externalId` (Telegram "chat:message", a wamid). */
export function entryByExternalId(executor: Executor, channel: string, externalId: string): Promise<OutboxRow | undefined> {
  return firstRow(
    executor
      .select()
      .from(outbox)
      .where(and(eq(outbox.channel, channel), eq(outbox.externalId, externalId))),
  );
}

/** What a platform reports about a message after it was sent, in the order it can happen. */
export type ReportedDeliveryStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

const deliveryProgress: Record<string, number> = { sent: 1, delivered: 2, read: 3, played: 4 };

export type DeliveryStatusOutcome = 'recorded' | 'unknown-message' | 'not-newer';

/**
 * A status the platform reports later lands on the outbox entry that carried the message. Reports may
 * arrive out of order: a later state never goes back. A failure is recorded on the ticket, for the clerk.
 */
export async function recordDeliveryStatus(
  database: Database,
  channel: string,
  report: { externalId: string; status: ReportedDeliveryStatus; at: Date; reason?: string },
): Promise<DeliveryStatusOutcome> {
  const at = report.at.toISOString();
  return inTransaction(database, async (transaction): Promise<DeliveryStatusOutcome> => {
    const entry = await entryByExternalId(transaction, channel, report.externalId);
    if (!entry) return 'unknown-message';
    if (report.status === 'failed') {
      if (entry.deliveryStatus === 'failed') return 'not-newer';
      await transaction.update(outbox).set({ status: 'failed', deliveryStatus: 'failed', deliveryStatusAt: at, lastError: report.reason ?? null }).where(eq(outbox.id, entry.id));
      if (entry.ticketId) await recordEvent(transaction, entry.ticketId, 'delivery_failed', { type: 'system', channel }, report.at, { outboxId: entry.id, reason: report.reason });
      return 'recorded';
    }
    const rank = deliveryProgress[report.status] ?? 0;
    if (entry.deliveryStatus === 'failed' || (deliveryProgress[entry.deliveryStatus ?? ''] ?? 0) >= rank) return 'not-newer';
    await transaction.update(outbox).set({ deliveryStatus: report.status, deliveryStatusAt: at }).where(eq(outbox.id, entry.id));
    return 'recorded';
  });
}
