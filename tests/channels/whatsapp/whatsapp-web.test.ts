import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebClient, WebClientFactory, WebMessage, WebMessageMedia } from '../../../channels/whatsapp/web/web-client.ts';
import { WhatsappWebDriver, type WebDriverOptions } from '../../../channels/whatsapp/web/web-driver.ts';
import { WhatsappAdapter } from '../../../channels/whatsapp/index.ts';
import type { ChannelContext } from '../../../src/gateway/channel-contract.ts';
import { DeliveryError } from '../../../src/gateway/channel-contract.ts';
import { ChannelStateStore } from '../../../src/gateway/channel-state-store.ts';
import { storeAttachment } from '../../../src/attachments/attachment-store.ts';
import { firstRow } from '../../../src/database/connection.ts';
import { contacts, messages } from '../../../src/database/schema.ts';
import { enqueue } from '../../../src/outbox/outbox-store.ts';
import { addClerk } from '../../../src/tickets/clerk-directory.ts';
import { eventually, startTestApp, temporaryDirectory, type TestApp } from '../../helpers/test-app.ts';

// whatsapp-web.js's Client is an EventEmitter: the fake below emits recorded Message objects
// (tests/fixtures/whatsapp/web/messages.json) the way the real one does, and records what is sent.

type RecordedMessage = Omit<WebMessage, 'downloadMedia'> & { media?: WebMessageMedia };
const recorded = JSON.parse(
  fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/whatsapp/web/messages.json'), 'utf8'),
) as Record<string, RecordedMessage>;

class FakeWhatsappWebClient extends EventEmitter implements WebClient {
  readonly sent: { chatId: string; content: string }[] = [];
  readonly documents: { chatId: string; document: WebMessageMedia }[] = [];
  initialized = false;
  destroyed = false;
  /** "@lid" ids WhatsApp would map back to phone numbers. */
  readonly hiddenNumbers = new Map<string, string>();

  async initialize(): Promise<void> {
    this.initialized = true;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
  }

  async sendMessage(chatId: string, content: string): Promise<{ id: { _serialized: string } }> {
    this.sent.push({ chatId, content });
    return { id: { _serialized: `true_${chatId}_3EB0SENT${this.sent.length}` } };
  }

  async sendDocument(chatId: string, document: WebMessageMedia): Promise<{ id: { _serialized: string } }> {
    this.documents.push({ chatId, document });
    return { id: { _serialized: `true_${chatId}_3EB0DOC${this.documents.length}` } };
  }

  async getContactLidAndPhone(userIds: string[]): Promise<{ lid?: string; pn?: string }[]> {
    return userIds.map((lid) => ({ lid, pn: this.hiddenNumbers.get(lid) }));
  }

  sentTo(chatId: string): string[] {
    return this.sent.filter((message) => message.chatId === chatId).map((message) => message.content);
  }
}

let testApp: TestApp;
let adapter: WhatsappAdapter;
let driver: WhatsappWebDriver;
const clients: FakeWhatsappWebClient[] = [];
const printedQrCodes: string[] = [];
let sequence = 0;

const citizenChat = '40740555111@c.us';

function channelContext(app: TestApp): ChannelContext {
  const { config, database, gateway } = app.app.functionar;
  return { config, logger: app.app.log as ChannelContext['logger'], gateway, state: new ChannelStateStore(database.db, 'whatsapp'), notifications: app.app.notifications };
}

function driverOptions(overrides: Partial<WebDriverOptions> = {}): WebDriverOptions {
  const factory: WebClientFactory = () => {
    const client = new FakeWhatsappWebClient();
    clients.push(client);
    return client;
  };
  return {
    clientFactory: factory,
    whatsappDirectory: path.join(testApp.dataDirectory, 'whatsapp'),
    // The fake client launches nothing; the driver only checks that the browser file exists.
    chromiumPath: process.execPath,
    allowGroups: false,
    initialBackoffMs: 50,
    printQr: (qr) => printedQrCodes.push(qr),
    ...overrides,
  };
}

function currentClient(): FakeWhatsappWebClient {
  return clients.at(-1)!;
}

/** A recorded message, fresh (sent now) and with its own id unless told otherwise. */
function message(name: string, overrides: Partial<RecordedMessage> = {}): WebMessage {
  const base = structuredClone(recorded[name]!);
  sequence += 1;
  const id = { ...base.id, id: `${base.id.id}${sequence}`, _serialized: `${base.id._serialized}${sequence}` };
  const { media, ...fields } = { ...base, id, timestamp: Math.floor(Date.now() / 1000), ...overrides };
  return { ...fields, downloadMedia: async () => media };
}

