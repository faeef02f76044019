import { EventEmitter } from 'node:events';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { DatabaseHandle } from './connection.ts';

// Several instances on one PostgreSQL database behave as one (issue #20): what one instance publishes
// (a reply the outbox sent to a web chat session) reaches the subscribers of every instance, through
// PostgreSQL's LISTEN/NOTIFY. On SQLite there is one instance, and the bus stays in the process. Both
// take the same small payloads (ids and short events, never message bodies): NOTIFY refuses 8000 bytes.

/** Who hears a topic: each notification, and — on PostgreSQL — that listening resumed after a lost connection (notifications may have been missed meanwhile). */
export interface NotificationSubscriber {
  onNotification(payload: string): void;
  onResumed?(): void;
}

export interface NotificationBus {
  /** Delivers `payload` to the subscribers of `topic` on every instance, this one included, in the order published here. */
  publish(topic: string, payload: string): Promise<void>;
  /** Resolves once notifications published from now on reach the subscriber; the returned function ends the subscription. */
  subscribe(topic: string, subscriber: NotificationSubscriber): Promise<() => void>;
  close(): Promise<void>;
}

/** PostgreSQL's NOTIFY payload must be shorter than 8000 bytes; the in-process bus keeps the same limit, so a payload that works on SQLite works on PostgreSQL. */
export const maximumPayloadBytes = 7999;

/** Topics become PostgreSQL channel names (identifiers, written into LISTEN): short, lower case, nothing to quote. */
const topicPattern = /^[a-z][a-z0-9_]{0,39}$/;

export function checkTopic(topic: string): void {
  if (!topicPattern.test(topic)) throw new AppError('FV_ERR_NOTIFICATION_TOPIC', `A notification topic is lower-case letters, digits and _ (got "${topic}").`, 500);
}

export function checkPayload(topic: string, payload: string): void {
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > maximumPayloadBytes) {
    throw new AppError('FV_ERR_NOTIFICATION_TOO_LARGE', `A notification on "${topic}" is ${bytes} bytes; at most ${maximumPayloadBytes} travel (send ids, and read the rest from the database).`, 500);
  }
}

/** Hands a payload to each subscriber; one that throws does not keep it from the others. */
export function deliverTo(subscribers: Iterable<NotificationSubscriber>, payload: string, logger: Pick<Logger, 'warn'>, topic: string): void {
  for (const subscriber of [...subscribers]) {
    try {
      subscriber.onNotification(payload);
    } catch (error) {
      logger.warn({ err: error, topic }, 'A notification subscriber failed');
    }
  }
}

/** One instance (SQLite): subscribers are called at once, in the publishing order. */
export class InProcessNotificationBus implements NotificationBus {
  private readonly emitter = new EventEmitter();

  constructor(private readonly logger: Pick<Logger, 'warn'>) {
    this.emitter.setMaxListeners(0);
  }

  async publish(topic: string, payload: string): Promise<void> {
    checkTopic(topic);
    checkPayload(topic, payload);
    this.emitter.emit(topic, payload);
  }

  async subscribe(topic: string, subscriber: NotificationSubscriber): Promise<() => void> {
    checkTopic(topic);
    const listener = (payload: string) => deliverTo([subscriber], payload, this.logger, topic);
    this.emitter.on(topic, listener);
    return () => this.emitter.off(topic, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/** The bus for the database's engine: LISTEN/NOTIFY on PostgreSQL (on a connection of its own, taken from the pool), in-process on SQLite. */
export async function notificationBusFor(handle: DatabaseHandle, logger: Pick<Logger, 'warn' | 'info'>): Promise<NotificationBus> {
  if (handle.engine === 'sqlite') return new InProcessNotificationBus(logger);
  const { PostgresNotificationBus } = await import('./postgres-notification-bus.ts');
  return new PostgresNotificationBus(handle.pool, logger);
}
