import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessNotificationBus, type NotificationBus } from '../../src/database/notification-bus.ts';
import { PostgresNotificationBus } from '../../src/database/postgres-notification-bus.ts';
import { freshPostgresDatabase } from '../helpers/test-database.ts';

// Two instances on one PostgreSQL database hear each other through LISTEN/NOTIFY: each bus here has a
// pool of its own, as an instance would. The listening connection is killed from outside, as a restart
// or a failover would; the bus connects again and later notifications arrive.

const silent = pino({ level: 'silent' });
const opened: { bus: NotificationBus; pool: pg.Pool }[] = [];

async function instanceOn(url: string): Promise<{ bus: PostgresNotificationBus; pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  const bus = new PostgresNotificationBus(pool, silent);
  opened.push({ bus, pool });
  return { bus, pool };
}

/** Notifications as they arrive, and a promise for the next ones a test waits for. */
function recorder() {
  const payloads: string[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let resumed = 0;
  const resumeWaiters: (() => void)[] = [];
  return {
    payloads,
    subscriber: {
      onNotification: (payload: string) => {
        payloads.push(payload);
        for (const waiter of waiters.filter((item) => payloads.length >= item.count)) waiter.resolve();
      },
      onResumed: () => {
        resumed += 1;
        for (const resolve of resumeWaiters.splice(0)) resolve();
      },
    },
    received: (count: number) => new Promise<void>((resolve) => (payloads.length >= count ? resolve() : waiters.push({ count, resolve }))),
    nextResumption: () => {
      const before = resumed;
      return new Promise<void>((resolve) => (resumed > before ? resolve() : resumeWaiters.push(resolve)));
    },
  };
}

/** The backend of the connection that LISTENs (its last statement was the LISTEN). */
async function listeningBackends(pool: pg.Pool): Promise<number[]> {
  const result = await pool.query<{ pid: number }>("select pid from pg_stat_activity where datname = current_database() and query ilike 'listen %' and pid <> pg_backend_pid()");
  return result.rows.map((row) => row.pid);
}

afterEach(async () => {
  for (const { bus, pool } of opened.splice(0)) {
    await bus.close();
    // Ends only when the bus gave its connection back.
    await pool.end();
  }
});

describe('the PostgreSQL notification bus', () => {
  it('carries what one instance publishes to the subscribers of every instance, in the order published', async () => {
    const url = (await freshPostgresDatabase())!;
    const first = await instanceOn(url);
    const second = await instanceOn(url);
    const onSecond = recorder();
    const onFirst = recorder();
    await second.bus.subscribe('webchat', onSecond.subscriber);
    await first.bus.subscribe('webchat', onFirst.subscriber);
    const otherTopic = recorder();
    await second.bus.subscribe('inbox', otherTopic.subscriber);

    const sent = Array.from({ length: 20 }, (_, index) => JSON.stringify({ sessionId: 's1', messageId: index + 1 }));
    await Promise.all(sent.map((payload) => first.bus.publish('webchat', payload)));
    await first.bus.publish('inbox', 'ticket 7');

    await onSecond.received(20);
    await onFirst.received(20);
    await otherTopic.received(1);
    expect(onSecond.payloads).toEqual(sent);
    expect(onFirst.payloads).toEqual(sent);
    expect(otherTopic.payloads).toEqual(['ticket 7']);
  });

  it('listens again after its connection is terminated, and hears what is published afterwards', async () => {
    const url = (await freshPostgresDatabase())!;
    const publisher = await instanceOn(url);
    const listener = await instanceOn(url);
    const heard = recorder();
    await listener.bus.subscribe('webchat', heard.subscriber);
    await publisher.bus.publish('webchat', 'before');
    await heard.received(1);

    const [backend] = await listeningBackends(publisher.pool);
    expect(backend).toBeTypeOf('number');
    const resumed = heard.nextResumption();
    await publisher.pool.query('select pg_terminate_backend($1)', [backend]);
    await resumed;

    const [replacement] = await listeningBackends(publisher.pool);
    expect(replacement).toBeTypeOf('number');
    expect(replacement).not.toBe(backend);
    await publisher.bus.publish('webchat', 'after');
    await heard.received(2);
    expect(heard.payloads).toEqual(['before', 'after']);
  });

  it('stops delivering to a subscription that ended', async () => {
    const url = (await freshPostgresDatabase())!;
    const instance = await instanceOn(url);
    const ended = recorder();
    const staying = recorder();
    const unsubscribe = await instance.bus.subscribe('webchat', ended.subscriber);
    await instance.bus.subscribe('webchat', staying.subscriber);
    await instance.bus.publish('webchat', 'one');
    await ended.received(1);
    unsubscribe();
    await instance.bus.publish('webchat', 'two');
    await staying.received(2);
    expect(ended.payloads).toEqual(['one']);
  });

  it('refuses a payload NOTIFY would refuse, on PostgreSQL and in-process alike', async () => {
    const url = (await freshPostgresDatabase())!;
    const instance = await instanceOn(url);
    const tooLarge = 'x'.repeat(8000);
    await expect(instance.bus.publish('webchat', tooLarge)).rejects.toMatchObject({ code: 'FV_ERR_NOTIFICATION_TOO_LARGE' });
    await expect(new InProcessNotificationBus(silent).publish('webchat', tooLarge)).rejects.toMatchObject({ code: 'FV_ERR_NOTIFICATION_TOO_LARGE' });
    await expect(instance.bus.publish('web chat; drop table x', 'x')).rejects.toMatchObject({ code: 'FV_ERR_NOTIFICATION_TOPIC' });
    // The largest payload that fits does travel.
    const heard = recorder();
    await instance.bus.subscribe('webchat', heard.subscriber);
    await instance.bus.publish('webchat', 'y'.repeat(7999));
    await heard.received(1);
    expect(heard.payloads[0]).toHaveLength(7999);
  });
});
