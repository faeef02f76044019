import { and, eq } from 'drizzle-orm';
import { inTransaction, type Database } from '../../../src/database/connection.ts';
import { outbox } from '../../../src/database/schema.ts';
import { recordEvent } from '../../../src/tickets/ticket-store.ts';
import { describeCloudErrors, reEngagementErrorCode, type CloudStatus } from './webhook-payload.ts';

// Status webhooks (sent → delivered → read, or failed) land on the outbox entry that carried the
// message, found by its wamid. They may arrive out of order; a later state never goes back.

const progress: Record<string, number> = { sent: 1, delivered: 2, read: 3, played: 4 };

export type StatusOutcome = 'recorded' | 'unknown-message' | 'not-newer' | 'ignored';

export function recordDeliveryStatus(database: Database, channel: string, status: CloudStatus): StatusOutcome {
  const wamid = status.id;
  const name = status.status;
  if (!wamid || !name) return 'ignored';
  const seconds = Number(status.timestamp);
  const at = new Date(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : Date.now()).toISOString();
  return inTransaction(database, (transaction) => {
    const entry = transaction
      .select()
      .from(outbox)
      .where(and(eq(outbox.channel, channel), eq(outbox.externalId, wamid)))
      .get();
    if (!entry) return 'unknown-message';
    if (name === 'failed') {
      if (entry.deliveryStatus === 'failed') return 'not-newer';
      const outsideWindow = status.errors?.some((error) => error.code === reEngagementErrorCode);
      const reason = `WhatsApp could not deliver the message: ${describeCloudErrors(status.errors)}${
        outsideWindow ? ' — more than 24 hours passed since the citizen last wrote; contact them another way' : ''
      }`;
      transaction.update(outbox).set({ status: 'failed', deliveryStatus: 'failed', deliveryStatusAt: at, lastError: reason }).where(eq(outbox.id, entry.id)).run();
      // The clerk sees it on the ticket: the citizen did not get this answer.
      if (entry.ticketId) recordEvent(transaction, entry.ticketId, 'delivery_failed', { type: 'system', channel }, new Date(at), { outboxId: entry.id, reason });
      return 'recorded';
    }
    const rank = progress[name];
    if (rank === undefined) return 'ignored';
    if (entry.deliveryStatus === 'failed' || (progress[entry.deliveryStatus ?? ''] ?? 0) >= rank) return 'not-newer';
    transaction.update(outbox).set({ deliveryStatus: name, deliveryStatusAt: at }).where(eq(outbox.id, entry.id)).run();
    return 'recorded';
  });
}
