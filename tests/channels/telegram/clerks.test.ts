import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketEvents, tickets } from '../../../src/database/schema.ts';
import { addClerk } from '../../../src/tickets/clerk-directory.ts';
import { settled } from '../../helpers/settled.ts';
import { eventually } from '../../helpers/test-app.ts';
import type { SentMessage } from '../../fakes/fake-telegram-api.ts';
import { buttonPress, buttonsOf, newUserId, privateMessage, staffChatId, staffGroupMessage, startTelegramApp, type TelegramTestApp } from './telegram-test-kit.ts';

let testApp: TelegramTestApp;
const anaTelegramId = newUserId();
const outsiderTelegramId = newUserId();
const ana = { id: anaTelegramId, firstName: 'Ana', languageCode: 'ro' };

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

interface WebchatMessage {
  from: string;
  text: string;
}

/** A citizen on the town hall's website files a request; returns the session and the ticket label. */
async function webchatCitizenFilesRequest(subject: string): Promise<{ sessionId: string; label: string }> {
  const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  const { sessionId } = session.json() as { sessionId: string };
  const say = async (text: string) => {
    const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { replies: { text: string }[] }).replies;
  };
  await say('vreau sa depun o cerere');
  await say(subject);
  await say('Maria Ionescu');
  await say('maria@example.ro');
  const confirmation = await say('da');
  const label = /numărul (\d+\/\d{4})/.exec(confirmation[0]?.text ?? '')?.[1];
  expect(label).toBeDefined();
  return { sessionId, label: label! };
}

async function webchatMessages(sessionId: string): Promise<WebchatMessage[]> {
  const response = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
  return (response.json() as { messages: WebchatMessage[] }).messages;
}

async function staffNoticeOf(label: string): Promise<SentMessage> {
  return eventually(() => testApp.telegram.sentMessages(staffChatId).find((message) => message.text.includes(`Tichet nou ${label}`)), 5000, `staff notice of ${label}`);
}

async function ticketOf(label: string) {
  const [number, year] = label.split('/').map(Number);
  return (await database().select().from(tickets)).find((row) => row.number === number && row.year === year)!;
}

