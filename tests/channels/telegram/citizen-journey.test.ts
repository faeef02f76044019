import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, tickets } from '../../../src/database/schema.ts';
import { enqueue } from '../../../src/outbox/outbox-store.ts';
import { addClerk } from '../../../src/tickets/clerk-directory.ts';
import { settled } from '../../helpers/settled.ts';
import { eventually } from '../../helpers/test-app.ts';
import {
  buttonPress,
  buttonsOf,
  citizen,
  converse,
  fixture,
  privateMessage,
  staffChatId,
  startTelegramApp,
  textFrom,
  type TelegramTestApp,
} from './telegram-test-kit.ts';

let testApp: TelegramTestApp;
// A small JPEG header and some bytes: what matters is that the stored file is these bytes exactly.
const photoBytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('pothole on the main street '.repeat(40))]);

beforeAll(async () => {
  testApp = await startTelegramApp();
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });
});

afterAll(async () => {
  await testApp?.close();
});

function database() {
  return testApp.app.functionar.database.db;
}

describe('a citizen on Telegram', () => {
  it('asks about a building permit and gets the documents list with its source', async () => {
    const ion = citizen('ro');
    const [answer] = await converse(testApp, ion, textFrom(ion, 'ce acte imi trebuie pentru autorizatie de construire'));
    expect(answer?.text).toMatch(/certificat(ul)? de urbanism/i);
    expect(answer?.text).toMatch(/Autorizație de construire/);
    expect(answer?.text).toMatch(/Sursa/);
    // Sent as HTML, every reserved character escaped (the fake rejects what Telegram would reject).
    const call = testApp.telegram.callsOf('sendMessage').find((entry) => String(entry.body.chat_id) === String(ion.id));
    expect(call?.body.parse_mode).toBe('HTML');
    expect(testApp.telegram.callsOf('sendChatAction').some((entry) => String(entry.body.chat_id) === String(ion.id))).toBe(true);
  });

  it('is greeted in Hungarian after /start when Telegram reports a Hungarian app', async () => {
    const erzsebet = citizen('hu', 'Erzsébet');
    const start = privateMessage(erzsebet, {}, 'start-command');
    const [greeting] = await converse(testApp, erzsebet, start);
    expect(greeting?.text).toMatch(/virtuális ügyintézője/);
    expect(buttonsOf(greeting).map((button) => button.text)).toEqual(['Kérelmet adok be', 'Ügyintézővel beszélnék']);
  });

  it('files a report with a photo and a location, consenting with a button, and gets a ticket number', async () => {
    const ion = citizen('ro');
    const staffBefore = testApp.telegram.sentMessages(staffChatId).length;
    const [askSubject] = await converse(testApp, ion, textFrom(ion, 'vreau sa fac o sesizare'));
    expect(askSubject?.text).toMatch(/Despre ce este cererea/);
    expect(buttonsOf(askSubject).map((button) => button.text)).toEqual(['Anulează']);

    testApp.telegram.addFile('AgACAgIAAxkBAAIBPmXw-large-1280', photoBytes, 'photos/file_17.jpg');
    const photo = privateMessage(ion, {}, 'photo-message');
    const [received] = await converse(testApp, ion, photo);
    expect(received?.text).toMatch(/Am primit fișierul „foto-AQADlarge1280\.jpg”/);
    // The largest resolution was fetched, through getFile and the file endpoint.
    expect(testApp.telegram.callsOf('getFile').at(-1)?.body.file_id).toBe('AgACAgIAAxkBAAIBPmXw-large-1280');
    expect(testApp.telegram.callsOf('downloadFile').at(-1)?.body.file_path).toBe('photos/file_17.jpg');

    const [locationReceived] = await converse(testApp, ion, privateMessage(ion, {}, 'location-message'));
    expect(locationReceived?.text).toMatch(/Am primit locația/);
    await eventually(async () => {
      const row = (await database().select().from(messages).where(eq(messages.channel, 'telegram'))).find((message) => message.text === '' && JSON.stringify(message.parts).includes('46.384712'));
      return row?.processedAt ? row : undefined;
    });

    const [askName] = await converse(testApp, ion, textFrom(ion, 'Este o groapa mare pe strada Principala, langa scoala'));
    expect(askName?.text).toMatch(/Cum vă numiți/);
    const [askContact] = await converse(testApp, ion, textFrom(ion, 'Ion Popescu'));
    expect(askContact?.text).toMatch(/Cum vă putem contacta/);
    const skip = buttonsOf(askContact).find((button) => button.text === 'Sari peste');
    expect(skip).toBeDefined();

    const [consent] = await converse(testApp, ion, buttonPress(ion, askContact!, skip!.callback_data));
    expect(consent?.text).toMatch(/GDPR/);
    const yes = buttonsOf(consent).find((button) => button.text === 'Da');
    expect(yes).toBeDefined();

    const [registered] = await converse(testApp, ion, buttonPress(ion, consent!, yes!.callback_data));
    const label = /numărul (\d+\/\d{4})/.exec(registered?.text ?? '')?.[1];
    expect(label).toBeDefined();
    // The pressed buttons were answered and taken off the message.
    expect(testApp.telegram.callsOf('answerCallbackQuery').length).toBeGreaterThanOrEqual(2);
    expect(testApp.telegram.callsOf('editMessageReplyMarkup').map((call) => call.body.message_id)).toContain(consent!.messageId);

    const [number, year] = label!.split('/').map(Number);
    const ticket = (await database().select().from(tickets)).find((row) => row.number === number && row.year === year);
    const sha256 = createHash('sha256').update(photoBytes).digest('hex');
    expect(ticket?.type).toBe('sesizare');
    expect(ticket?.channel).toBe('telegram');
    expect(ticket?.text).toContain(`foto-AQADlarge1280.jpg (sha256 ${sha256})`);
    expect(ticket?.text).toContain('Locație: 46.384712, 24.675838');
    expect(ticket?.citizenName).toBe('Ion Popescu');
    const stored = path.join(testApp.dataDirectory, 'attachments', `${sha256}.jpg`);
    expect(fs.readFileSync(stored).equals(photoBytes)).toBe(true);

    // The clerks' group hears of it, with buttons carrying the reply commands.
    const [notice] = await testApp.nextMessages(staffChatId, staffBefore);
    expect(notice?.text).toContain(`Tichet nou ${label}`);
    expect(buttonsOf(notice).map((button) => [button.text, button.callback_data])).toEqual([
      ['Preia', `/preia ${label}`],
      ['Răspunde', `/raspunde ${label} `],
      ['Vezi', `/vezi ${label}`],
    ]);

    const [status] = await converse(testApp, ion, textFrom(ion, `/stare ${label}`));
    expect(status?.text).toContain(`Cererea ${label}`);
    expect(status?.text).toMatch(/nou/);
  });

  it('attaches a PDF sent with a caption during an intake', async () => {
    const maria = citizen('ro', 'Maria');
    await converse(testApp, maria, textFrom(maria, 'vreau sa depun o cerere'));
    testApp.telegram.addFile('BQACAgIAAxkBAAIBQGXw-plan-situatie', Buffer.from('%PDF-1.4 plan de situatie'), 'documents/file_3.pdf');
    const document = privateMessage(maria, {}, 'document-message');
    const [reply] = await converse(testApp, maria, document);
    // The caption is the answer to the current step; the file rides along with it.
    expect(reply?.text).toMatch(/Cum vă numiți/);
    const stored = (await database().select().from(messages)).find((row) => row.externalId === `message:${maria.id}:${document.message.message_id}`);
    expect(stored?.parts).toEqual([expect.objectContaining({ type: 'attachment', fileName: 'plan-situatie.pdf', mediaType: 'application/pdf' })]);
  });

  it('refuses a file that is too large without downloading it', async () => {
    const maria = citizen('ro', 'Maria');
    const document = privateMessage(maria, {}, 'document-message');
    document.message.document = { ...document.message.document, file_id: 'BQAC-huge', file_size: 25 * 1024 * 1024 };
    delete document.message.caption;
    const [reply] = await converse(testApp, maria, document);
    expect(reply?.text).toMatch(/prea mare.*10 MB/);
    expect(testApp.telegram.callsOf('getFile').some((call) => call.body.file_id === 'BQAC-huge')).toBe(false);
  });

  it('presses a button whose value is longer than the 64 bytes Telegram carries', async () => {
    const ion = citizen('ro');
    await converse(testApp, ion, textFrom(ion, 'buna ziua'));
    const long = 'Certificat de atestare fiscală pentru persoane fizice (vânzare teren intravilan)';
    const before = testApp.telegram.sentMessages(ion.id).length;
    await enqueue(
      database(),
      {
        channel: 'telegram',
        recipient: String(ion.id),
        recipientChannelData: { chatId: ion.id },
        message: { author: 'bot', text: 'Vă referiți la:', parts: [{ type: 'buttons', buttons: [{ label: 'Certificat fiscal', value: long }] }] },
      },
      new Date(),
    );
    void testApp.app.functionar.outbox.kick();
    const [question] = await testApp.nextMessages(ion.id, before);
    const data = buttonsOf(question)[0]!.callback_data;
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);

    const press = buttonPress(ion, question!, data);
    await testApp.deliver(press);
    const stored = await eventually(async () => (await database().select().from(messages)).find((row) => row.externalId === `callback:${press.callback_query.id}`));
    expect(stored.text).toBe(long);

    // A digest nobody can resolve (the message is not the bot's) is answered, and goes nowhere.
    const stray = buttonPress(ion, { ...question!, messageId: 1 }, data);
    await testApp.deliver(stray);
    const toast = await eventually(() => testApp.telegram.callsOf('answerCallbackQuery').find((call) => call.body.callback_query_id === stray.callback_query.id));
    expect(toast.body.text).toMatch(/nu mai este valabil/);
  });

  it('gets one answer when Telegram delivers the same update twice', async () => {
    const ion = citizen('ro');
    const update = textFrom(ion, 'buna ziua');
    const [first] = await converse(testApp, ion, update);
    // The webhook answers once the redelivery was looked at; then everything accepted is answered and sent.
    await testApp.deliver(update);
    await settled(testApp.app, 'the redelivered update handled');
    expect((await database().select().from(messages)).filter((row) => row.externalId === `message:${ion.id}:${update.message.message_id}`)).toHaveLength(1);
    expect(testApp.telegram.sentMessages(ion.id)).toHaveLength(1);
    expect(first?.text).toMatch(/asistentul virtual/);
  });

  it('is told that edits are not re-read, and the edit changes nothing', async () => {
    const ion = citizen('ro');
    const original = textFrom(ion, 'buna ziua');
    await converse(testApp, ion, original);
    const edit = fixture('edited-message');
    edit.update_id = original.update_id + 1;
    edit.edited_message = { ...edit.edited_message, message_id: original.message.message_id, from: original.message.from, chat: original.message.chat };
    const [notice] = await converse(testApp, ion, edit);
    expect(notice?.text).toMatch(/ați modificat un mesaj/);
    expect(notice?.replyToMessageId).toBe(original.message.message_id);
    const stored = (await database().select().from(messages)).filter((row) => row.externalId?.startsWith(`message:${ion.id}:`));
    expect(stored).toHaveLength(1);
  });

  it('is told what the bot can read when sending a sticker', async () => {
    const ion = citizen('ro');
    const sticker = privateMessage(ion, {
      sticker: { file_id: 'CAACAgIAAxkBAAIBQ2Xw', file_unique_id: 'AgADsticker', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '👍' },
    });
    const [reply] = await converse(testApp, ion, sticker);
    expect(reply?.text).toMatch(/Pot citi mesaje scrise/);
    await testApp.deliver(sticker);
    await settled(testApp.app, 'the redelivered sticker handled');
    expect(testApp.telegram.sentMessages(ion.id)).toHaveLength(1);
  });

  it('receives a long clerk answer split in two messages, HTML-escaped', async () => {
    const ion = citizen('ro');
    await converse(testApp, ion, textFrom(ion, 'vreau sa vorbesc cu un functionar'));
    const ticket = (await database().select().from(tickets).orderBy(tickets.id)).at(-1)!;
    const before = testApp.telegram.sentMessages(ion.id).length;
    const paragraph = 'Documentele <originale> & copiile se depun la registratură. ';
    const longText = Array.from({ length: 90 }, () => paragraph).join('\n');
    const outcome = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/raspunde ${ticket.number}/${ticket.year} ${longText}`);
    expect(outcome.ok).toBe(true);
    const parts = await testApp.nextMessages(ion.id, before, 2);
    expect(parts.every((part) => part.text.length <= 4096)).toBe(true);
    expect(parts.map((part) => part.text).join('\n')).toContain('Documentele <originale> & copiile');
    expect(parts[0]?.html).toContain('&lt;originale&gt; &amp; copiile');
  });
});

describe('updates that are not a citizen talking to the bot', () => {
  it('ignores a channel post and chit-chat in a group, and answers nothing', async () => {
    const sendsBefore = testApp.telegram.callsOf('sendMessage').length;
    await testApp.deliver(fixture('channel-post'));
    const group = fixture('group-message');
    group.update_id += 1000;
    await testApp.deliver(group);
    await settled(testApp.app, 'the channel post and the group message handled');
    expect(testApp.telegram.callsOf('sendMessage').length).toBe(sendsBefore);
    const stored = (await database().select().from(messages)).filter((row) => row.text.includes('Bună dimineața tuturor') || row.text.includes('deșeurilor'));
    expect(stored).toHaveLength(0);
  });

  it('points someone who addresses the bot in another group to a private chat', async () => {
    const group = fixture('group-message');
    group.update_id += 2000;
    group.message.chat = { id: -1009999999999, title: 'Vecinii din Bălăușeri', type: 'supergroup' };
    group.message.text = '/start@PrimariaBalauseriBot';
    await testApp.deliver(group);
    const [notice] = await testApp.nextMessages(-1009999999999, 0);
    expect(notice?.text).toContain('https://t.me/PrimariaBalauseriBot');
  });
});
