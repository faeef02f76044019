import { DeliveryError, type ChannelAdapter } from '../gateway/channel-contract.ts';
import { renewEveryThirdOfLease, type InstanceClaims } from '../database/claims.ts';
import { inTransaction, type Database } from '../database/connection.ts';
import type { OutboxRow } from '../database/schema.ts';
import type { Logger } from '../logger.ts';
import type { OutboundMessage } from '../messages.ts';
import { recordEvent } from '../tickets/ticket-store.ts';
import { claimDueEntries, dueEntries, renewSendClaims, takeOverInterruptedSends, updateClaimedEntry } from './outbox-store.ts';

const maximumAttempts = 8;
const maximumBackoffMs = 5 * 60_000;

export function backoffDelayMs(attempt: number, retryAfterMs?: number): number {
  const exponential = Math.min(maximumBackoffMs, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.max(exponential, retryAfterMs ?? 0);
}

/**
 * Sends what the pipeline committed. Every instance on the database runs one; each claims an entry before
 * sending it (one UPDATE: "sending", attempt counted, claimed by this instance with a lease it renews while
 * the send runs), so no two instances send the same entry. An entry is claimed just before its send, one
 * at a time, so a "sending" row always means a send may have left. A crash between sending and recording
 * leaves such a row: this instance takes its own back when it restarts, any instance takes it over once
 * its lease ran out — re-sent only on channels whose send is idempotent, reported as uncertain on the
 * others rather than sent twice.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  /** Why the last drain stopped, until one goes through: `whenIdle` reports it rather than waiting forever. */
  private drainError: unknown;
  private stopped = false;
  /** Settles once the sends a previous run left "sending" are sorted out; no drain starts before. */
  private recovered: Promise<void> = Promise.resolve();
  private leaseRenewal: { stop(): void } | undefined;

  constructor(
    private readonly database: Database,
    private readonly adapters: ReadonlyMap<string, ChannelAdapter>,
    private readonly logger: Logger,
    private readonly pollMs: number,
    private readonly claims: InstanceClaims,
  ) {}

  /** Resolves once the interrupted sends are sorted out and delivering has begun. */
  async start(): Promise<void> {
    // A drain marks entries "sending": one running during recovery would be taken for interrupted.
    this.recovered = this.takeOverInterruptedSends(true);
    await this.recovered;
    if (this.stopped) return;
    this.leaseRenewal = renewEveryThirdOfLease(
      this.claims,
      () => renewSendClaims(this.database, this.claims, new Date()),
      (error) => this.logger.error({ err: error }, 'the leases of the sends in flight could not be renewed'),
    );
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
        this.drainError = undefined;
      } catch (error) {
        // Every caller kicks and moves on: a failing store (a read-only disk, a lost connection) must not end
        // the process with an unhandled rejection. The entries stay pending and the next poll tries again.
        this.drainError = error;
        this.logger.error({ err: error }, 'the outbox could not be drained; trying again at the next poll');
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
        if (this.drainError) throw this.drainError;
        continue;
      }
      if (this.stopped || (await dueEntries(this.database, new Date(), 1)).length === 0) return;
      await this.kick();
      if (this.drainError) throw this.drainError;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.draining;
    // Renewed until the last send finished: another instance must not take over a send still running here.
    this.leaseRenewal?.stop();
  }

  private async drain(): Promise<void> {
    await this.recovered;
    await this.takeOverInterruptedSends(false);
    while (!this.stopped) {
      // One at a time: an entry claimed but not yet sent would count as "maybe sent" if this instance died.
      const [entry] = await claimDueEntries(this.database, this.claims, new Date(), 1);
      if (!entry) return;
      await this.deliver(entry);
    }
  }

  /** Delivers an entry this instance claimed; `attempts` already counts this attempt. */
  private async deliver(entry: OutboxRow): Promise<void> {
    const adapter = this.adapters.get(entry.channel);
    const attempt = entry.attempts;
    if (!adapter) {
      await this.fail(entry, attempt, `channel "${entry.channel}" is not enabled`);
      return;
    }
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
      await this.record(entry, { status: 'sent', sentAt: new Date().toISOString(), externalId: result.externalId ?? null, lastError: null });
    } catch (error) {
      const retryable = error instanceof DeliveryError ? error.retryable : true;
      const reason = error instanceof Error ? error.message : String(error);
      if (retryable && attempt < maximumAttempts) {
        const delay = backoffDelayMs(attempt, error instanceof DeliveryError ? error.retryAfterMs : undefined);
        this.logger.warn({ outboxId: entry.id, channel: entry.channel, attempt, delay, reason }, 'delivery failed, will retry');
        await this.record(entry, { status: 'pending', lastError: reason, nextAttemptAt: new Date(Date.now() + delay).toISOString() });
      } else {
        await this.fail(entry, attempt, reason);
      }
    }
  }

  private async fail(entry: OutboxRow, attempt: number, reason: string): Promise<void> {
    this.logger.error({ outboxId: entry.id, channel: entry.channel, attempt, reason }, 'delivery failed for good');
    const now = new Date();
    await inTransaction(this.database, async (transaction) => {
      if (!(await updateClaimedEntry(transaction, entry.id, this.claims, { status: 'failed', attempts: attempt, lastError: reason }))) return this.claimLost(entry);
      // The clerk sees it on the ticket: the citizen did not get this answer.
      if (entry.ticketId) await recordEvent(transaction, entry.ticketId, 'delivery_failed', { type: 'system', channel: entry.channel }, now, { outboxId: entry.id, reason });
    });
  }

  private async record(entry: OutboxRow, changes: Partial<OutboxRow>): Promise<void> {
    if (!(await updateClaimedEntry(this.database, entry.id, this.claims, changes))) this.claimLost(entry);
  }

  /** The send outlived its lease (this process hung longer than the lease): another instance has taken the entry over. */
  private claimLost(entry: OutboxRow): void {
    this.logger.warn({ outboxId: entry.id, channel: entry.channel }, 'delivery outcome not recorded: its claim ran out and another instance took the entry over');
  }

  /** Sends whose sender is gone (src/outbox/outbox-store.ts); at start also this instance's own from before a crash. */
  private async takeOverInterruptedSends(atStart: boolean): Promise<void> {
    const idempotentChannels = [...this.adapters].filter(([, adapter]) => adapter.idempotentSend).map(([channel]) => channel);
    const { resent, uncertain } = await takeOverInterruptedSends(this.database, { now: new Date(), idempotentChannels, ownPreviousRun: atStart ? this.claims : undefined });
    if (resent > 0) this.logger.warn({ resent }, 'interrupted sends on idempotent channels: sending them again');
    for (const entry of uncertain) this.logger.error({ outboxId: entry.id, channel: entry.channel, attempt: entry.attempts }, 'interrupted send: delivery uncertain, not re-sent');
  }
}
