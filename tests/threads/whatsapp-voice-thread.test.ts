import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WhatsappAdapter } from '../../channels/whatsapp/index.ts';
import { messages, ticketEvents, tickets } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { FakeGraphApi, type SentMessage } from '../fakes/fake-graph-api.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { accessToken, appSecret, messageNotification, phoneNumberId, postNotification, verifyToken, type Fixture, type MessageOverrides } from '../channels/whatsapp/cloud-webhook.ts';

// On WhatsApp a voice note is answered by the gateway with a fixed text ("I cannot listen to voice
// messages…"). From a citizen a clerk wrote to about a live request it also joins the request's thread,
// with the recording's SHA-256, so the clerk knows the citizen answered.

let graph: FakeGraphApi;
let testApp: TestApp;

beforeAll(async () => {
  graph = await FakeGraphApi.start({ token: accessToken });
  testApp = await startTestApp({
    WHATSAPP_CLOUD_TOKEN: accessToken,
    WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
    WHATSAPP_APP_SECRET: appSecret,
    WHATSAPP_VERIFY_TOKEN: verifyToken,
    WHATSAPP_GRAPH_API_ROOT: graph.root,
  });
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });
});

afterAll(async () => {
  await testApp?.close();
  await graph?.close();
});

const readable = (message: SentMessage | undefined) => (message ? FakeGraphApi.readableText(message) : '');

async function say(from: string, name: Fixture, overrides: MessageOverrides = {}): Promise<SentMessage[]> {
  const before = graph.sentTo(from).length;
  const response = await postNotification(testApp.app, messageNotification(name, { from, ...overrides }));
  expect(response.statusCode, response.body).toBe(200);
  await (testApp.app.functionar.channels.get('whatsapp') as WhatsappAdapter).router.settled();
  await testApp.app.functionar.outbox.kick();
  return graph.sentTo(from).slice(before);
}

describe('a WhatsApp voice note on a live ticket thread', () => {
  it('keeps the fixed answer for the citizen and puts the recording on the thread for the clerk', async () => {
    const citizen = '40740123499';
    await say(citizen, 'text', { text: 'vreau sa depun o cerere' });
    await say(citizen, 'text', { text: 'Cer tăierea unui copac uscat din fața casei de pe strada Morii 3' });
    await say(citizen, 'text', { text: 'Ion Popescu' });
    await say(citizen, 'interactive-button-reply', { text: 'Sari peste' });
    const registered = await say(citizen, 'interactive-button-reply', { text: 'Da' });
    const label = /numărul (\d+\/\d{4})/.exec(readable(registered[0]))![1]!;
    const outcome = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/raspunde ${label} Copacul e pe domeniul public sau în curte?`);
    expect(outcome.ok, outcome.text).toBe(true);
    // The clerk's question reaches the citizen first.
    await testApp.app.functionar.outbox.kick();
    expect(graph.sentTo(citizen).map(readable).join('\n')).toContain('Copacul e pe domeniul public');

    const sha256 = graph.addMedia('1176530747193848', Buffer.from('OggS voice note: e in curte'), 'audio/ogg; codecs=opus');
    const reply = await say(citizen, 'audio-voice');
    expect(reply).toHaveLength(1);
    expect(readable(reply[0])).toMatch(/nu pot asculta mesaje vocale/);

    const database = testApp.app.functionar.database.db;
    const ticket = (await database.select().from(tickets)).find((row) => `${row.number}/${row.year}` === label)!;
    expect(ticket.unreadCitizenMessages).toBe(1);
    expect(await database.select().from(messages).where(and(eq(messages.ticketId, ticket.id), eq(messages.author, 'citizen')))).toHaveLength(1);
    const recorded = (await database.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id))).find((event) => event.kind === 'citizen_message');
    expect(JSON.stringify(recorded?.detail)).toContain(sha256);

    const shown = (await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/vezi ${label}`)).text;
    const thread = shown.slice(shown.indexOf('Fir (ora României):'), shown.indexOf('Istoric:'));
    expect(thread).toContain(`cetățean: `);
    expect(thread).toContain(sha256.slice(0, 12));
    // The bot's fixed answer is on the thread after it, so the clerk sees what the citizen was told.
    expect(thread.indexOf('nu pot asculta mesaje vocale')).toBeGreaterThan(thread.indexOf(sha256.slice(0, 12)));
  });
});
