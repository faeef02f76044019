import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { deadlineRuleFor, dueDate, localDate } from '../../src/tickets/deadlines.ts';
import { newUserId, privateMessage, staffChatId, startTelegramApp, type TelegramTestApp } from '../channels/telegram/telegram-test-kit.ts';
import { ticketByLabel } from '../helpers/tickets.ts';
import { openWebchatSession, sayInWebchat } from '../channels/webchat/webchat-session.ts';

// The web chat side of issue 14: a Hungarian citizen writes back after a clerk answered (the clerk works
// on Telegram), and the request types do not depend on the language: a report is a report in Hungarian,
// a wish to talk to a person is not a 30-day petition, and a subject given up front is not asked again.

let testApp: TelegramTestApp;
const anaTelegramId = newUserId();
const ana = { id: anaTelegramId, firstName: 'Ana', languageCode: 'ro' };

beforeAll(async () => {
  testApp = await startTelegramApp();
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura', telegramId: String(anaTelegramId) });
});

afterAll(async () => {
  await testApp?.close();
});

interface Reply {
  text: string;
}

async function openSession(language: string): Promise<(text: string) => Promise<Reply[]>> {
  const sessionId = await openWebchatSession(testApp.app, language);
  return (text: string) => sayInWebchat<Reply>(testApp.app, sessionId, text);
}

function ticketOf(label: string) {
  return ticketByLabel(testApp.app, label);
}

/** Files a request whose subject is in the first message; returns the label and the intake's first question. */
async function fileWithSubject(say: (text: string) => Promise<Reply[]>, first: string, name: string, skip: string, yes: string): Promise<{ label: string; firstQuestion: string }> {
  const [question] = await say(first);
  await say(name);
  await say(skip);
  const [registered] = await say(yes);
  const label = /(\d+\/\d{4})/.exec(registered?.text ?? '')?.[1];
  expect(label, registered?.text).toBeDefined();
  return { label: label!, firstQuestion: question?.text ?? '' };
}

describe('a Hungarian citizen in the web chat', () => {
  it('files a report as a sesizare, and a follow-up after the clerk answered reaches the clerk, acknowledged in Hungarian', async () => {
    const say = await openSession('hu');
    const { label, firstQuestion } = await fileWithSubject(
      say,
      'Szeretnék bejelentést tenni: a Fő utcán nem működik a közvilágítás, este teljes sötét van',
      'Kovács Erzsébet',
      'kihagyom',
      'igen',
    );
    expect(firstQuestion).not.toContain('Miről szól a kérelem');
    expect(firstQuestion).toContain('Hogy hívják');
    const filed = await ticketOf(label);
    expect(filed.type).toBe('sesizare');
    expect(filed.dueRule).toContain('OG 27/2002');

    const anaBefore = testApp.telegram.sentMessages(anaTelegramId).length;
    await testApp.deliver(privateMessage(ana, { text: `/raspunde ${label} Kollégánk holnap megnézi. Melyik házszámnál van a lámpa?` }));
    await testApp.nextMessages(anaTelegramId, anaBefore);

    const staffBefore = testApp.telegram.sentMessages(staffChatId).length;
    // The clerk's answer is stored with the command, so the citizen's next message already belongs to the thread.
    const [acknowledged] = await say('Köszönöm! A 12-es szám előtt, és a Petőfi utcában is sötét van, megnéznék?');
    expect(acknowledged?.text).toContain(`Továbbítottam üzenetét a(z) ${label} kérelmével foglalkozó ügyintézőnek`);
    expect(acknowledged?.text).not.toMatch(/Sajnálom|csak .* segíteni/);
    expect((await ticketOf(label)).unreadCitizenMessages).toBe(1);
    const [notice] = await testApp.nextMessages(staffChatId, staffBefore);
    expect(notice?.text).toContain(`Cetățeanul a scris din nou — tichet ${label}`);
    expect(notice?.text).toContain('Petőfi utcában');
  });
});

describe('request types', () => {
  it('files the same report as a sesizare with the same term in Romanian and in Hungarian', async () => {
    const romanian = await fileWithSubject(
      await openSession('ro'),
      'Vreau să depun o sesizare: pe ulița Morii sunt gropi mari în asfalt',
      'Ion Popescu',
      'sari peste',
      'da',
    );
    const hungarian = await fileWithSubject(
      await openSession('hu'),
      'Szeretnék bejelentést tenni: a Malom utcában nagy kátyúk vannak az aszfaltban',
      'Kovács Erzsébet',
      'kihagyom',
      'igen',
    );
    const [ro, hu] = [await ticketOf(romanian.label), await ticketOf(hungarian.label)];
    expect(ro.type).toBe('sesizare');
    expect(hu.type).toBe('sesizare');
    expect(hu.dueRule).toBe(ro.dueRule);
    expect(hu.dueDate).toBe(ro.dueDate);
  });

  it('asks what the request is about only when the citizen has not said it', async () => {
    const say = await openSession('ro');
    const [bare] = await say('Vreau să depun o cerere');
    expect(bare?.text).toContain('Despre ce este cererea?');
    const sayAgain = await openSession('ro');
    const [withSubject] = await sayAgain('Vreau să depun o cerere pentru tăierea unui copac uscat din fața casei');
    expect(withSubject?.text).not.toContain('Despre ce este cererea?');
    expect(withSubject?.text).toContain('Cum vă numiți?');
  });

  it('gives a request to talk to a clerk the next working day, not 30 days', async () => {
    const say = await openSession('ro');
    const [handover] = await say('Vreau să vorbesc cu un funcționar');
    const label = /nr\. (\d+\/\d{4})/.exec(handover?.text ?? '')?.[1];
    expect(label, handover?.text).toBeDefined();
    const ticket = await ticketOf(label!);
    expect(ticket.type).toBe('handover');
    const registeredOn = localDate(new Date(ticket.createdAt));
    expect(ticket.dueDate).toBe(dueDate(registeredOn, deadlineRuleFor('handover')));
    const days = (Date.parse(ticket.dueDate) - Date.parse(registeredOn)) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(1);
    expect(days).toBeLessThanOrEqual(5);
    expect(ticket.dueRule).toContain('următoarei zile lucrătoare');
  });
});
