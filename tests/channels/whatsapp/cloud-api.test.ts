import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WhatsappAdapter } from '../../../channels/whatsapp/index.ts';
import { storeAttachment } from '../../../src/attachments/attachment-store.ts';
import { firstRow } from '../../../src/database/connection.ts';
import { contacts, messages, outbox } from '../../../src/database/schema.ts';
import { enqueue } from '../../../src/outbox/outbox-store.ts';
import { addClerk } from '../../../src/tickets/clerk-directory.ts';
import { eventsOfTicket, findTicket } from '../../../src/tickets/ticket-store.ts';
import { FakeGraphApi, type SentMessage } from '../../fakes/fake-graph-api.ts';
import { eventually, startTestApp, type TestApp } from '../../helpers/test-app.ts';
import {
  accessToken,
  appSecret,
  messageNotification,
  phoneNumberId,
  postNotification,
  signature,
  statusNotification,
  verifyToken,
  wamidOf,
  type Fixture,
  type MessageOverrides,
} from './cloud-webhook.ts';

let graph: FakeGraphApi;
let testApp: TestApp;

function cloudEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    WHATSAPP_CLOUD_TOKEN: accessToken,
    WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
    WHATSAPP_APP_SECRET: appSecret,
    WHATSAPP_VERIFY_TOKEN: verifyToken,
    WHATSAPP_GRAPH_API_ROOT: graph.root,
    ...extra,
  };
}

function adapterOf(app: TestApp): WhatsappAdapter {
  return app.app.functionar.channels.get('whatsapp') as WhatsappAdapter;
}

/** Waits until what the webhook accepted is answered and the outbox has sent it. */
async function settle(app: TestApp = testApp): Promise<void> {
  await adapterOf(app).router.settled();
  await app.app.functionar.outbox.kick();
}

/** The citizen `from` sends a fixture message; returns what the bot sent back to them. */
async function say(from: string, name: Fixture, overrides: MessageOverrides = {}, app: TestApp = testApp): Promise<SentMessage[]> {
  const before = graph.sentTo(from).length;
  const response = await postNotification(app.app, messageNotification(name, { from, ...overrides }));
  expect(response.statusCode, response.body).toBe(200);
  await settle(app);
  return graph.sentTo(from).slice(before);
}

const readable = (message: SentMessage | undefined) => (message ? FakeGraphApi.readableText(message) : '');
const buttonTitles = (message: SentMessage | undefined) => message?.body.interactive?.action.buttons?.map((button) => button.reply.title);

function outboxEntryOf(app: TestApp, wamid: string) {
  return firstRow(app.app.functionar.database.db.select().from(outbox).where(eq(outbox.externalId, wamid)));
}

/** Moves the citizen's last message back in time, as if they had not written for two days. */
async function lastWroteTwoDaysAgo(app: TestApp, e164: string): Promise<void> {
  const database = app.app.functionar.database.db;
  const contact = await firstRow(database.select().from(contacts).where(and(eq(contacts.channel, 'whatsapp'), eq(contacts.externalId, e164))));
  const twoDaysAgo = new Date(Date.now() - 48 * 3_600_000).toISOString();
  await database
    .update(contacts)
    .set({ lastSeenAt: twoDaysAgo, channelData: { ...contact?.channelData, lastInboundAt: twoDaysAgo } })
    .where(eq(contacts.id, contact!.id));
}

/** Files a request from `from` and returns its label ("3/2026"). */
async function fileRequest(from: string, subject: string, app: TestApp = testApp): Promise<string> {
  await say(from, 'text', { text: 'vreau sa depun o cerere' }, app);
  await say(from, 'text', { text: subject }, app);
  await say(from, 'text', { text: 'Ion Popescu' }, app);
  await say(from, 'interactive-button-reply', { text: 'Sari peste' }, app);
  const registered = await say(from, 'interactive-button-reply', { text: 'Da' }, app);
  const label = /numărul (\d+\/\d{4})/.exec(readable(registered[0]))?.[1];
  expect(label, readable(registered[0])).toBeDefined();
  return label!;
}

beforeAll(async () => {
  graph = await FakeGraphApi.start({ token: accessToken });
  testApp = await startTestApp(cloudEnvironment({ WHATSAPP_TEMPLATE_NAME: 'raspuns_cerere', WHATSAPP_TEMPLATE_LANGUAGE: 'ro' }));
  const database = testApp.app.functionar.database.db;
  await addClerk(database, { name: 'Ana Pop', department: 'registratura' });
  await addClerk(database, { name: 'Dan Moldovan', department: 'urbanism', whatsapp: '0740 999 888' });
});

