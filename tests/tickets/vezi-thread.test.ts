import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, tickets } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { renderTicketDetails, threadLimit } from '../../src/tickets/clerk-command-texts.ts';
import { ticketDetails } from '../../src/tickets/ticket-details.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// `/vezi N` on a chat shows the ticket's thread — the citizen, the clerk and the bot in order, in the
// town hall's time, files named with a short hash — and only its last messages when it grows long.

const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const pngSha256 = createHash('sha256').update(png).digest('hex');

let testApp: TestApp;

beforeAll(async () => {
  testApp = await startTestApp();
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });
});

afterAll(async () => {
  await testApp?.close();
});

function database() {
  return testApp.app.functionar.database.db;
}

function run(text: string) {
  return testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, text);
}

/** The dated lines of the thread section (the history after it has dated lines too). */
function threadLines(text: string): string[] {
  const section = text.slice(text.indexOf('Fir (ora României):'), text.indexOf('Istoric:'));
  return section.split('\n').filter((line) => /^\s+\d{2}\.\d{2}\.\d{4}/.test(line));
}

function bucharestTime(iso: string): string {
  return new Intl.DateTimeFormat('ro-RO', { timeZone: 'Europe/Bucharest', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

async function openSession(): Promise<{ sessionId: string; say: (text: string) => Promise<{ text: string }[]> }> {
  const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  const { sessionId } = session.json() as { sessionId: string };
  return {
    sessionId,
    say: async (text) => {
      const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
      expect(response.statusCode, response.body).toBe(200);
      return (response.json() as { replies: { text: string }[] }).replies;
    },
  };
}

describe('/vezi shows the ticket thread', () => {
  it('lists the thread in order with authors, Bucharest times and short file hashes, the last ones only when long', async () => {
    const { sessionId, say } = await openSession();
    await say('Vreau să depun o sesizare: trotuarul de pe strada Școlii este rupt în dreptul numărului 7');
    await say('Ion Popescu');
    await say('sari peste');
    const [registered] = await say('da');
    const label = /(\d+\/\d{4})/.exec(registered?.text ?? '')![1]!;

    expect((await run(`/raspunde ${label} Ne trimiteți o fotografie cu trotuarul?`)).ok).toBe(true);
    const upload = await testApp.app.inject({
      method: 'POST',
      url: `/api/webchat/sessions/${sessionId}/attachments`,
      headers: { 'content-type': 'image/png', 'x-file-name': encodeURIComponent('trotuar.png') },
      payload: png,
    });
    expect(upload.statusCode, upload.body).toBe(200);

    const shown = await run(`/vezi ${label}`);
    expect(shown.ok).toBe(true);
    const lines = threadLines(shown.text);
    // Registered by the bot, asked by the clerk, answered with the photo by the citizen, acknowledged by the bot.
    expect(lines.map((line) => /^\s+\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} (\S+):/.exec(line)?.[1])).toEqual(['bot', 'funcționar', 'cetățean', 'bot']);
    expect(lines[1]).toContain('Ne trimiteți o fotografie cu trotuarul?');
    expect(lines[2]).toContain(`📎 trotuar.png (${pngSha256.slice(0, 12)})`);
    expect(lines[2]).not.toContain(pngSha256);
    const ticket = (await database().select().from(tickets)).find((row) => `${row.number}/${row.year}` === label)!;
    expect(lines[0]).toContain(` ${bucharestTime(ticket.createdAt)} bot:`);
    expect(shown.text).not.toContain('mai vechi');

    // Six more exchanges: the chat shows the last ten and says how many older ones the thread has.
    for (let round = 1; round <= 3; round += 1) {
      expect((await run(`/raspunde ${label} Întrebarea ${round} a funcționarului?`)).ok).toBe(true);
      await say(`Răspunsul ${round} al cetățeanului despre trotuar`);
    }
    const thread = (await ticketDetails(database(), ticket)).thread ?? [];
    expect(thread.length).toBeGreaterThan(threadLimit);
    const long = (await run(`/vezi ${label}`)).text;
    expect(long).toContain(`… ${thread.length - threadLimit} mai vechi`);
    const longLines = threadLines(long);
    expect(longLines).toHaveLength(threadLimit);
    expect(longLines.at(-1)).toContain('Am transmis mesajul dvs.');
    expect(longLines.at(-2)).toContain('Răspunsul 3 al cetățeanului');
    expect(longLines.join('\n')).not.toContain('Ne trimiteți o fotografie');
  });

  it('speaks the clerk language of the surface (Hungarian, English headings)', async () => {
    const ticket = (await database().select().from(tickets))[0]!;
    const details = await ticketDetails(database(), ticket);
    expect(renderTicketDetails(ticket, details, 'hu')).toMatch(/Üzenetek \(romániai idő\):\n {2}… \d+ korábbi/);
    expect(renderTicketDetails(ticket, details, 'en')).toMatch(/Thread \(Romania time\):\n {2}… \d+ older/);
    expect((await database().select().from(messages)).length).toBeGreaterThan(0);
  });
});
