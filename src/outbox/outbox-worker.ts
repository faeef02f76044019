import { DeliveryError, type ChannelAdapter } from '../gateway/channel-contract.ts';
import { inTransaction, type Database } from '../database/connection.ts';
import type { OutboxRow } from '../database/schema.ts';
import type { Logger } from '../logger.ts';
import type { OutboundMessage } from '../messages.ts';
import { recordEvent } from '../tickets/ticket-store.ts';
import { dueEntries, entriesInState, updateEntry } from './outbox-store.ts';

const maximumAttempts = 8;
const maximumBackoffMs = 5 * 60_000;

export function backoffDelayMs(attempt: number, retryAfterMs?: number): number {
  const exponential = Math.min(maximumBackoffMs, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.max(exponential, retryAfterMs ?? 0);
}

/**
 * Sends what the pipeline committed. The attempt is recorded before the send, so a crash between
 * sending and recording leaves a "sending" row: on restart it is re-sent only on channels whose send
 * is idempotent, and reported as uncertain on the others rather than sent twice.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** Settles once the sends a previous run left "sending" are sorted out; no drain starts before. */
  private recovered: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: Database,
    private readonly adapters: ReadonlyMap<string, ChannelAdapter>,
    private readonly logger: Logger,
    private readonly pollMs: number,
  ) {}

  /** Resolves once the interrupted sends are sorted out and delivering has begun. */
  async start(): Promise<void> {
    // A drain marks entries "sending": one running during recovery would be taken for interrupted.
    this.recovered = this.recoverInterruptedSends();
    await this.recovered;
    if (this.stopped) return;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    void this.kick();
  }

  /** Drains due entries now; calls while a drain runs make it go round once more. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again && !this.stopped);
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  /**
   * Resolves once no drain is running and nothing is due: every entry committed before the call has
   * been attempted (sent, failed, or rescheduled for a later retry).
   */
  async whenIdle(): Promise<void> {
    for (;;) {
      if (this.draining) {
        await this.draining;
        continue;
      }
      if (this.stopped || (await dueEntries(this.database, new Date(), 1)).length === 0) return;
      await this.kick();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.draining;
  }

  private async drain(): Promise<void> {
    await this.recovered;
    for (;;) {
      const entries = await dueEntries(this.database, new Date());
      if (entries.length === 0 || this.stopped) return;
      for (const entry of entries) {
        if (this.stopped) return;
        await this.deliver(entry);
      }
    }
  }

  private async deliver(entry: OutboxRow): Promise<void> {
    const adapter = this.adapters.get(entry.channel);
    const attempt = entry.attempts + 1;
    if (!adapter) {
      await this.fail(entry, attempt, `channel "${entry.channel}" is not enabled`);
      return;
    }
    await updateEntry(this.database, entry.id, { status: 'sending', attempts: attempt });
    const payload = entry.payload as { message: OutboundMessage; recipientChannelData: Record<string, unknown> | null };
    try {
      const result = await adapter.send({
        outboxId: entry.id,
        messageId: entry.messageId,
        recipient: entry.recipient,
        recipientChannelData: payload.recipientChannelData,
        message: payload.message,
        createdAt: entry.createdAt,
      });
      await updateEntry(this.database, entry.id, { status: 'sent', sentAt: new Date().toISOString(), externalId: result.externalId ?? null, lastError: null });
    } catch (error) {
      const retryable = error instanceof DeliveryError ? error.retryable : true;
      const reason = error instanceof Error ? error.message : String(error);
      if (retryable && attempt < maximumAttempts) {
        const delay = backoffDelayMs(attempt, error instanceof DeliveryError ? error.retryAfterMs : undefined);
        this.logger.warn({ outboxId: entry.id, channel: entry.channel, attempt, delay, reason }, 'delivery failed, will retry');
        await updateEntry(this.database, entry.id, { status: 'pending', lastError: reason, nextAttemptAt: new Date(Date.now() + delay).toISOString() });
      } else {
        await this.fail(entry, attempt, reason);
      }
    }
  }

  private async fail(entry: OutboxRow, attempt: number, reason: string): Promise<void> {
    this.logger.error({ outboxId: entry.id, channel: entry.channel, attempt, reason }, 'delivery failed for good');
    const now = new Date();
    await inTransaction(this.database, async (transaction) => {
      await updateEntry(transaction, entry.id, { status: 'failed', attempts: attempt, lastError: reason });
      // The clerk sees it on the ticket: the citizen did not get this answer.
      if (entry.ticketId) await recordEvent(transaction, entry.ticketId, 'delivery_failed', { type: 'system', channel: entry.channel }, now, { outboxId: entry.id, reason });
    });
  }

  private async recoverInterruptedSends(): Promise<void> {
    for (const entry of await entriesInState(this.database, 'sending')) {
      const adapter = this.adapters.get(entry.channel);
      if (adapter?.idempotentSend) {
        await updateEntry(this.database, entry.id, { status: 'pending', nextAttemptAt: new Date().toISOString() });
      } else {
        await this.fail(entry, entry.attempts, 'interrupted while sending: delivery uncertain, not re-sent to avoid a duplicate');
      }
    }
  }
}
