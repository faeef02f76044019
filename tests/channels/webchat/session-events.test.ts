import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SessionEvents } from '../../../channels/webchat/session-events.ts';
import type { NotificationBus, NotificationSubscriber } from '../../../src/database/notification-bus.ts';

// What the web chat puts on the notification bus. On PostgreSQL every notice is a round trip: tokens that
// come while one is on its way travel together in the next, and nothing overtakes them.

/** A bus whose notices stay "on their way" until the test lets them arrive. */
class SlowBus implements NotificationBus {
  readonly published: Record<string, unknown>[] = [];
  private readonly arrivals: (() => void)[] = [];

  publish(_topic: string, payload: string): Promise<void> {
    this.published.push(JSON.parse(payload) as Record<string, unknown>);
    return new Promise((resolve) => this.arrivals.push(resolve));
  }

  async subscribe(_topic: string, _subscriber: NotificationSubscriber): Promise<() => void> {
    return () => undefined;
  }

  async close(): Promise<void> {}

  async arriveAll(): Promise<void> {
    while (this.arrivals.length > 0) {
      for (const arrive of this.arrivals.splice(0)) arrive();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

const noMessages = async () => undefined;

describe('web chat events on the notification bus', () => {
  it('joins the tokens that come while one is on its way, and sends them before the next status or message', async () => {
    const bus = new SlowBus();
    const events = new SessionEvents(bus, noMessages, pino({ level: 'silent' }));
    for (const delta of ['Pentru ', 'autori', 'zația ', 'de ']) events.publishIfPossible('s1', { type: 'token', data: { replyId: 'r1', delta } });
    events.publishIfPossible('s2', { type: 'token', data: { replyId: 'r9', delta: 'Bună' } });
    const message = events.publish('s1', { type: 'message', id: '42', data: { id: '42', from: 'bot', text: 'Pentru autorizația de construire…', createdAt: '2026-12-06T06:00:00.000Z' } });

    expect(bus.published).toEqual([
      { sessionId: 's1', type: 'token', data: { replyId: 'r1', delta: 'Pentru ' } },
      { sessionId: 's2', type: 'token', data: { replyId: 'r9', delta: 'Bună' } },
      { sessionId: 's1', type: 'token', data: { replyId: 'r1', delta: 'autorizația de ' } },
      // A stored message travels as its id: the instance holding the stream reads it.
      { sessionId: 's1', type: 'stored-message', messageId: 42 },
    ]);
    await bus.arriveAll();
    await message;

    // Nothing on its way: a token goes at once.
    events.publishIfPossible('s1', { type: 'token', data: { replyId: 'r2', delta: 'Da.' } });
    expect(bus.published.at(-1)).toEqual({ sessionId: 's1', type: 'token', data: { replyId: 'r2', delta: 'Da.' } });
    await bus.arriveAll();
  });

  it('keeps the tokens of two answers apart, and a joined notice small', async () => {
    const bus = new SlowBus();
    const events = new SessionEvents(bus, noMessages, pino({ level: 'silent' }));
    events.publishIfPossible('s1', { type: 'token', data: { replyId: 'r1', delta: 'a' } });
    events.publishIfPossible('s1', { type: 'token', data: { replyId: 'r1', delta: 'b' } });
    events.publishIfPossible('s1', { type: 'token', data: { replyId: 'r2', delta: 'c' } });
    const long = 'ă'.repeat(2000);
    for (let index = 0; index < 4; index += 1) events.publishIfPossible('s1', { type: 'token', data: { replyId: 'r2', delta: long } });
    events.publishIfPossible('s1', { type: 'status', data: { text: 'Caut în baza de cunoștințe…' } });

    const deltas = bus.published.map((notice) => (notice.type === 'token' ? (notice.data as { delta: string }).delta : `[${String(notice.type)}]`));
    expect(deltas.join('')).toBe(`abc${long.repeat(4)}[status]`);
    expect(deltas.slice(0, 3)).toEqual(['a', 'b', 'c' + long]);
    for (const notice of bus.published) expect(Buffer.byteLength(JSON.stringify(notice))).toBeLessThan(7999);
    await bus.arriveAll();
  });
});
