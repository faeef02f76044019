import { EventEmitter } from 'node:events';
import { asc, eq, gt, max } from 'drizzle-orm';
import { firstRow, type Executor } from '../database/connection.ts';
import { ticketEvents, tickets } from '../database/schema.ts';
import { ticketLabel } from '../tickets/ticket-store.ts';

// What the open inbox pages are told, live: a new ticket, a citizen's message on a ticket's thread, and
// any other change to a ticket (answered, assigned, closed, opened by a clerk).
//
// Fed by the audit trail, not by hooks in the ticket code: every change to a ticket already writes a
// ticket_events row in the transaction that makes it, so tailing that table (one indexed query a second,
// only while some clerk has an inbox open) sees exactly the committed changes — also those made by the
// CLI or another process on the same database — and nothing that was rolled back. The emitter is per
// app (per database), so two apps in one process never hear each other.

export type InboxEventType = 'ticket-created' | 'citizen-message' | 'ticket-updated';

export interface InboxEvent {
  /** The ticket_events row's id: the stream's event id, from which a reconnecting browser resumes. */
  id: number;
  type: InboxEventType;
  data: {
    /** "12/2026" */
    ticket: string;
    year: number;
    number: number;
    /** The audit event's kind (created, citizen_message, reply, viewed…). */
    kind: string;
    status: string;
    /** Citizen messages no clerk has opened yet. */
    unread: number;
  };
}

/** How often the audit trail is read while someone listens. */
export const inboxPollIntervalMs = 1000;
/** A reconnecting browser is sent at most this many missed events (then it reloads what it shows anyway). */
const replayLimit = 200;
/**
 * PostgreSQL gives a row its id when it is inserted and shows it when its transaction commits, so with
 * instances writing at once a row with a lower id can appear after a higher one was read. Every read looks
 * this many ids back and sends only what it has not sent; the concurrent transactions of a town hall's
 * instances stay far below it. (On SQLite, one writer at a time, ids appear in order.)
 */
const lateCommitWindow = 200;

function eventType(kind: string): InboxEventType {
  if (kind === 'created') return 'ticket-created';
  if (kind === 'citizen_message') return 'citizen-message';
  return 'ticket-updated';
}

/**
 * Audit rows after `afterId`, oldest first: the ticket's events with the ticket as it is now, and the id of
 * the last row read (rows about no ticket, like a listed inbox, are read past but not sent).
 */
async function eventsAfter(executor: Executor, afterId: number, limit: number): Promise<{ events: InboxEvent[]; lastId: number }> {
  const rows = await executor
    .select({ id: ticketEvents.id, kind: ticketEvents.kind, year: tickets.year, number: tickets.number, status: tickets.status, unread: tickets.unreadCitizenMessages })
    .from(ticketEvents)
    .leftJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
    .where(gt(ticketEvents.id, afterId))
    .orderBy(asc(ticketEvents.id))
    .limit(limit);
  const events: InboxEvent[] = [];
  for (const row of rows) {
    if (row.year === null || row.number === null || row.status === null || row.unread === null) continue;
    const data = { ticket: ticketLabel({ year: row.year, number: row.number }), year: row.year, number: row.number, kind: row.kind, status: row.status, unread: row.unread };
    events.push({ id: row.id, type: eventType(row.kind), data });
  }
  return { events, lastId: rows.at(-1)?.id ?? afterId };
}

async function latestEventId(executor: Executor): Promise<number> {
  const latest = await firstRow(executor.select({ highest: max(ticketEvents.id) }).from(ticketEvents));
  return latest?.highest ?? 0;
}

/** One per app: reads the audit trail while at least one inbox stream is open and fans its events out. */
export class InboxEvents {
  private readonly emitter = new EventEmitter();
  private timer: NodeJS.Timeout | undefined;
  private lastId = 0;
  /** Where listening started: nothing at or before it is news. */
  private startId = 0;
  /** Ids sent within the late-commit window. */
  private readonly sentIds = new Set<number>();
  /** Resolves once listening has started (the id to read from is known); undefined while nobody listens. */
  private started: Promise<void> | undefined;
  /** The read under way: a tick that comes while it runs is skipped, so events go out once and in order. */
  private polling: Promise<void> | undefined;

  constructor(
    private readonly executor: Executor,
    /** A failed read (the database busy with the CLI's write) is reported here and tried again at the next tick. */
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = inboxPollIntervalMs,
  ) {
    this.emitter.setMaxListeners(0);
  }

  /**
   * Listens from now on: the listener is attached at once, and the promise resolves when every change
   * committed from then on will be heard. Resolves to the function that stops listening.
   */
  async subscribe(listener: (event: InboxEvent) => void): Promise<() => void> {
    if (this.emitter.listenerCount('event') === 0) this.started = this.start();
    this.emitter.on('event', listener);
    const unsubscribe = () => {
      this.emitter.off('event', listener);
      if (this.emitter.listenerCount('event') === 0) this.stop();
    };
    try {
      await this.started;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /** What a browser that saw event `lastSeenId` missed (bounded). */
  async missedSince(lastSeenId: number): Promise<InboxEvent[]> {
    return (await eventsAfter(this.executor, lastSeenId, replayLimit)).events;
  }

  /** Reads new audit rows now and tells the listeners (the timer calls this every interval). */
  async poll(): Promise<void> {
    const from = Math.max(this.startId, this.lastId - lateCommitWindow);
    const { events, lastId } = await eventsAfter(this.executor, from, 500 + lateCommitWindow);
    this.lastId = Math.max(this.lastId, lastId);
    for (const event of events) {
      if (this.sentIds.has(event.id)) continue;
      this.sentIds.add(event.id);
      this.emitter.emit('event', event);
    }
    for (const id of this.sentIds) if (id <= this.lastId - lateCommitWindow) this.sentIds.delete(id);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.started = undefined;
  }

  private async start(): Promise<void> {
    const timer = setInterval(() => this.tick(), this.intervalMs);
    timer.unref();
    this.timer = timer;
    const lastId = await latestEventId(this.executor);
    // Stopped (everyone left) or started again while the id was read: that start owns the state.
    if (this.timer === timer) {
      this.lastId = lastId;
      this.startId = lastId;
      this.sentIds.clear();
    }
  }

  private tick(): void {
    // Before the start's read has answered there is nothing to read from; a tick while a read runs waits.
    if (this.polling || !this.started) return;
    this.polling = this.started
      .then(() => this.poll())
      // Nothing is lost: the last id read stays, so the next tick reads from there.
      .catch((error: unknown) => this.onError(error))
      .finally(() => (this.polling = undefined));
  }
}