describe('clerks on Telegram', () => {
  it('see a web-chat request announced in the staff group with buttons, and take it with "Preia"', async () => {
    const { label } = await webchatCitizenFilesRequest('Solicit certificat de atestare fiscala pentru vanzarea casei');
    const notice = await staffNoticeOf(label);
    expect(notice.text).toContain('Canal: webchat');
    expect(buttonsOf(notice).map((button) => button.text)).toEqual(['Preia', 'Răspunde', 'Vezi']);

    const before = testApp.telegram.sentMessages(staffChatId).length;
    await testApp.deliver(buttonPress(ana, notice, `/preia ${label}`));
    const [answer] = await testApp.nextMessages(staffChatId, before);
    expect(answer?.text).toBe(`${label} vă este alocat (Ana Pop).`);
    expect(answer?.replyToMessageId).toBe(notice.messageId);
    expect((await ticketOf(label)).status).toBe('in_lucru');
    // The toast and the answer are two requests to Telegram: either may arrive first.
    const toast = await eventually(() => testApp.telegram.callsOf('answerCallbackQuery').at(-1), 5000, 'the toast');
    expect(toast.body.text).toBe(`${label} vă este alocat (Ana Pop).`);
  });

  it('answer a web-chat citizen with "Răspunde" and a reply to the prompt', async () => {
    const { sessionId, label } = await webchatCitizenFilesRequest('Cer copie dupa hotararea de consiliu privind iluminatul public');
    const notice = await staffNoticeOf(label);
    const before = testApp.telegram.sentMessages(staffChatId).length;
    await testApp.deliver(buttonPress(ana, notice, `/raspunde ${label} `));
    const [prompt] = await testApp.nextMessages(staffChatId, before);
    expect(prompt?.text).toContain(`Răspuns la tichetul ${label}`);
    expect(prompt?.replyMarkup?.force_reply).toBe(true);

    await testApp.deliver(staffGroupMessage(anaTelegramId, 'Copia hotărârii vă așteaptă la registratură.', prompt));
    const confirmation = await testApp.nextMessages(staffChatId, before + 1);
    expect(confirmation[0]?.text).toBe(`Răspuns trimis cetățeanului pentru ${label} (canal webchat).`);
    const messages = await eventually(async () => {
      const all = await webchatMessages(sessionId);
      return all.some((message) => message.from === 'clerk') ? all : undefined;
    });
    expect(messages.at(-1)).toMatchObject({ from: 'clerk', text: expect.stringContaining('Copia hotărârii vă așteaptă la registratură.') });
  });

  it('answer a ticket by replying to its announcement', async () => {
    const { sessionId, label } = await webchatCitizenFilesRequest('Solicit taierea arborilor uscati de pe strada Morii');
    const notice = await staffNoticeOf(label);
    await testApp.deliver(staffGroupMessage(anaTelegramId, 'Echipa de spații verzi vine marți.', notice));
    await eventually(async () => ((await webchatMessages(sessionId)).some((message) => message.from === 'clerk' && message.text.includes('vine marți')) ? true : undefined));
    const replies = (await database().select().from(ticketEvents).where(eq(ticketEvents.ticketId, (await ticketOf(label)).id))).filter((event) => event.kind === 'reply');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ actorType: 'clerk', channel: 'telegram' });
  });

  it('answer with /raspunde from a private chat, once even when Telegram delivers the command twice', async () => {
    const { sessionId, label } = await webchatCitizenFilesRequest('Solicit informatii despre programul de ridicare a deseurilor');
    const command = privateMessage(ana, { text: `/raspunde ${label} Gunoiul se ridică în fiecare joi.` });
    const before = testApp.telegram.sentMessages(anaTelegramId).length;
    await testApp.deliver(command);
    await testApp.deliver(command);
    const [confirmation] = await testApp.nextMessages(anaTelegramId, before);
    expect(confirmation?.text).toContain(`Răspuns trimis cetățeanului pentru ${label}`);
    await eventually(async () => ((await webchatMessages(sessionId)).some((message) => message.from === 'clerk') ? true : undefined));
    // Both deliveries were handled before their webhook calls returned; now every reply they queued is out.
    await settled(testApp.app, 'the command and its redelivery handled');
    expect((await webchatMessages(sessionId)).filter((message) => message.from === 'clerk')).toHaveLength(1);
    expect(testApp.telegram.sentMessages(anaTelegramId)).toHaveLength(before + 1);
  });

  it('list the open tickets with /tichete in the staff group', async () => {
    const before = testApp.telegram.sentMessages(staffChatId).length;
    await testApp.deliver(staffGroupMessage(anaTelegramId, '/tichete@PrimariaBalauseriBot'));
    const [list] = await testApp.nextMessages(staffChatId, before);
    expect(list?.text).toMatch(/^\d+ tichete:/);
    // The same command addressed to another bot of the group is left to that bot.
    await testApp.deliver(staffGroupMessage(anaTelegramId, '/tichete@AltBot'));
    await settled(testApp.app, 'the command for another bot handled');
    expect(testApp.telegram.sentMessages(staffChatId)).toHaveLength(before + 1);
  });

  it('refuse a reply command from someone who is not a registered clerk, changing nothing', async () => {
    const { sessionId, label } = await webchatCitizenFilesRequest('Solicit repararea podetului de pe ulita bisericii');
    const notice = await staffNoticeOf(label);
    const before = testApp.telegram.sentMessages(staffChatId).length;
    await testApp.deliver(staffGroupMessage(outsiderTelegramId, `/raspunde ${label} Aprobat.`));
    const [refusal] = await testApp.nextMessages(staffChatId, before);
    expect(refusal?.text).toMatch(/Nu aveți dreptul/);
    const refused = (await database().select().from(ticketEvents)).filter((event) => event.kind === 'command_refused' && event.actorId === `telegram:${outsiderTelegramId}`);
    expect(refused).toHaveLength(1);
    expect((await webchatMessages(sessionId)).some((message) => message.from === 'clerk')).toBe(false);

    // Pressing a staff button is refused too, privately (a toast), not in front of the group.
    const sendsBefore = testApp.telegram.sentMessages(staffChatId).length;
    await testApp.deliver(buttonPress({ id: outsiderTelegramId }, notice, `/preia ${label}`));
    const toast = await eventually(() => testApp.telegram.callsOf('answerCallbackQuery').find((call) => String(call.body.text).startsWith('Nu aveți dreptul')));
    expect(toast.body.show_alert).toBe(true);
    expect(testApp.telegram.sentMessages(staffChatId)).toHaveLength(sendsBefore);
    expect((await ticketOf(label)).assigneeClerkId).toBeNull();
  });

  it('find the ids the set-up needs with /id, in the group and in private', async () => {
    const before = testApp.telegram.sentMessages(staffChatId).length;
    await testApp.deliver(staffGroupMessage(outsiderTelegramId, '/id@PrimariaBalauseriBot'));
    const [groupIds] = await testApp.nextMessages(staffChatId, before);
    expect(groupIds?.text).toBe(`Telegram chat id: ${staffChatId}\nTelegram user id: ${outsiderTelegramId}`);
    const privateBefore = testApp.telegram.sentMessages(anaTelegramId).length;
    await testApp.deliver(privateMessage(ana, { text: '/id' }));
    const [userId] = await testApp.nextMessages(anaTelegramId, privateBefore);
    expect(userId?.text).toBe(`Telegram user id: ${anaTelegramId}`);
  });
});

