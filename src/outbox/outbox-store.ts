import { and, asc, eq, inArray, isNull, lt, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { leaseEnd, type InstanceClaims } from '../database/claims.ts';
import { firstRow, inTransaction, returnedRow, type Database, type Executor } from '../database/connection.ts';
import { skipLockedRows } from '../database/sql-dialect.ts';
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

/**
 * Claims up to `limit` due entries for this instance in one statement: they become "sending", their attempt
 * is counted and the claim is leased, before any send starts. Concurrent instances skip each other's rows
 * (PostgreSQL) or run one at a time (SQLite), so no entry is claimed twice.
 */
export async function claimDueEntries(executor: Executor, claims: InstanceClaims, now: Date, limit: number): Promise<OutboxRow[]> {
  const due = sql`select ${outbox.id} from ${outbox} where ${outbox.status} = 'pending' and ${outbox.nextAttemptAt} <= ${now.toISOString()} order by ${outbox.id} limit ${limit}${skipLockedRows(executor)}`;
  const claimed = await executor
    .update(outbox)
    .set({ status: 'sending', attempts: sql`${outbox.attempts} + 1`, claimedBy: claims.id, leaseUntil: leaseEnd(claims, now) })
    .where(sql`${outbox.id} in (${due})`)
    .returning();
  return claimed.sort((first, second) => first.id - second.id);
}

/** Extends the lease of every send this instance has in flight. */
export async function renewSendClaims(executor: Executor, claims: InstanceClaims, now: Date): Promise<void> {
  await executor
    .update(outbox)
    .set({ leaseUntil: leaseEnd(claims, now) })
    .where(and(eq(outbox.status, 'sending'), eq(outbox.claimedBy, claims.id)));
}

/**
 * Records the outcome of a send this instance claimed; false when the claim was no longer its own (its lease
 * ran out and another instance took the entry over), in which case nothing is changed.
 */
export async function updateClaimedEntry(executor: Executor, id: number, claims: InstanceClaims, changes: Partial<OutboxRow>): Promise<boolean> {
  const updated = await executor
    .update(outbox)
    .set(changes)
    .where(and(eq(outbox.id, id), eq(outbox.status, 'sending'), eq(outbox.claimedBy, claims.id)))
    .returning({ id: outbox.id });
  return updated.length > 0;
}

export const interruptedSendReason = 'interrupted while sending: delivery uncertain, not re-sent to avoid a duplicate';

/**
 * Sends whose sender is gone: "sending" with a lease that ran out (the instance died or hung), with no lease
 * (written before claims existed), or — when this instance has just started — claimed by itself in its
 * previous life. Whether a send left the machine before the crash is unknown: an entry on a channel whose
 * send is idempotent goes back to "pending" (sent again, no visible duplicate); any other is failed as
 * uncertain, recorded on its ticket for the clerk. Each is one conditional UPDATE, so of two instances
 * taking over at once only one gets a given entry. Returns the entries failed as uncertain.
 */
export async function takeOverInterruptedSends(
  database: Database,
  options: { now: Date; idempotentChannels: string[]; ownPreviousRun?: InstanceClaims },
): Promise<{ resent: number; uncertain: OutboxRow[] }> {
  const now = options.now.toISOString();
  const interrupted: SQL | undefined = and(
    eq(outbox.status, 'sending'),
    or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, now), options.ownPreviousRun ? eq(outbox.claimedBy, options.ownPreviousRun.id) : undefined),
  );
  // Every poll of every instance asks: a read first, so the usual answer ("none") takes no write lock.
  if (!(await firstRow(database.select({ id: outbox.id }).from(outbox).where(interrupted).limit(1)))) return { resent: 0, uncertain: [] };
  const resent =
    options.idempotentChannels.length === 0
      ? []
      : await database
          .update(outbox)
          .set({ status: 'pending', nextAttemptAt: now, claimedBy: null, leaseUntil: null })
          .where(and(interrupted, inArray(outbox.channel, options.idempotentChannels)))
          .returning({ id: outbox.id });
  const uncertain = await inTransaction(database, async (transaction) => {
    const failed = await transaction
      .update(outbox)
      .set({ status: 'failed', lastError: interruptedSendReason, claimedBy: null, leaseUntil: null })
      .where(and(interrupted, options.idempotentChannels.length === 0 ? undefined : notInArray(outbox.channel, options.idempotentChannels)))
      .returning();
    for (const entry of failed) {
      // The clerk sees it on the ticket: the citizen may not have got this answer.
      if (entry.ticketId) await recordEvent(transaction, entry.ticketId, 'delivery_failed', { type: 'system', channel: entry.channel }, options.now, { outboxId: entry.id, reason: interruptedSendReason });
    }
    return failed;
  });
  return { resent: resent.length, uncertain };
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
