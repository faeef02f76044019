import type pg from 'pg';
import type { Logger } from '../logger.ts';
import { checkPayload, checkTopic, deliverTo, type NotificationBus, type NotificationSubscriber } from './notification-bus.ts';

// LISTEN/NOTIFY between the instances sharing a PostgreSQL database. Notifications arrive on the
// connection that LISTENs, so the bus keeps one connection of its own (taken from the pool and never
// returned to it: a pooled connection would carry its LISTENs to whoever borrows it next). When that
// connection is lost (a restart, a failover, pg_terminate_backend), the bus connects again, LISTENs
// again and tells the subscribers it resumed, since what was published meanwhile did not reach them.

/** Prefixed, so the app's channels cannot meet another program's on a shared database. */
const channelPrefix = 'fv_';
const firstRetryDelayMs = 100;
const longestRetryDelayMs = 5000;

function channelOf(topic: string): string {
  return `${channelPrefix}${topic}`;
}

/** Topics are checked against a pattern that needs no quoting; quoted anyway, as identifiers are. */
function listenStatement(command: 'LISTEN' | 'UNLISTEN', topic: string): string {
  return `${command} "${channelOf(topic)}"`;
}

export class PostgresNotificationBus implements NotificationBus {
  private readonly subscribers = new Map<string, Set<NotificationSubscriber>>();
  private client: pg.PoolClient | undefined;
  /** Connecting, LISTEN and UNLISTEN run one after another, so a reconnection and a new topic never interleave. */
  private commands: Promise<unknown> = Promise.resolve();
  /** NOTIFYs go out one after another: two in flight on two pooled connections could commit out of order. */
  private publishing: Promise<unknown> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = firstRetryDelayMs;
  private closed = false;
  /** A client is handed back once: its 'error' and 'end' may both follow a loss, or come after close(). */
  private readonly discarded = new WeakSet<pg.PoolClient>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
  ) {}

  async publish(topic: string, payload: string): Promise<void> {
    checkTopic(topic);
    checkPayload(topic, payload);
    const sent = this.publishing.then(() => this.pool.query('select pg_notify($1, $2)', [channelOf(topic), payload]));
    this.publishing = sent.catch(() => undefined);
    await sent;
  }

  async subscribe(topic: string, subscriber: NotificationSubscriber): Promise<() => void> {
    checkTopic(topic);
    const topicSubscribers = this.subscribers.get(topic) ?? new Set<NotificationSubscriber>();
    this.subscribers.set(topic, topicSubscribers);
    topicSubscribers.add(subscriber);
    try {
      // LISTEN is idempotent: repeating it for a topic already heard costs a round trip, and proves the connection is up.
      await this.inTurn(async () => (await this.listeningClient()).query(listenStatement('LISTEN', topic)));
    } catch (error) {
      this.forget(topic, subscriber);
      throw error;
    }
    return () => this.forget(topic, subscriber);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.commands.catch(() => undefined);
    await this.publishing;
    const client = this.client;
    this.client = undefined;
    // Destroyed, not returned: the pool is about to end, and must not wait for it or inherit its LISTENs.
    if (client) this.discard(client, undefined);
  }

  /** With an error (or true) the pool ends the connection instead of lending it out again. */
  private discard(client: pg.PoolClient, error: Error | undefined): void {
    if (this.discarded.has(client)) return;
    this.discarded.add(client);
    client.release(error ?? true);
  }

  private forget(topic: string, subscriber: NotificationSubscriber): void {
    const topicSubscribers = this.subscribers.get(topic);
    if (!topicSubscribers?.delete(subscriber) || topicSubscribers.size > 0) return;
    this.subscribers.delete(topic);
    void this.inTurn(async () => {
      if (this.client && !this.subscribers.has(topic)) await this.client.query(listenStatement('UNLISTEN', topic));
    }).catch((error: unknown) => this.logger.warn({ err: error, topic }, 'UNLISTEN failed; the connection is replaced if it was lost'));
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const done = this.commands.then(work);
    this.commands = done.catch(() => undefined);
    return done;
  }

  /** The listening connection, opened (and LISTENing to every topic subscribed) when there is none. Called in turn only. */
  private async listeningClient(): Promise<pg.PoolClient> {
    if (this.client) return this.client;
    const client = await this.pool.connect();
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      this.connectionLost(client, error);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => this.received(message));
    try {
      for (const topic of this.subscribers.keys()) await client.query(listenStatement('LISTEN', topic));
    } catch (error) {
      onLost(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    if (lost) throw new Error('The listening connection was lost while it was being opened');
    this.client = client;
    return client;
  }

  private received(message: pg.Notification): void {
    if (!message.channel.startsWith(channelPrefix)) return;
    const topic = message.channel.slice(channelPrefix.length);
    const topicSubscribers = this.subscribers.get(topic);
    if (topicSubscribers) deliverTo(topicSubscribers, message.payload ?? '', this.logger, topic);
  }

  private connectionLost(client: pg.PoolClient, error: Error | undefined): void {
    if (this.client === client) this.client = undefined;
    const wasOpen = !this.discarded.has(client);
    this.discard(client, error);
    if (this.closed || !wasOpen) return;
    this.logger.warn({ err: error }, 'The connection listening for notifications was lost; connecting again');
    this.retryDelayMs = firstRetryDelayMs;
    this.scheduleReconnection();
  }

  private scheduleReconnection(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.reconnect();
    }, this.retryDelayMs);
  }

  private async reconnect(): Promise<void> {
    if (this.closed || this.subscribers.size === 0) return;
    try {
      await this.inTurn(() => this.listeningClient());
    } catch (error) {
      if (this.closed) return;
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, longestRetryDelayMs);
      this.logger.warn({ err: error, retryInMs: this.retryDelayMs }, 'Listening for notifications failed; trying again');
      this.scheduleReconnection();
      return;
    }
    this.logger.info({ topics: [...this.subscribers.keys()] }, 'Listening for notifications again');
    for (const topicSubscribers of [...this.subscribers.values()]) {
      for (const subscriber of [...topicSubscribers]) {
        try {
          subscriber.onResumed?.();
        } catch (error) {
          this.logger.warn({ err: error }, 'A notification subscriber failed on resuming');
        }
      }
    }
  }
}
