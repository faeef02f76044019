import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, ticketEvents } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { eventually } from '../helpers/test-app.ts';
import { citizen, converse, newUserId, privateMessage, staffChatId, startTelegramApp, textFrom, type Citizen, type TelegramTestApp } from '../channels/telegram/telegram-test-kit.ts';
import { ticketByLabel } from '../helpers/tickets.ts';

// A citizen a clerk wrote to answers with a voice note or a sticker: the bot still says what it can read,
// and the clerk hears of it — the message joins the ticket's thread and the staff chat is told.

let testApp: TelegramTestApp;
const anaTelegramId = newUserId();
const ana = { id: anaTelegramId, firstName: 'Ana', languageCode: 'ro' };
const voiceBytes = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(12), Buffer.from('OpusHead voice note about the street lamp '.repeat(20))]);

beforeAll(async () => {
  testApp = await startTelegramApp();
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura', telegramId: String(anaTelegramId) });
});

afterAll(async () => {
  await testApp?.close();
});

function database() {
  return testApp.app.functionar.database.db;
}

function ticketOf(label: string) {
  return ticketByLabel(testApp.app, label);
}

/** Ion files a report; Ana asks him something with /raspunde. Returns the label. */
async function fileAndGetAsked(ion: Citizen, report: string, question: string): Promise<string> {
  await converse(testApp, ion, textFrom(ion, report));
  await converse(testApp, ion, textFrom(ion, 'Ion Popescu'));
  await converse(testApp, ion, textFrom(ion, 'sari peste'));
  const [registered] = await converse(testApp, ion, textFrom(ion, 'da'));
  const label = /numărul (\d+\/\d{4})/.exec(registered?.text ?? '')![1]!;
  const before = testApp.telegram.sentMessages(ion.id).length;
  const anaBefore = testApp.telegram.sentMessages(anaTelegramId).length;
  await testApp.deliver(privateMessage(ana, { text: `/raspunde ${label} ${question}` }));
  await testApp.nextMessages(anaTelegramId, anaBefore);
  await testApp.nextMessages(ion.id, before);
  return label;
}

function staffNoticeFor(label: string, containing: string) {
  return eventually(
    () => testApp.telegram.sentMessages(staffChatId).find((sent) => sent.text.includes(`Cetățeanul a scris din nou — tichet ${label}`) && sent.text.includes(containing)),
    8000,
    `the staff notice for ${label}`,
  );
}

describe('a voice note or a sticker on a live ticket thread', () => {
  it('a voice note is kept on the thread with its SHA-256 and the clerk is told, naming the file', async () => {
    const ion = citizen('ro');
    const label = await fileAndGetAsked(ion, 'Vreau să depun o sesizare: becul de pe ulița Morii nr. 9 este ars', 'Ne spuneți la ce stâlp anume?');
    testApp.telegram.addFile('AwACAgIAAxkBAAIBvoice-note-1', voiceBytes, 'voice/file_7.oga');
    const voice = privateMessage(ion, { voice: { file_id: 'AwACAgIAAxkBAAIBvoice-note-1', file_unique_id: 'AgADvoice1', duration: 4, mime_type: 'audio/ogg', file_size: voiceBytes.length } });
    const [answer] = await converse(testApp, ion, voice);
    expect(answer?.text).toContain(`Am transmis mesajul dvs. funcționarului care se ocupă de cererea ${label}, împreună cu „mesaj-vocal-AgADvoice1.ogg”`);

    const ticket = await ticketOf(label);
    expect(ticket.unreadCitizenMessages).toBe(1);
    const sha256 = createHash('sha256').update(voiceBytes).digest('hex');
    const recorded = (await database().select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id))).find((event) => event.kind === 'citizen_message');
    expect(recorded?.detail).toMatchObject({ attachments: [{ fileName: 'mesaj-vocal-AgADvoice1.ogg', sha256 }] });
    const notice = await staffNoticeFor(label, 'mesaj-vocal-AgADvoice1.ogg');
    expect(notice.text).toContain(`sha256 ${sha256.slice(0, 16)}`);
  });

  it('a sticker gets the fixed answer, and joins the thread with a notice saying what came', async () => {
    const ion = citizen('ro');
    const label = await fileAndGetAsked(ion, 'Vreau să depun o sesizare: pe ulița Bisericii e o groapă mare în asfalt', 'Am reparat groapa. E în regulă acum?');
    const anaBefore = testApp.telegram.sentMessages(anaTelegramId).length;
    const sticker = privateMessage(ion, {
      sticker: { file_id: 'CAACAgIAAxkBAAIBQ2Xw-thread', file_unique_id: 'AgADstickerThread', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '👍' },
    });
    const [reply] = await converse(testApp, ion, sticker);
    // The citizen still learns what the bot can read.
    expect(reply?.text).toMatch(/Pot citi mesaje scrise/);

    const ticket = await ticketOf(label);
    expect(ticket.unreadCitizenMessages).toBe(1);
    expect(ticket.status).toBe('in_lucru');
    const onThread = await database().select().from(messages).where(and(eq(messages.ticketId, ticket.id), eq(messages.author, 'citizen')));
    expect(onThread).toHaveLength(1);
    const notice = await staffNoticeFor(label, 'autocolant');
    expect(notice.text).toContain('a primit răspunsul automat');
    // Ana, who answered the ticket, is told privately too.
    const [personal] = await testApp.nextMessages(anaTelegramId, anaBefore);
    expect(personal?.text).toContain(`Cetățeanul a scris din nou — tichet ${label}`);

    // Delivered again by Telegram: no second answer, no second thread message.
    await testApp.deliver(sticker);
    await converse(testApp, ion, textFrom(ion, 'ce acte imi trebuie pentru autorizatie de construire?'));
    expect(testApp.telegram.sentMessages(ion.id).filter((sent) => /Pot citi mesaje scrise/.test(sent.text))).toHaveLength(1);
    expect(await database().select().from(messages).where(and(eq(messages.ticketId, ticket.id), eq(messages.author, 'citizen')))).toHaveLength(2);

    // /vezi says what the wordless message was, in its place on the thread.
    const shown = (await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/vezi ${label}`)).text;
    const thread = shown.slice(shown.indexOf('Fir (ora României):'), shown.indexOf('Istoric:'));
    expect(thread).toMatch(/cetățean: \(mesaj fără text: autocolant/);
    expect(thread.indexOf('autocolant')).toBeGreaterThan(thread.indexOf('Am reparat groapa'));
  });

  it('a sticker with no live thread is only answered', async () => {
    const ion = citizen('ro');
    const staffBefore = testApp.telegram.sentMessages(staffChatId).length;
    const [reply] = await converse(testApp, ion, privateMessage(ion, { sticker: { file_id: 'CAACAgIAAxkBAAIBQ2Xw-lone', file_unique_id: 'AgADlone', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '🙂' } }));
    expect(reply?.text).toMatch(/Pot citi mesaje scrise/);
    const sticker = (await database().select().from(messages)).find((row) => row.externalId?.startsWith(`message:${ion.id}:`));
    expect(sticker?.ticketId).toBeNull();
    expect(testApp.telegram.sentMessages(staffChatId).slice(staffBefore).some((sent) => sent.text.includes('autocolant'))).toBe(false);
  });
});
