import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webchatChannel } from '../../../channels/webchat/index.ts';
import { inTransaction } from '../../../src/database/connection.ts';
import { InProcessNotificationBus, type NotificationBus, type NotificationSubscriber } from '../../../src/database/notification-bus.ts';
import { currentConversation, findContact, insertOutboundMessage } from '../../../src/conversation/conversation-store.ts';
import type { ChannelAdapter, ChannelContext } from '../../../src/gateway/channel-contract.ts';
import { ChannelStateStore } from '../../../src/gateway/channel-state-store.ts';
import { collectServerSentEvents, type ServerSentEvent } from '../../helpers/server-sent-events.ts';
import { eventually, startTestApp, type TestApp } from '../../helpers/test-app.ts';

// When the notification bus loses its connection (PostgreSQL restarted, a failover), what is published
// meanwhile reaches no instance. The bus says when it listens again; each open web chat stream then reads
// what it missed from the records, and goes on live — every message once, in order. Here a bus that can
// be interrupted stands in for the connection, around the real adapter and the real records.

class InterruptibleBus implements NotificationBus {
  private readonly inner = new InProcessNotificationBus(pino({ level: 'silent' }));
  private readonly subscribers: NotificationSubscriber[] = [];
  interrupted = false;

  async publish(topic: string, payload: string): Promise<void> {
    if (!this.interrupted) await this.inner.publish(topic, payload);
  }

  async subscribe(topic: string, subscriber: NotificationSubscriber): Promise<() => void> {
    this.subscribers.push(subscriber);
    return this.inner.subscribe(topic, subscriber);
  }

  resume(): void {
    this.interrupted = false;
    for (const subscriber of this.subscribers) subscriber.onResumed?.();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

let testApp: TestApp;
let server: FastifyInstance;
let baseUrl: string;
let adapter: ChannelAdapter;
const bus = new InterruptibleBus();

async function clerkSays(sessionId: string, text: string): Promise<number> {
  const { database } = testApp.app.functionar;
  const stored = await inTransaction(database.db, async (transaction) => {
    const contact = (await findContact(transaction, 'webchat', sessionId))!;
    const conversation = await currentConversation(transaction, contact, 'ro', new Date());
    return insertOutboundMessage(transaction, { conversationId: conversation.id, contactId: contact.id, channel: 'webchat', author: 'clerk', text }, new Date());
  });
  await adapter.send({ outboxId: stored.id, messageId: stored.id, recipient: sessionId, recipientChannelData: null, message: { author: 'clerk', text, parts: [] }, createdAt: stored.createdAt });
  return stored.id;
}

function clerkTexts(events: ServerSentEvent[]): unknown[] {
  return events.filter((event) => event.event === 'message' && event.data.from === 'clerk').map((event) => event.data.text);
}

beforeAll(async () => {
  testApp = await startTestApp();
  const { config, database, gateway } = testApp.app.functionar;
  const context: ChannelContext = { config, logger: testApp.app.log as ChannelContext['logger'], gateway, state: new ChannelStateStore(database.db, 'webchat'), notifications: bus };
  adapter = (await webchatChannel.create(context))!;
  server = Fastify();
  await adapter.registerRoutes?.(server);
  await adapter.start?.();
  baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await adapter?.stop?.();
  await server?.close();
  await testApp?.close();
});

describe('a web chat stream when the notification bus was interrupted', () => {
  it('catches up on what was sent meanwhile once the bus listens again, then goes on live, each message once and in order', async () => {
    const sessionId = ((await server.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } })).json() as { sessionId: string }).sessionId;
    const stream = await collectServerSentEvents(`${baseUrl}/api/webchat/sessions/${sessionId}/events`, (events) => clerkTexts(events).length >= 4);

    await clerkSays(sessionId, 'Am primit cererea.');
    await eventually(() => (clerkTexts(stream.events).length === 1 ? true : undefined), 5000, 'the first answer, live');

    bus.interrupted = true;
    const missedId = await clerkSays(sessionId, 'Lipsește o copie a actului de identitate.');
    await clerkSays(sessionId, 'Puteți trimite o fotografie.');
    bus.resume();
    await eventually(() => (clerkTexts(stream.events).length === 3 ? true : undefined), 5000, 'the answers sent while the bus was interrupted');

    // The outbox sends a message again after a crash (the web chat's send is idempotent): not written twice.
    await adapter.send({ outboxId: missedId, messageId: missedId, recipient: sessionId, recipientChannelData: null, message: { author: 'clerk', text: 'Lipsește o copie a actului de identitate.', parts: [] }, createdAt: new Date().toISOString() });
    await clerkSays(sessionId, 'Cererea este completă.');
    await stream.finished;

    expect(clerkTexts(stream.events)).toEqual(['Am primit cererea.', 'Lipsește o copie a actului de identitate.', 'Puteți trimite o fotografie.', 'Cererea este completă.']);
    const ids = stream.events.filter((event) => event.event === 'message').map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
