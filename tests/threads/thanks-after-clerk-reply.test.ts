import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { ticketByLabel } from '../helpers/tickets.ts';
import { openWebchatSession, sayInWebchat } from '../channels/webchat/webchat-session.ts';

// A bare "thank you" after a clerk's answer is a courtesy: the citizen gets a short line naming the
// request in their language, not the general welcome; the clerk is not disturbed (nothing on the thread,
// nothing unread) and a request waiting for the citizen does not go back to the clerks.

let testApp: TestApp;

beforeAll(async () => {
  testApp = await startTestApp();
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });
});

afterAll(async () => {
  await testApp?.close();
});

interface Reply {
  text: string;
}

function database() {
  return testApp.app.functionar.database.db;
}

function ticketOf(label: string) {
  return ticketByLabel(testApp.app, label);
}

async function openSession(language: string): Promise<(text: string) => Promise<Reply[]>> {
  const sessionId = await openWebchatSession(testApp.app, language);
  return (text: string) => sayInWebchat<Reply>(testApp.app, sessionId, text);
}

async function fileRequest(say: (text: string) => Promise<Reply[]>, lines: string[]): Promise<string> {
  let last: Reply[] = [];
  for (const line of lines) last = await say(line);
  const label = /(\d+\/\d{4})/.exec(last[0]?.text ?? '')?.[1];
  expect(label, last[0]?.text).toBeDefined();
  return label!;
}

async function clerkReplies(label: string, text: string): Promise<void> {
  const outcome = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/raspunde ${label} ${text}`);
  expect(outcome.ok, outcome.text).toBe(true);
}

async function citizenMessagesOnThread(ticketId: number) {
  return database().select().from(messages).where(and(eq(messages.ticketId, ticketId), eq(messages.author, 'citizen')));
}

describe('a bare thanks after a clerk answered', () => {
  it('gets a courteous line naming the request in Romanian, stays off the thread and moves nothing', async () => {
    const say = await openSession('ro');
    const label = await fileRequest(say, ['Vreau să depun o sesizare: gunoiul de pe ulița Bisericii nu a fost ridicat de două săptămâni', 'Ion Popescu', 'sari peste', 'da']);
    // Before any clerk wrote, a thanks is small talk as always.
    const [before] = await say('Mulțumesc');
    expect(before?.text).toContain('Sunt asistentul virtual');

    await clerkReplies(label, 'Operatorul de salubritate trece mâine. Ne spuneți dacă a fost ridicat?');
    const statusBefore = (await ticketOf(label)).status;
    const [thanks] = await say('Mulțumesc frumos!');
    expect(thanks?.text).toBe(`Cu plăcere! Dacă mai aveți ceva de adăugat la cererea ${label}, scrieți aici.`);
    const ticket = await ticketOf(label);
    expect(ticket.unreadCitizenMessages).toBe(0);
    expect(ticket.status).toBe(statusBefore);
    expect(await citizenMessagesOnThread(ticket.id)).toHaveLength(0);

    // Something more than thanks still reaches the clerk.
    const [passedOn] = await say('Mulțumesc! Nu a trecut nimeni încă.');
    expect(passedOn?.text).toContain(`Am transmis mesajul dvs. funcționarului care se ocupă de cererea ${label}`);
    expect((await ticketOf(label)).unreadCitizenMessages).toBe(1);
  });

  it('answers in Hungarian and in English', async () => {
    const sayHungarian = await openSession('hu');
    const hungarianLabel = await fileRequest(sayHungarian, ['Szeretnék bejelentést tenni: a Malom utcában nagy kátyúk vannak az aszfaltban', 'Kovács Erzsébet', 'kihagyom', 'igen']);
    await clerkReplies(hungarianLabel, 'Kollégánk holnap megnézi.');
    const [hungarian] = await sayHungarian('Köszönöm szépen');
    expect(hungarian?.text).toBe(`Szívesen! Ha még valamit hozzáfűzne a(z) ${hungarianLabel} kérelméhez, írjon ide.`);
    expect((await ticketOf(hungarianLabel)).unreadCitizenMessages).toBe(0);

    const sayEnglish = await openSession('en');
    const englishLabel = await fileRequest(sayEnglish, ['I want to file a complaint: the street light on Mill street has been out for a week', 'John Smith', 'skip', 'yes']);
    await clerkReplies(englishLabel, 'An electrician goes there tomorrow.');
    const [english] = await sayEnglish('Thanks!');
    expect(english?.text).toBe(`You are welcome! If you have anything to add to request ${englishLabel}, write here.`);
    expect((await ticketOf(englishLabel)).unreadCitizenMessages).toBe(0);
  });
});