/** Emits a message as the real client does and waits for what is sent back to `chatId`. */
async function receive(webMessage: WebMessage, chatId = citizenChat, expectedReplies = 1): Promise<string[]> {
  const client = currentClient();
  const before = client.sentTo(chatId).length;
  client.emit('message', webMessage);
  await eventually(() => client.sentTo(chatId).length >= before + expectedReplies || undefined, 5000, `reply to ${chatId}`);
  await adapter.router.settled();
  return client.sentTo(chatId).slice(before);
}

async function storedMessages(e164: string) {
  const database = testApp.app.functionar.database.db;
  const contact = await firstRow(database.select().from(contacts).where(and(eq(contacts.channel, 'whatsapp'), eq(contacts.externalId, e164))));
  return contact ? await database.select().from(messages).where(eq(messages.contactId, contact.id)) : [];
}

beforeAll(async () => {
  testApp = await startTestApp();
  await addClerk(testApp.app.functionar.database.db, { name: 'Dan Moldovan', department: 'urbanism', whatsapp: '+40740999888' });
  adapter = new WhatsappAdapter(channelContext(testApp), (context, router) => new WhatsappWebDriver(context, router, driverOptions()));
  driver = adapter.driver as WhatsappWebDriver;
  // The outbox worker delivers through whatever adapter the map holds for the channel.
  testApp.app.functionar.channels.set('whatsapp', adapter);
  await adapter.start();
});

afterAll(async () => {
  await adapter?.stop();
  await testApp?.close();
});

