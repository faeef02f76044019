import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WhatsappAdapter } from '../../channels/whatsapp/index.ts';
import { firstRow } from '../../src/database/connection.ts';
import { contacts, documents, outbox } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { findTicket } from '../../src/tickets/ticket-store.ts';
import { FakeGraphApi } from '../fakes/fake-graph-api.ts';
import { settled } from '../helpers/settled.ts';
import { eventually, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { accessToken, appSecret, messageNotification, phoneNumberId, postNotification, verifyToken } from '../channels/whatsapp/cloud-webhook.ts';

// A WhatsApp citizen asked for a certificate and last wrote two days ago: WhatsApp lets the town hall send
// only its approved template. The template says the document is ready, gives its verification code and
// asks the citizen to write any message; when they do, the signed PDF follows as a document message.

const from = '40741777888';
let graph: FakeGraphApi;
let testApp: TestApp;

function database() {
  return testApp.app.functionar.database.db;
}

async function say(text: string): Promise<void> {
  const response = await postNotification(testApp.app, messageNotification('text', { from, text }));
  expect(response.statusCode).toBe(200);
  await (testApp.app.functionar.channels.get('whatsapp') as WhatsappAdapter).router.settled();
  await testApp.app.functionar.outbox.kick();
}

/** The citizen's last message, as the 24-hour window sees it, two days back. */
async function lastWroteTwoDaysAgo(): Promise<void> {
  const contact = await firstRow(database().select().from(contacts).where(and(eq(contacts.channel, 'whatsapp'), eq(contacts.externalId, `+${from}`))));
  const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000).toISOString();
  await database().update(contacts).set({ lastSeenAt: twoDaysAgo, channelData: { ...contact?.channelData, lastInboundAt: twoDaysAgo } }).where(eq(contacts.id, contact!.id));
}

beforeAll(async () => {
  graph = await FakeGraphApi.start({ token: accessToken });
  testApp = await startTestApp({
    PUBLIC_URL: 'https://bot.primaria-balauseri.ro',
    WHATSAPP_CLOUD_TOKEN: accessToken,
    WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
    WHATSAPP_APP_SECRET: appSecret,
    WHATSAPP_VERIFY_TOKEN: verifyToken,
    WHATSAPP_GRAPH_API_ROOT: graph.root,
    WHATSAPP_TEMPLATE_NAME: 'raspuns_cerere',
  });
  await addClerk(database(), { name: 'Ana Pop', department: 'registru-agricol' });
}, 60_000);

afterAll(async () => {
  await testApp?.close();
  await graph?.close();
});

describe('a document issued to a WhatsApp citizen outside the 24-hour window', () => {
  it('goes out as the template saying it is ready, with its code, and follows as a PDF when the citizen writes', async () => {
    await say('vreau sa depun o cerere');
    await say('Solicit o adeverință de registru agricol pentru APIA');
    await say('Vasile Moldovan');
    await say('sari peste');
    await say('da');
    const label = /(\d+\/\d{4})/.exec(graph.sentTo(from).map((message) => FakeGraphApi.readableText(message)).join('\n').match(/numărul \d+\/\d{4}/)?.[0] ?? '')?.[1] ?? '';
    expect(label).not.toBe('');
    await lastWroteTwoDaysAgo();

    const outcome = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/emite ${label} adeverinta-registru-agricol scop: APIA`);
    expect(outcome.ok, outcome.text).toBe(true);
    const [number, year] = label.split('/').map(Number);
    const ticket = (await findTicket(database(), { number: number!, year: year! }))!;
    const document = await eventually(async () => (await database().select().from(documents).where(eq(documents.ticketId, ticket.id))).find((row) => row.sha256 !== ''), 20_000, 'the PDF made');
    const template = await eventually(() => graph.sentTo(from).find((message) => message.body.type === 'template'), 10_000, 'the template message');
    const parameter = template.body.template?.components?.[0]?.parameters[0]?.text ?? '';
    expect(parameter).toContain(`Cod de verificare: ${document.code}`);
    expect(parameter).toContain('scrieți-ne orice mesaj aici și vi-l trimitem');
    // The document's delivery is done (the template carried it); the file waits for the citizen.
    const delivery = await eventually(() => firstRow(database().select().from(outbox).where(eq(outbox.externalId, template.id))), 10_000, 'the delivery sent');
    expect(delivery).toMatchObject({ status: 'sent', ticketId: ticket.id });
    expect(JSON.stringify(delivery.payload)).toContain(document.fileName);
    expect(graph.sentTo(from).filter((message) => message.body.type === 'document')).toEqual([]);

    // The citizen answers the template: the window is open again and the signed PDF follows.
    await say('Multumesc, trimiteti-l va rog');
    const sent = await eventually(() => graph.sentTo(from).find((message) => message.body.type === 'document'), 10_000, 'the document message');
    expect(sent.body.document?.filename).toBe(document.fileName);
    const upload = graph.uploads.find((candidate) => candidate.id === sent.body.document?.id);
    expect(createHash('sha256').update(upload!.bytes).digest('hex')).toBe(document.sha256);

    // It travelled through the outbox like every other message: sent, with its file part.
    await settled(testApp.app);
    const releases = await testApp.app.functionar.database.db.select().from(outbox).where(and(eq(outbox.channel, 'whatsapp'), eq(outbox.status, 'sent')));
    expect(releases.filter((row) => JSON.stringify(row.payload).includes(document.fileName))).toHaveLength(2);

    // Once only: a second message sends nothing more (checked once everything accepted was answered and sent).
    await say('Am primit, multumesc');
    await settled(testApp.app);
    expect(graph.sentTo(from).filter((message) => message.body.type === 'document')).toHaveLength(1);
  }, 60_000);
});
