import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, ticketEvents } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { runCli } from '../helpers/cli.ts';
import { eventually } from '../helpers/test-app.ts';
import { staffChatId, startTelegramApp, type TelegramTestApp } from '../channels/telegram/telegram-test-kit.ts';
import { ticketByLabel } from '../helpers/tickets.ts';
import { openWebchatSession, sayInWebchat } from '../channels/webchat/webchat-session.ts';

// Issue 14, "a citizen can also answer a clerk's question with a photo or file", in the web chat: the
// clerk asks for a photo, the citizen uploads it from the chat bubble, and it lands on the ticket's thread.

let testApp: TelegramTestApp;
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const pngSha256 = createHash('sha256').update(png).digest('hex');

beforeAll(async () => {
  testApp = await startTelegramApp();
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

async function openSession(): Promise<{ sessionId: string; say: (text: string) => Promise<Reply[]> }> {
  const sessionId = await openWebchatSession(testApp.app, 'ro');
  return { sessionId, say: (text: string) => sayInWebchat<Reply>(testApp.app, sessionId, text) };
}

describe('a web-chat citizen answering a clerk with a file', () => {
  it('puts the uploaded PNG on the ticket thread with its SHA-256, counts it unread, tells the staff chat and the citizen', async () => {
    const { sessionId, say } = await openSession();
    await say('Vreau să depun o sesizare: o groapă mare în asfalt pe strada Morii, în dreptul casei 14');
    await say('Ion Popescu');
    await say('sari peste');
    const [registered] = await say('da');
    const label = /(\d+\/\d{4})/.exec(registered?.text ?? '')?.[1];
    expect(label, registered?.text).toBeDefined();

    // The clerk asks from the shell, as with `functionar command --clerk "Ana Pop" "/raspunde …"`.
    const asked = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/raspunde ${label} Ne puteți trimite o fotografie cu groapa?`);
    expect(asked.ok, asked.text).toBe(true);

    const upload = await testApp.app.inject({
      method: 'POST',
      url: `/api/webchat/sessions/${sessionId}/attachments`,
      headers: { 'content-type': 'image/png', 'x-file-name': encodeURIComponent('groapa-morii.png') },
      payload: png,
    });
    expect(upload.statusCode, upload.body).toBe(200);
    const { replies } = upload.json() as { replies: Reply[] };
    // Told it was passed on, naming the file; it did not start a new report.
    expect(replies.map((reply) => reply.text).join('\n')).toContain(`Am transmis mesajul dvs. funcționarului care se ocupă de cererea ${label}, împreună cu „groapa-morii.png”`);
    expect(replies.map((reply) => reply.text).join('\n')).not.toMatch(/sesizare nouă|Despre ce este/);

    const ticket = await ticketOf(label!);
    expect(ticket.unreadCitizenMessages).toBe(1);
    const onThread = (await database().select().from(messages).where(eq(messages.ticketId, ticket.id))).filter((message) => message.author === 'citizen');
    expect(JSON.stringify(onThread.map((message) => message.parts))).toContain(pngSha256);
    const recorded = (await database().select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id))).find((event) => event.kind === 'citizen_message');
    expect(recorded?.detail).toMatchObject({ attachments: [{ fileName: 'groapa-morii.png', sha256: pngSha256 }] });

    // The staff chat also had the new ticket's announcement; the follow-up notice is its own message.
    const notice = await eventually(() => testApp.telegram.sentMessages(staffChatId).find((sent) => sent.text.includes(`Cetățeanul a scris din nou — tichet ${label}`)), 8000, 'the follow-up notice');
    expect(notice?.text).toContain(`Cetățeanul a scris din nou — tichet ${label}`);
    expect(notice?.text).toContain(`Atașament: groapa-morii.png (sha256 ${pngSha256.slice(0, 16)}…)`);

    // The shell shows the file on the thread with its full hash, after the clerk's question.
    const shown = await runCli(['tickets', 'show', label!], { environment: { DATA_DIR: testApp.dataDirectory } });
    expect(shown.status, shown.stderr).toBe(0);
    const thread = shown.stdout.slice(shown.stdout.indexOf('Fir (ora României):'));
    expect(thread.indexOf('Ne puteți trimite o fotografie')).toBeGreaterThan(0);
    expect(thread.indexOf(`atașament groapa-morii.png, sha256 ${pngSha256}`)).toBeGreaterThan(thread.indexOf('Ne puteți trimite o fotografie'));
  });
});
