import { and, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { messages, outbox } from '../../src/database/schema.ts';
import { eventually } from './test-app.ts';

export interface SettleOptions {
  /** What the failure message says was awaited. */
  what?: string;
  timeoutMs?: number;
  /**
   * A delivery that failed and waits for its retry counts as handled. Off by default: a test that
   * counts what went out must not stop counting while a retry is still to come.
   */
  retriesMayWait?: boolean;
}

/**
 * Waits until the app has finished with everything it accepted: every stored inbound message is
 * answered (its replies committed in the same transaction), no outbox entry is waiting or in flight,
 * and the outbox worker is idle. A test that then counts what went out counts the final number: a
 * duplicate that was going to be answered a second time would have been stored, answered and sent.
 */
export async function settled(app: FastifyInstance, options: SettleOptions | string = {}): Promise<void> {
  const { what = 'the app to settle', timeoutMs = 10_000, retriesMayWait = false } = typeof options === 'string' ? { what: options } : options;
  const { database, outbox: worker } = app.functionar;
  const db = database.db;
  const busy = async () => {
    const unanswered = await db.select({ id: messages.id }).from(messages).where(and(eq(messages.direction, 'inbound'), isNull(messages.processedAt)));
    const now = new Date().toISOString();
    const waiting = retriesMayWait
      ? or(eq(outbox.status, 'sending'), and(eq(outbox.status, 'pending'), or(eq(outbox.attempts, 0), lte(outbox.nextAttemptAt, now))))
      : inArray(outbox.status, ['pending', 'sending']);
    const undelivered = await db.select({ id: outbox.id }).from(outbox).where(waiting);
    return unanswered.length + undelivered.length > 0;
  };
  await eventually(
    async () => {
      await worker.whenIdle();
      return (await busy()) ? undefined : true;
    },
    timeoutMs,
    what,
  );
}
