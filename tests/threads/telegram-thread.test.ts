import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, ticketEvents, unansweredQuestions } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { runCli } from '../helpers/cli.ts';
import { buttonsOf, citizen, converse, newUserId, privateMessage, staffChatId, startTelegramApp, textFrom, type Citizen, type TelegramTestApp } from '../channels/telegram/telegram-test-kit.ts';
import { ticketByLabel } from '../helpers/tickets.ts';

// Issue 14's story on Telegram: a citizen files a report, a clerk answers with /raspunde, the citizen
// writes back — and the clerk hears of it, instead of the bot refusing the message as off-topic.

let testApp: TelegramTestApp;
const anaTelegramId = newUserId();
const ana = { id: anaTelegramId, firstName: 'Ana', languageCode: 'ro' };
const photoBytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('dark street lamp on Scolii street '.repeat(30))]);

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

/** Ion files a report in one message with its subject, then name, no contact, consent. */
async function filesReport(ion: Citizen, text: string): Promise<string> {
  const [first] = await converse(testApp, ion, textFrom(ion, text));
  // The subject was in the message: the intake goes on to the name, it does not ask what it is about.
  expect(first?.text).not.toContain('Despre ce este cererea');
  expect(first?.text).toContain('Cum vă numiți');
  await converse(testApp, ion, textFrom(ion, 'Ion Popescu'));
  await converse(testApp, ion, textFrom(ion, 'sari peste'));
  const [registered] = await converse(testApp, ion, textFrom(ion, 'da'));
  const label = /numărul (\d+\/\d{4})/.exec(registered?.text ?? '')?.[1];
  expect(label, registered?.text).toBeDefined();
  return label!;
}

async function clerkAnswers(label: string, text: string): Promise<void> {
  const before = testApp.telegram.sentMessages(anaTelegramId).length;
  await testApp.deliver(privateMessage(ana, { text: `/raspunde ${label} ${text}` }));
  const [confirmation] = await testApp.nextMessages(anaTelegramId, before);
  expect(confirmation?.text).toContain(`Răspuns trimis cetățeanului pentru ${label}`);
}