afterAll(async () => {
  await testApp?.close();
  await graph?.close();
});

describe('Meta sets up the WhatsApp webhook', () => {
  it('echoes hub.challenge as plain text when the verify token matches, and refuses otherwise', async () => {
    const verified = await testApp.app.inject({
      method: 'GET',
      url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=1158201444`,
    });
    expect(verified.statusCode).toBe(200);
    expect(verified.headers['content-type']).toContain('text/plain');
    expect(verified.body).toBe('1158201444');

    const wrongToken = await testApp.app.inject({ method: 'GET', url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1' });
    expect(wrongToken.statusCode).toBe(403);
    expect(wrongToken.json().error.code).toBe('FV_ERR_WHATSAPP_VERIFY_TOKEN');
    const wrongMode = await testApp.app.inject({ method: 'GET', url: `/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=${verifyToken}&hub.challenge=1` });
    expect(wrongMode.statusCode).toBe(403);
  });

  it('reports the channel ready', async () => {
    const ready = await testApp.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json().checks['channel:whatsapp']).toBe('ok');
  });
});

describe('a citizen on WhatsApp (Cloud API)', () => {
  it('asks a question, files a request with buttons and receives the clerk’s answer there', async () => {
    const citizen = '40740123456';
    const answer = await say(citizen, 'text', { text: 'ce acte imi trebuie pentru autorizatie de construire' });
    expect(answer).toHaveLength(1);
    expect(readable(answer[0])).toMatch(/certificat(ul)? de urbanism/i);
    expect(readable(answer[0])).toContain('Sursa: Autorizație de construire');
    expect(answer[0]?.phoneNumberId).toBe(phoneNumberId);

    const start = await say(citizen, 'text', { text: 'vreau sa depun o cerere' });
    expect(start[0]?.body.type).toBe('interactive');
    expect(readable(start[0])).toMatch(/Despre ce este cererea/);
    expect(buttonTitles(start[0])).toEqual(['Anulează']);

    const askName = await say(citizen, 'text', { text: 'Becul de pe stalpul din fata casei nr. 12 nu mai arde de o saptamana' });
    expect(readable(askName[0])).toMatch(/Cum vă numiți/);
    const askContact = await say(citizen, 'text', { text: 'Ion Popescu' });
    expect(readable(askContact[0])).toMatch(/Cum vă putem contacta/);
    expect(askContact[0]?.body.interactive?.action.buttons?.[0]?.reply).toEqual({ id: 'Sari peste', title: 'Sari peste' });

    const consent = await say(citizen, 'interactive-button-reply', { text: 'Sari peste' });
    expect(readable(consent[0])).toMatch(/GDPR/);
    expect(buttonTitles(consent[0])).toEqual(['Da', 'Nu']);

    const registered = await say(citizen, 'interactive-button-reply', { text: 'Da' });
    const label = /numărul (\d+\/\d{4})/.exec(readable(registered[0]))?.[1];
    expect(label, readable(registered[0])).toBeDefined();
    expect(readable(registered[0])).toMatch(/Termenul legal de răspuns: \d{2}\.\d{2}\.\d{4}/);

    const [number, year] = label!.split('/').map(Number);
    const ticket = await findTicket(testApp.app.functionar.database.db, { number: number!, year: year! });
    expect(ticket).toMatchObject({ channel: 'whatsapp', citizenName: 'Ion Popescu' });

    const outcome = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/raspunde ${label} Echipa de electricieni vine joi dimineata.`);
    expect(outcome.ok, outcome.text).toBe(true);
    const delivered = await eventually(() => graph.sentTo(citizen).find((message) => readable(message).includes('Echipa de electricieni')), 5000, 'clerk reply on WhatsApp');
    expect(delivered.body.type).toBe('text');
    expect(readable(delivered)).toContain(`Răspuns de la primărie la cererea ${label}`);
    await eventually(async () => (await outboxEntryOf(testApp, delivered.id))?.status === 'sent' || undefined, 5000, 'outbox entry sent');

    // Meta then reports the delivery; a late "delivered" after "read" does not move it back.
    for (const name of ['status-sent', 'status-read', 'status-delivered'] as const) {
      const response = await postNotification(testApp.app, statusNotification(name, delivered.id, citizen));
      expect(response.statusCode).toBe(200);
    }
    expect(await outboxEntryOf(testApp, delivered.id)).toMatchObject({ status: 'sent', deliveryStatus: 'read' });
  });

  it('answers a webhook delivered twice only once', async () => {
    const citizen = '40740123458';
    const notification = messageNotification('text', { from: citizen, text: 'buna ziua' });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await postNotification(testApp.app, notification);
      expect(response.statusCode).toBe(200);
    }
    await settle();
    expect(graph.sentTo(citizen)).toHaveLength(1);
    const stored = await testApp.app.functionar.database.db.select().from(messages).where(eq(messages.externalId, wamidOf(notification)));
    expect(stored).toHaveLength(1);
  });

  it('answers a user who hides the number behind a username: from_user_id without from', async () => {
    // Meta's shape for a user with a WhatsApp username: no `from`, no `wa_id`; the business-scoped user
    // id (BSUID) in `from_user_id` and the contact's `user_id`, the username in the profile.
    const userId = 'RO.1502576394655843';
    const notification = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '40265123456', phone_number_id: phoneNumberId },
                contacts: [{ profile: { name: 'Maria', username: '@maria.cluj' }, user_id: userId }],
                messages: [{ from_user_id: userId, id: `wamid.username-${Date.now()}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'ce acte imi trebuie pentru autorizatie de construire' } }],
              },
            },
          ],
        },
      ],
    };
    const response = await postNotification(testApp.app, notification);
    expect(response.statusCode).toBe(200);
    await settle();
    const answer = graph.sentTo(userId);
    expect(answer).toHaveLength(1);
    expect(answer[0]?.body.recipient).toBe(userId);
    expect(answer[0]?.body.to).toBeUndefined();
    expect(readable(answer[0])).toMatch(/certificat(ul)? de urbanism/i);
    const contact = await firstRow(testApp.app.functionar.database.db.select().from(contacts).where(and(eq(contacts.channel, 'whatsapp'), eq(contacts.externalId, userId))));
    expect(contact?.displayName).toBe('Maria');
  });

  it('offers more or longer options as a list and understands the row chosen', async () => {
    const citizen = '40740123459';
    const welcome = await say(citizen, 'text', { text: 'buna ziua' });
    const interactive = welcome[0]?.body.interactive;
    expect(interactive?.type).toBe('list');
    const rows = interactive?.action.sections?.[0]?.rows ?? [];
    expect(rows.map((row) => row.id)).toEqual(['Depun o cerere', 'Vorbesc cu un funcționar']);
    expect(rows.every((row) => row.title.length <= 24)).toBe(true);
    expect(interactive?.action.button?.length).toBeLessThanOrEqual(20);

    const handover = await say(citizen, 'interactive-list-reply', { text: 'Vorbesc cu un funcționar' });
    expect(readable(handover[0])).toMatch(/funcționar/);
    expect(readable(handover[0])).toMatch(/nr\. \d+\/\d{4}/);
  });

  it('understands a numbered answer to the last options offered', async () => {
    const citizen = '40740123460';
    await say(citizen, 'text', { text: 'buna ziua' });
    const chosen = await say(citizen, 'text', { text: '1' });
    expect(readable(chosen[0])).toMatch(/Despre ce este cererea/);
  });

  it('reports a pothole with a photo: the photo is stored under its SHA-256 and attached to the ticket', async () => {
    const citizen = '40740123461';
    const photo = Buffer.from('fake jpeg bytes of a pothole in front of the school');
    const sha256 = graph.addMedia('1003383421387256', photo, 'image/jpeg');
    await say(citizen, 'text', { text: 'vreau sa fac o sesizare' });
    const askName = await say(citizen, 'image', { caption: 'Groapa mare pe strada principala, langa scoala' });
    expect(readable(askName[0])).toMatch(/Cum vă numiți/);
    const mediaRequests = graph.requests.filter((request) => request.path.endsWith('/1003383421387256') || request.path.startsWith('/whatsapp_business/'));
    expect(mediaRequests.length).toBeGreaterThanOrEqual(2);
    expect(mediaRequests.every((request) => request.authorized)).toBe(true);

    const located = await say(citizen, 'location');
    expect(readable(located[0])).toMatch(/Am primit locația/);
    await say(citizen, 'text', { text: 'Maria Ionescu' });
    await say(citizen, 'text', { text: 'maria@example.ro' });
    const registered = await say(citizen, 'interactive-button-reply', { text: 'Da' });
    const label = /numărul (\d+\/\d{4})/.exec(readable(registered[0]))?.[1];
    expect(label).toBeDefined();

    const stored = path.join(testApp.dataDirectory, 'attachments', `${sha256}.jpg`);
    expect(fs.readFileSync(stored)).toEqual(photo);
    const shown = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/vezi ${label}`);
    expect(shown.text).toContain(`sha256 ${sha256}`);
    expect(shown.text).toContain('46.40263, 24.68312');
  });

  it('keeps a document with its file name', async () => {
    const citizen = '40740123462';
    const pdf = Buffer.from('%PDF-1.4 cerere certificat de urbanism');
    const sha256 = graph.addMedia('2213785412407045', pdf, 'application/pdf');
    await say(citizen, 'text', { text: 'vreau sa depun o cerere' });
    await say(citizen, 'document', { caption: 'Cerere pentru certificat de urbanism, completata' });
    const inbound = await testApp.app.functionar.database.db.select().from(messages).where(and(eq(messages.channel, 'whatsapp'), eq(messages.direction, 'inbound')));
    const withDocument = inbound.find((message) => JSON.stringify(message.parts ?? []).includes(sha256));
    expect(withDocument?.parts).toEqual([
      expect.objectContaining({ type: 'attachment', fileName: 'cerere-certificat-urbanism.pdf', mediaType: 'application/pdf', sha256, size: pdf.length }),
    ]);
  });

  it('keeps a voice note and asks the citizen to write or call', async () => {
    const citizen = '40740123463';
    const voice = Buffer.from('OggS voice note bytes');
    const sha256 = graph.addMedia('1176530747193848', voice, 'audio/ogg; codecs=opus');
    const reply = await say(citizen, 'audio-voice');
    expect(reply).toHaveLength(1);
    expect(readable(reply[0])).toMatch(/nu pot asculta mesaje vocale/);
    expect(readable(reply[0])).toMatch(/scrieți|sunați/);
    expect(fs.existsSync(path.join(testApp.dataDirectory, 'attachments', `${sha256}.ogg`))).toBe(true);
  });

  it('answers a message type WhatsApp cannot pass on politely', async () => {
    const citizen = '40740123464';
    const reply = await say(citizen, 'unsupported');
    expect(reply).toHaveLength(1);
    expect(readable(reply[0])).toMatch(/Nu pot citi acest tip de mesaj/);
  });

  it('asks Meta to redeliver when the Graph API cannot serve the media yet, and answers once', async () => {
    const citizen = '40740123465';
    graph.addMedia('5550001112223334', Buffer.from('second photo'), 'image/jpeg');
    graph.failNext('media-info', { status: 503, code: 2, message: 'Service temporarily unavailable' });
    const notification = messageNotification('image', { from: citizen, caption: 'Gunoi aruncat langa pod', mediaId: '5550001112223334' });
    const first = await postNotification(testApp.app, notification);
    expect(first.statusCode).toBe(503);
    expect(first.json().error.code).toBe('FV_ERR_WHATSAPP_MEDIA_UNAVAILABLE');
    const second = await postNotification(testApp.app, notification);
    expect(second.statusCode).toBe(200);
    await settle();
    expect(graph.sentTo(citizen)).toHaveLength(1);
  });

  it('retries a reply the Graph API throttled', async () => {
    const citizen = '40740123466';
    graph.failNext('messages', { status: 429, code: 130429, message: '(#130429) Rate limit hit', retryAfterSeconds: 1 });
    const response = await postNotification(testApp.app, messageNotification('text', { from: citizen, text: 'buna ziua' }));
    expect(response.statusCode).toBe(200);
    const sent = await eventually(() => graph.sentTo(citizen)[0], 8000, 'reply after the retry');
    const entry = await eventually(() => outboxEntryOf(testApp, sent.id), 5000, 'outbox entry of the reply');
    expect(entry).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('files the town hall sends', () => {
  it('uploads a stored file (a registration receipt) and sends it as a document after the text', async () => {
    const citizen = '40740123474';
    await say(citizen, 'text', { text: 'buna ziua' });
    const pdf = Buffer.from('%PDF-1.7 confirmare de inregistrare 12/2026');
    const receipt = storeAttachment(testApp.dataDirectory, { bytes: pdf, fileName: 'confirmare-12-2026.pdf', mediaType: 'application/pdf' });
    await enqueue(testApp.app.functionar.database.db, { channel: 'whatsapp', recipient: `+${citizen}`, message: { author: 'bot', text: 'Confirmarea de înregistrare', parts: [receipt] } }, new Date());
    await testApp.app.functionar.outbox.kick();
    const sent = graph.sentTo(citizen).slice(-2);
    expect(sent.map((message) => message.body.type)).toEqual(['text', 'document']);
    const upload = graph.uploads.find((candidate) => candidate.id === sent[1]?.body.document?.id);
    expect(upload).toMatchObject({ mimeType: 'application/pdf', fileName: 'confirmare-12-2026.pdf' });
    expect(upload?.bytes).toEqual(pdf);
    expect(sent[1]?.body.document?.filename).toBe('confirmare-12-2026.pdf');
  });
});

describe('the 24-hour customer service window', () => {
  it('sends a late clerk reply as the approved template', async () => {
    const citizen = '40740123467';
    const label = await fileRequest(citizen, 'Solicit taierea arborilor uscati de pe strada scolii');
    await lastWroteTwoDaysAgo(testApp, `+${citizen}`);
    const outcome = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/raspunde ${label} Arborii vor fi taiati saptamana viitoare.\nVa multumim.`);
    expect(outcome.ok).toBe(true);
    const template = await eventually(() => graph.sentTo(citizen).find((message) => message.body.type === 'template'), 5000, 'template message');
    expect(template.body.template).toMatchObject({ name: 'raspuns_cerere', language: { code: 'ro' } });
    const parameter = template.body.template?.components?.[0]?.parameters[0]?.text ?? '';
    expect(parameter).toContain('Arborii vor fi taiati');
    expect(parameter).not.toMatch(/[\n\t]| {5,}/);
  });

  it('records a failure Meta reports later on the ticket, for the clerk to see', async () => {
    const citizen = '40740123468';
    const label = await fileRequest(citizen, 'Solicit repararea podetului de pe ulita morii');
    await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/raspunde ${label} Podetul intra in reparatie.`);
    const sent = await eventually(() => graph.sentTo(citizen).find((message) => readable(message).includes('Podetul')), 5000, 'clerk reply');
    await eventually(async () => (await outboxEntryOf(testApp, sent.id))?.status === 'sent' || undefined, 5000, 'outbox entry sent');
    const response = await postNotification(testApp.app, statusNotification('status-failed', sent.id, citizen));
    expect(response.statusCode).toBe(200);
    const entry = await outboxEntryOf(testApp, sent.id);
    expect(entry).toMatchObject({ status: 'failed', deliveryStatus: 'failed' });
    expect(entry?.lastError).toMatch(/Re-engagement message.*131047/);
    const [number, year] = label.split('/').map(Number);
    const ticket = (await findTicket(testApp.app.functionar.database.db, { number: number!, year: year! }))!;
    const failure = (await eventsOfTicket(testApp.app.functionar.database.db, ticket.id)).find((event) => event.kind === 'delivery_failed');
    expect(String(failure?.detail?.reason)).toMatch(/24 hours/);
  });

  it('without a template, does not send and tells the clerk why on the ticket', async () => {
    const withoutTemplate = await startTestApp(cloudEnvironment());
    try {
      await addClerk(withoutTemplate.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });
      const citizen = '40740123469';
      const label = await fileRequest(citizen, 'Solicit amenajarea unei treceri de pietoni', withoutTemplate);
      await lastWroteTwoDaysAgo(withoutTemplate, `+${citizen}`);
      const sentBefore = graph.sentTo(citizen).length;
      await withoutTemplate.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/raspunde ${label} Trecerea va fi marcata in primavara.`);
      const [number, year] = label.split('/').map(Number);
      const database = withoutTemplate.app.functionar.database.db;
      const ticket = (await findTicket(database, { number: number!, year: year! }))!;
      const failure = await eventually(async () => (await eventsOfTicket(database, ticket.id)).find((event) => event.kind === 'delivery_failed'), 5000, 'delivery_failed event');
      expect(String(failure.detail?.reason)).toMatch(/24-hour customer service window.*WHATSAPP_TEMPLATE_NAME/);
      expect(graph.sentTo(citizen)).toHaveLength(sentBefore);
      const failed = (await database.select().from(outbox).where(eq(outbox.ticketId, ticket.id))).filter((entry) => entry.status === 'failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]?.attempts).toBe(1);
    } finally {
      await withoutTemplate.close();
    }
  });
});

describe('a clerk registered with a WhatsApp number', () => {
  it('lists tickets and answers a citizen with reply commands from WhatsApp, once per message', async () => {
    const clerk = '40740999888';
    const citizen = '40740123470';
    const label = await fileRequest(citizen, 'Solicit o copie dupa autorizatia de functionare');
    // The clerk's reply reaches the clerk's chat within the 24-hour window because the clerk just wrote.
    const listed = await say(clerk, 'text', { text: '/tichete' });
    expect(readable(listed[0])).toContain(label);

    const command = messageNotification('text', { from: clerk, text: `/raspunde ${label} Copia este gata la registratura.` });
    for (let attempt = 0; attempt < 2; attempt += 1) expect((await postNotification(testApp.app, command)).statusCode).toBe(200);
    await settle();
    const confirmation = graph.sentTo(clerk).filter((message) => readable(message).includes('Răspuns trimis'));
    expect(confirmation).toHaveLength(1);
    await eventually(() => graph.sentTo(citizen).find((message) => readable(message).includes('Copia este gata')), 5000, 'reply to the citizen');
    await settle();
    expect(graph.sentTo(citizen).filter((message) => readable(message).includes('Copia este gata'))).toHaveLength(1);
    // The clerk's commands are not a citizen's conversation.
    const clerkContact = await firstRow(testApp.app.functionar.database.db.select().from(contacts).where(eq(contacts.externalId, `+${clerk}`)));
    expect(clerkContact).toBeUndefined();
  });

  it('refuses the same command from a number that is not a clerk', async () => {
    const stranger = '40740123471';
    const refusal = await say(stranger, 'text', { text: '/raspunde 1 ai primit aprobarea' });
    expect(readable(refusal[0])).toMatch(/doar pentru funcționarii/);
  });
});

describe('bad notifications', () => {
  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const notification = messageNotification('text', { from: '40740123472', text: 'buna ziua' });
    const body = JSON.stringify(notification);
    const unsigned = await postNotification(testApp.app, body, { signature: null });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json().error.code).toBe('FV_ERR_WHATSAPP_SIGNATURE');
    const wrongSecret = await postNotification(testApp.app, body, { signature: signature(body, 'another-secret') });
    expect(wrongSecret.statusCode).toBe(401);
    const tampered = await postNotification(testApp.app, body.replace('buna ziua', 'buna seara'), { signature: signature(body) });
    expect(tampered.statusCode).toBe(401);
    const garbage = await postNotification(testApp.app, body, { signature: 'sha256=xyz' });
    expect(garbage.statusCode).toBe(401);
    const stored = await testApp.app.functionar.database.db.select().from(messages).where(eq(messages.externalId, wamidOf(notification)));
    expect(stored).toHaveLength(0);
    expect(graph.sentTo('40740123472')).toHaveLength(0);
  });

  it('answers 400 to a signed body that is not JSON, ignores unknown statuses, and keeps other routes parsing JSON', async () => {
    const notJson = await postNotification(testApp.app, '{"object": "whatsapp_business_account", ');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('FV_ERR_WHATSAPP_PAYLOAD');
    const unknownStatus = await postNotification(testApp.app, statusNotification('status-delivered', 'wamid.NOT-OURS'));
    expect(unknownStatus.statusCode).toBe(200);
    const otherObject = await postNotification(testApp.app, { object: 'page', entry: [] });
    expect(otherObject.statusCode).toBe(200);
    const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
    expect(session.statusCode).toBe(201);
  });

  it('refuses bodies over 64 KiB before reading them as WhatsApp notifications', async () => {
    const huge = messageNotification('text', { from: '40740123473', text: 'x'.repeat(70 * 1024) });
    const response = await postNotification(testApp.app, huge);
    expect(response.statusCode).toBe(413);
    expect(graph.sentTo('40740123473')).toHaveLength(0);
  });

  it('keeps phone numbers out of the logs', () => {
    const lines = JSON.stringify(testApp.logLines);
    expect(lines).not.toMatch(/\+?40740123456/);
    expect(lines).not.toMatch(/\+?40740999888/);
  });
});