describe('pairing the town hall phone with WhatsApp Web', () => {
  it('prints the QR code, shows it on the admin page to this machine only, and is not ready until paired', async () => {
    expect(currentClient().initialized).toBe(true);
    currentClient().emit('qr', '2@fakePairingReference,fakeStaticKey=,fakeIdentityKey=,fakeSecret=,1');
    expect(printedQrCodes).toContain('2@fakePairingReference,fakeStaticKey=,fakeIdentityKey=,fakeSecret=,1');
    expect(adapter.readiness()).toMatchObject({ ready: false, reason: expect.stringMatching(/pairing/) });

    const page: FastifyInstance = Fastify();
    await adapter.registerRoutes(page);
    const local = await page.inject({ method: 'GET', url: '/admin/whatsapp/qr' });
    expect(local.statusCode).toBe(200);
    expect(local.body).toMatch(/<img id="qr"[^>]+src="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
    expect(local.body).toContain('data-state="pairing"');
    expect(local.headers['cache-control']).toBe('no-store');

    const remote = await page.inject({ method: 'GET', url: '/admin/whatsapp/qr', remoteAddress: '203.0.113.7' });
    expect(remote.statusCode).toBe(403);
    expect(remote.body).not.toContain('data:image');
    const proxied = await page.inject({ method: 'GET', url: '/admin/whatsapp/qr', headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(proxied.statusCode).toBe(403);
    await page.close();
  });

  it('opens the page from elsewhere only with the WHATSAPP_QR_TOKEN password', async () => {
    const guarded = new WhatsappAdapter(channelContext(testApp), (context, router) => new WhatsappWebDriver(context, router, driverOptions({ qrToken: 'long-random-pairing-token' })));
    const page: FastifyInstance = Fastify();
    await guarded.registerRoutes(page);
    const basic = (password: string) => `Basic ${Buffer.from(`primarie:${password}`).toString('base64')}`;
    const refused = await page.inject({ method: 'GET', url: '/admin/whatsapp/qr', remoteAddress: '203.0.113.7' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Basic/);
    const wrong = await page.inject({ method: 'GET', url: '/admin/whatsapp/qr', remoteAddress: '203.0.113.7', headers: { authorization: basic('guess') } });
    expect(wrong.statusCode).toBe(401);
    const admitted = await page.inject({ method: 'GET', url: '/admin/whatsapp/qr', remoteAddress: '203.0.113.7', headers: { authorization: basic('long-random-pairing-token') } });
    expect(admitted.statusCode).toBe(200);
    await page.close();
  });

  it('is ready once WhatsApp Web connects', () => {
    currentClient().emit('authenticated');
    currentClient().emit('ready');
    expect(adapter.readiness()).toEqual({ ready: true });
    expect(driver.status()).toMatchObject({ state: 'ready', qr: undefined });
  });
});

describe('a citizen writing to the town hall’s WhatsApp Web number', () => {
  it('gets a cited answer to a text question', async () => {
    const [answer] = await receive(message('text'));
    expect(answer).toMatch(/certificat(ul)? de urbanism/i);
    expect(answer).toContain('Sursa: Autorizație de construire');
    const stored = await storedMessages('+40740555111');
    expect(stored[0]).toMatchObject({ direction: 'inbound', text: 'ce acte imi trebuie pentru autorizatie de construire' });
  });

  it('keeps a voice note as an attachment and asks the citizen to write or call', async () => {
    const voice = message('voiceNote');
    const [reply] = await receive(voice);
    expect(reply).toMatch(/nu pot asculta mesaje vocale/);
    const stored = (await storedMessages('+40740555111')).find((row) => row.externalId === voice.id._serialized);
    const sha256 = createHash('sha256').update(Buffer.from(recorded.voiceNote!.media!.data, 'base64')).digest('hex');
    expect(stored?.parts).toEqual([expect.objectContaining({ type: 'attachment', sha256, mediaType: 'audio/ogg; codecs=opus' })]);
    expect(fs.existsSync(path.join(testApp.dataDirectory, 'attachments', `${sha256}.ogg`))).toBe(true);
  });

  it('attaches a photo (downloadMedia) and a location to a report', async () => {
    await receive(message('text', { body: 'vreau sa fac o sesizare' }));
    const [askName] = await receive(message('image'));
    expect(askName).toMatch(/Cum vă numiți/);
    const [located] = await receive(message('location'));
    expect(located).toMatch(/Am primit locația/);
    await receive(message('text', { body: 'Ion Popescu' }));
    await receive(message('text', { body: 'sari peste' }));
    const [registered] = await receive(message('text', { body: 'da' }));
    const label = /numărul (\d+\/\d{4})/.exec(registered ?? '')?.[1];
    expect(label, registered).toBeDefined();
    const sha256 = createHash('sha256').update(Buffer.from(recorded.image!.media!.data, 'base64')).digest('hex');
    const clerk = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Dan Moldovan', channel: 'cli' }, `/vezi ${label}`);
    expect(clerk.text).toContain(`sha256 ${sha256}`);
    expect(clerk.text).toContain('46.40263, 24.68312');

    await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Dan Moldovan', channel: 'cli' }, `/raspunde ${label} Groapa va fi astupata vineri.`);
    const delivered = await eventually(() => currentClient().sentTo(citizenChat).find((text) => text.includes('Groapa va fi astupata')), 5000, 'clerk reply');
    expect(delivered).toContain(`Răspuns de la primărie la cererea ${label}`);
  });

  it('shows options as a numbered list and understands the number typed back', async () => {
    const [welcome] = await receive(message('text', { body: 'buna ziua' }));
    expect(welcome).toMatch(/1\. Depun o cerere\n2\. Vorbesc cu un funcționar/);
    const [handover] = await receive(message('text', { body: '2' }));
    expect(handover).toMatch(/nr\. \d+\/\d{4}/);
  });

  it('does not download a file WhatsApp announces above the limit, and asks for it again', async () => {
    const announced = message('image', { _data: { notifyName: 'Ion', size: 40 * 1024 * 1024 } });
    let downloaded = false;
    const huge: WebMessage = {
      ...announced,
      downloadMedia: async () => {
        downloaded = true;
        return announced.downloadMedia();
      },
    };
    const [reply] = await receive(huge);
    expect(reply).toMatch(/Nu am putut primi fișierul/);
    expect(downloaded).toBe(false);
  });

  it('refuses an oversized file from its base64 length, before decoding it', async () => {
    const oversized = message('image', { _data: { notifyName: 'Ion' } });
    const big: WebMessage = { ...oversized, downloadMedia: async () => ({ mimetype: 'image/jpeg', data: 'A'.repeat(24 * 1024 * 1024) }) };
    const [reply] = await receive(big);
    expect(reply).toMatch(/Nu am putut primi fișierul/);
  });

  it('answers a sticker politely', async () => {
    const [reply] = await receive(message('sticker'));
    expect(reply).toMatch(/Nu pot citi acest tip de mesaj/);
  });

  it('reaches a citizen whose number WhatsApp hides behind a linked id', async () => {
    currentClient().hiddenNumbers.set('178312345678901@lid', '40740666777@c.us');
    const [reply] = await receive(message('hiddenNumber'), '178312345678901@lid');
    expect(reply).toMatch(/asistentul virtual/);
    expect(await storedMessages('+40740666777')).toHaveLength(2);
  });

  it('answers a message WhatsApp Web emits twice only once', async () => {
    const twice = message('text', { body: 'buna seara' });
    const client = currentClient();
    const before = client.sentTo(citizenChat).length;
    client.emit('message', twice);
    client.emit('message', twice);
    await eventually(() => client.sentTo(citizenChat).length > before || undefined, 5000, 'reply');
    await adapter.router.settled();
    await testApp.app.functionar.outbox.kick();
    expect(client.sentTo(citizenChat).length).toBe(before + 1);
  });

  it('ignores status updates, groups, its own echoes and messages from before the start', async () => {
    const client = currentClient();
    const sentBefore = client.sent.length;
    const ignored = [
      message('statusBroadcast'),
      message('group'),
      message('fromMe'),
      message('text', { body: 'mesaj trimis cand serverul era oprit', timestamp: Math.floor(Date.now() / 1000) - 3600 }),
    ];
    for (const webMessage of ignored) client.emit('message', webMessage);
    // A normal message after them: once it is answered, the ignored ones have been looked at.
    await receive(message('text', { body: 'multumesc' }));
    expect(client.sent.length).toBe(sentBefore + 1);
    const database = testApp.app.functionar.database.db;
    for (const webMessage of ignored) {
      expect(await database.select().from(messages).where(eq(messages.externalId, webMessage.id._serialized))).toHaveLength(0);
    }
    expect(await storedMessages('+40740777888')).toHaveLength(0);
    expect(await storedMessages('+40740333444')).toHaveLength(0);
  });

  it('sends a stored file (a registration receipt) as a document', async () => {
    const pdf = Buffer.from('%PDF-1.7 confirmare de inregistrare');
    const receipt = storeAttachment(testApp.dataDirectory, { bytes: pdf, fileName: 'confirmare-7-2026.pdf', mediaType: 'application/pdf' });
    const client = currentClient();
    await enqueue(testApp.app.functionar.database.db, { channel: 'whatsapp', recipient: '+40740555111', recipientChannelData: { chatId: citizenChat }, message: { author: 'bot', text: 'Confirmarea de înregistrare', parts: [receipt] } }, new Date());
    const sent = await eventually(() => client.documents.find((entry) => entry.document.filename === 'confirmare-7-2026.pdf'), 5000, 'document sent');
    expect(sent.chatId).toBe(citizenChat);
    expect(Buffer.from(sent.document.data, 'base64')).toEqual(pdf);
    expect(sent.document.mimetype).toBe('application/pdf');
  });

  it('lets a registered clerk use reply commands from WhatsApp', async () => {
    const [list] = await receive(message('text', { body: '/tichete', from: '40740999888@c.us' }), '40740999888@c.us');
    expect(list).toMatch(/tichete:/);
  });
});

describe('when WhatsApp Web drops the connection', () => {
  it('reconnects with a new client after a pause, and reports sends meanwhile as retryable', async () => {
    const dropped = currentClient();
    const count = clients.length;
    dropped.emit('disconnected', 'NAVIGATION');
    expect(dropped.destroyed || (await eventually(() => dropped.destroyed || undefined, 2000, 'old client destroyed'))).toBe(true);
    expect(adapter.readiness()).toMatchObject({ ready: false, reason: expect.stringMatching(/disconnected by WhatsApp Web: NAVIGATION/) });
    const failure = await adapter
      .send({ outboxId: 0, messageId: null, recipient: '+40740555111', recipientChannelData: null, message: { author: 'bot', text: 'test', parts: [] }, createdAt: new Date().toISOString() })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as DeliveryError).retryable).toBe(true);

    await eventually(() => (clients.length > count && currentClient().initialized) || undefined, 3000, 'a new client');
    currentClient().emit('ready');
    expect(adapter.readiness()).toEqual({ ready: true });
    const logged = testApp.logLines.find((line) => String(line.msg).startsWith('whatsapp web unavailable'));
    expect(logged).toMatchObject({ reason: expect.stringContaining('NAVIGATION'), retryInMs: expect.any(Number) });
    const [answer] = await receive(message('text', { body: 'buna ziua' }));
    expect(answer).toMatch(/asistentul virtual/);
  });

  it('logs a clear reason when Chromium is missing, without throwing', async () => {
    const directory = temporaryDirectory();
    const missing = new WhatsappAdapter(channelContext(testApp), (context, router) =>
      new WhatsappWebDriver(context, router, driverOptions({ chromiumPath: path.join(directory, 'no-chromium-here'), initialBackoffMs: 60_000 })),
    );
    await missing.start();
    const line = await eventually(() => testApp.logLines.find((entry) => String(entry.reason ?? '').startsWith('Chromium not found')), 2000, 'log line');
    expect(String(line.reason)).toContain('CHROMIUM_PATH');
    expect(missing.readiness().ready).toBe(false);
    await missing.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  });
});