describe('a citizen writing back after a clerk answered on Telegram', () => {
  it('reaches the clerk: the message joins the thread, counts as unread, and the staff chat and the clerk are told', async () => {
    const ion = citizen('ro');
    const label = await filesReport(ion, 'Vreau să depun o sesizare: becul de pe strada Morii nr. 5 este ars de o săptămână');
    expect((await ticketOf(label)).type).toBe('sesizare');
    const citizenBefore = testApp.telegram.sentMessages(ion.id).length;
    await clerkAnswers(label, 'Am trimis electricianul ieri. Mai este întuneric?');
    await testApp.nextMessages(ion.id, citizenBefore);
    expect((await ticketOf(label)).status).toBe('asteapta_cetatean');

    const staffBefore = testApp.telegram.sentMessages(staffChatId).length;
    const anaBefore = testApp.telegram.sentMessages(anaTelegramId).length;
    const followUp = 'Mulțumesc! Și pe strada Școlii e tot întuneric, puteți verifica?';
    const [answer] = await converse(testApp, ion, textFrom(ion, followUp));
    expect(answer?.text).toContain(`Am transmis mesajul dvs. funcționarului care se ocupă de cererea ${label}`);
    expect(answer?.text).not.toMatch(/Îmi pare rău|vă pot ajuta doar/);

    const ticket = await ticketOf(label);
    expect(ticket.unreadCitizenMessages).toBe(1);
    expect(ticket.lastCitizenMessageAt).not.toBeNull();
    // Passed on to a clerk, so not one of the questions the bot could not answer.
    expect((await database().select().from(unansweredQuestions)).some((question) => question.text.includes('strada Școlii'))).toBe(false);
    expect(ticket.status).toBe('in_lucru');
    const onThread = await database().select().from(messages).where(eq(messages.ticketId, ticket.id));
    expect(onThread.find((message) => message.author === 'citizen')?.text).toBe(followUp);

    // The staff group hears it, with the message itself and the buttons to answer; so does Ana, who has the ticket.
    const [staffNotice] = await testApp.nextMessages(staffChatId, staffBefore);
    expect(staffNotice?.text).toContain(`Cetățeanul a scris din nou — tichet ${label}`);
    expect(staffNotice?.text).toContain('strada Școlii e tot întuneric');
    expect(staffNotice?.text).toContain('Alocat: Ana Pop');
    expect(buttonsOf(staffNotice).map((button) => button.text)).toEqual(['Răspunde', 'Vezi']);
    const [privateNotice] = await testApp.nextMessages(anaTelegramId, anaBefore);
    expect(privateNotice?.text).toContain(`Cetățeanul a scris din nou — tichet ${label}`);

    // Opening the ticket with /vezi reads the thread: nothing is unread any more.
    await testApp.deliver(privateMessage(ana, { text: `/vezi ${label}` }));
    await testApp.nextMessages(anaTelegramId, anaBefore + 1);
    expect((await ticketOf(label)).unreadCitizenMessages).toBe(0);
  });

  it('still answers a clear procedure question asked in the follow-up, in the same message', async () => {
    const ion = citizen('ro');
    const label = await filesReport(ion, 'Vreau să depun o sesizare: gunoiul de pe ulița Bisericii nu a fost ridicat');
    const before = testApp.telegram.sentMessages(ion.id).length;
    await clerkAnswers(label, 'Operatorul de salubritate trece mâine.');
    await testApp.nextMessages(ion.id, before);

    const [answer] = await converse(testApp, ion, textFrom(ion, 'ce acte imi trebuie pentru autorizatie de construire?'));
    expect(answer?.text).toContain(`Am transmis mesajul dvs. funcționarului care se ocupă de cererea ${label}`);
    expect(answer?.text).toMatch(/certificat(ul)? de urbanism/i);
    expect(answer?.text).toMatch(/Sursa/);
    expect((await ticketOf(label)).unreadCitizenMessages).toBe(1);
  });

  it('attaches a photo sent as the answer to the ticket, with its SHA-256, and shows the thread in order in `tickets show`', async () => {
    const ion = citizen('ro');
    const label = await filesReport(ion, 'Vreau să depun o sesizare: stâlpul de iluminat de pe strada Școlii e căzut');
    const before = testApp.telegram.sentMessages(ion.id).length;
    await clerkAnswers(label, 'Ne puteți trimite o fotografie cu stâlpul?');
    await testApp.nextMessages(ion.id, before);

    testApp.telegram.addFile('AgACAgIAAxkBAAIBPmXw-large-1280', photoBytes, 'photos/file_33.jpg');
    const [received] = await converse(testApp, ion, privateMessage(ion, {}, 'photo-message'));
    expect(received?.text).toContain(`Am transmis mesajul dvs. funcționarului care se ocupă de cererea ${label}`);
    // The photo answered the clerk: it did not start a new report.
    expect(received?.text).not.toContain('sesizare nouă');

    const ticket = await ticketOf(label);
    expect(ticket.unreadCitizenMessages).toBe(1);
    const sha256 = createHash('sha256').update(photoBytes).digest('hex');
    const recorded = (await database().select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id))).find((event) => event.kind === 'citizen_message');
    expect(JSON.stringify(recorded?.detail)).toContain(sha256);

    const shown = await runCli(['tickets', 'show', label], { environment: { DATA_DIR: testApp.dataDirectory } });
    expect(shown.status, shown.stderr).toBe(0);
    const thread = shown.stdout.slice(shown.stdout.indexOf('Fir (ora României):'));
    const lines = thread.split('\n').slice(1).filter((line) => line.trim() !== '');
    // Registered by the bot, asked by the clerk, answered by the citizen with the photo, acknowledged by the bot.
    expect(lines.map((line) => /^\s+\d{2}\.\d{2}\.\d{4} \d{2}:\d{2} (\S+):/.exec(line)?.[1])).toEqual(['bot', 'funcționar', 'cetățean', 'bot']);
    expect(lines[1]).toContain('Ne puteți trimite o fotografie');
    expect(lines[2]).toContain(`sha256 ${sha256}`);
    // Times are the town hall's, not UTC.
    const createdAt = new Date(ticket.createdAt);
    const bucharestHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Bucharest', hour: '2-digit', hourCycle: 'h23' }).format(createdAt);
    expect(lines[0]).toMatch(new RegExp(` ${bucharestHour}:\\d{2} bot:`));
  });

  it('does not treat a message as a follow-up before any clerk has written', async () => {
    const ion = citizen('ro');
    const label = await filesReport(ion, 'Vreau să depun o sesizare: câinii fără stăpân de lângă școală sunt agresivi');
    await converse(testApp, ion, textFrom(ion, 'ce acte imi trebuie pentru autorizatie de construire?'));
    expect((await ticketOf(label)).unreadCitizenMessages).toBe(0);
  });
});
