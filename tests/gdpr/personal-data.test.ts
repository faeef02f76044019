import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeAttachment } from '../../src/attachments/attachment-store.ts';
import { consentVersion } from '../../src/conversation/texts.ts';
import { firstRow } from '../../src/database/connection.ts';
import { contacts, messages, ticketEvents, tickets } from '../../src/database/schema.ts';
import { repositoryRoot, runCli } from '../helpers/cli.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';

// A citizen files a request on the town hall's website, with a photo; later they ask for their data,
// then for its erasure. The administrator answers both with the CLI.

let testApp: TestApp;
let workDirectory: string;

function functionar(args: string[]) {
  return runCli(args, {
    cwd: workDirectory,
    environment: { DATA_DIR: testApp.dataDirectory, KNOWLEDGE_DIR: path.join(repositoryRoot, 'knowledge'), PROMPTS_DIR: path.join(repositoryRoot, 'prompts') },
  });
}

async function openSession(language = 'ro'): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language } });
  return (response.json() as { sessionId: string }).sessionId;
}

async function say(sessionId: string, text: string): Promise<string[]> {
  const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { replies: { text: string }[] }).replies.map((reply) => reply.text);
}

beforeAll(async () => {
  testApp = await startTestApp({ PUBLIC_URL: 'https://asistent.balauseri.ro', RETENTION_DAYS: '90' });
  workDirectory = temporaryDirectory();
});

afterAll(async () => {
  await testApp?.close();
  fs.rmSync(workDirectory, { recursive: true, force: true });
});

describe('the privacy notice', () => {
  it('comes with the first reply a person gets on a chat app, in their language, with a link; not again', async () => {
    const { conversations } = testApp.app.functionar;
    const telegramUser = { externalId: '777001', languageHint: 'ro' };
    const first = await conversations.receive({ channel: 'telegram', externalId: 'update-1', sender: telegramUser, text: 'Bună ziua' });
    expect(first.replies[0]?.text).toContain('ℹ️ Protecția datelor: Primăria Bălăușeri păstrează această conversație doar ca să vă răspundă');
    expect(first.replies[0]?.text).toContain('https://asistent.balauseri.ro/privacy?lang=ro');
    const second = await conversations.receive({ channel: 'telegram', externalId: 'update-2', sender: telegramUser, text: 'ce acte trebuie pentru certificat de urbanism' });
    expect(second.replies.map((reply) => reply.text).join()).not.toContain('Protecția datelor');

    const hungarian = await conversations.receive({ channel: 'whatsapp', externalId: 'wamid-1', sender: { externalId: '+36301234567' }, text: 'Jó napot, mikor van nyitva a hivatal?' });
    expect(hungarian.replies[0]?.text).toContain('ℹ️ Adatvédelem');
    expect(hungarian.replies[0]?.text).toContain('https://asistent.balauseri.ro/privacy?lang=hu');
  });

  it('is given to the web chat bubble to show before the first question, and kept out of its replies', async () => {
    const notice = await testApp.app.inject({ method: 'GET', url: '/privacy/notice.json?lang=en' });
    expect(notice.json()).toMatchObject({ language: 'en', url: 'https://asistent.balauseri.ro/privacy?lang=en', text: expect.stringMatching(/^ℹ️ Data protection: /) });
    const [reply] = await say(await openSession(), 'Bună ziua');
    expect(reply).not.toContain('Protecția datelor');
  });

  it('links to a page in Romanian, Hungarian and English stating the retention period', async () => {
    const page = await testApp.app.inject({ method: 'GET', url: '/privacy?lang=hu' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const body = page.body;
    expect(body.indexOf('Adatkezelési tájékoztató')).toBeLessThan(body.indexOf('Informare privind protecția datelor personale'));
    expect(body).toContain('Privacy notice');
    expect(body).toContain('90 nap tétlenség után');
    expect(body).toContain('după 90 de zile fără activitate');
    expect(body).toContain('balauseri@cjmures.ro');
    expect(body).toContain('ANSPDCP');
  });
});

describe("a person's data", () => {
  let sessionId: string;
  let label: string;
  let photoPath: string;

  it('is collected with consent recorded on the ticket, its text version and time', async () => {
    sessionId = await openSession();
    await say(sessionId, 'Vreau să depun o sesizare');
    await say(sessionId, 'Câinii fără stăpân de pe strada Morii atacă trecătorii');
    const photo = storeAttachment(testApp.dataDirectory, { bytes: Buffer.from('fake jpeg bytes of the dogs'), fileName: 'caini.jpg', mediaType: 'image/jpeg' });
    photoPath = path.join(testApp.dataDirectory, photo.storagePath);
    await testApp.app.functionar.conversations.receive({ channel: 'webchat', externalId: `${sessionId}:photo`, sender: { externalId: sessionId }, text: '', parts: [photo] });
    await say(sessionId, 'Ion Popescu');
    await say(sessionId, '0740 123 456');
    const [registered] = await say(sessionId, 'da');
    label = /numărul (\d+\/\d{4})/.exec(registered ?? '')?.[1] ?? '';
    expect(label).not.toBe('');
    const ticket = await firstRow(testApp.app.functionar.database.db.select().from(tickets).where(eq(tickets.citizenName, 'Ion Popescu')));
    expect(ticket).toMatchObject({ citizenPhone: '0740123456', consentVersion });
    expect(Date.parse(ticket?.consentAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(ticket?.text).toContain('caini.jpg');
  });

  it('is handed over as a ZIP with JSON and the files they sent (`gdpr export`)', async () => {
    const zipFile = path.join(workDirectory, 'ion.zip');
    const result = await functionar(['gdpr', 'export', '--contact', `webchat:${sessionId}`, '--out', zipFile]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Wrote .*ion\.zip: contact \d+ \(webchat\), \d+ messages, \d+ deliveries, 1 tickets, 1 files\./);
    // An independent reader checks the archive: Info-ZIP's unzip.
    const test = spawnSync('unzip', ['-t', zipFile], { encoding: 'utf8' });
    expect(test.stdout).toContain('No errors detected');
    const listing = spawnSync('unzip', ['-Z1', zipFile], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(listing).toEqual(expect.arrayContaining(['README.txt', 'data.json', expect.stringMatching(/^attachments\/[0-9a-f]{16}-caini\.jpg$/)]));
    const data = JSON.parse(spawnSync('unzip', ['-p', zipFile, 'data.json'], { encoding: 'utf8' }).stdout) as {
      contact: { externalId: string };
      tickets: { citizenName: string; citizenPhone: string; consentVersion: string }[];
      messages: { text: string }[];
    };
    expect(data.contact.externalId).toBe(sessionId);
    expect(data.tickets[0]).toMatchObject({ citizenName: 'Ion Popescu', citizenPhone: '0740123456', consentVersion });
    expect(data.messages.map((message) => message.text)).toContain('Câinii fără stăpân de pe strada Morii atacă trecătorii');
    const photo = spawnSync('unzip', ['-p', zipFile, listing.find((name) => name.startsWith('attachments/')) ?? ''], { encoding: 'utf8' }).stdout;
    expect(photo).toBe('fake jpeg bytes of the dogs');
  });

  it('is erased on request (`gdpr erase`) while the registry record of the ticket stays', async () => {
    const db = testApp.app.functionar.database.db;
    const before = await firstRow(db.select().from(tickets).where(eq(tickets.citizenName, 'Ion Popescu')));
    const result = await functionar(['gdpr', 'erase', '--contact', `ticket:${label}`]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/anonymised: \d+ messages and 1 tickets cleared of personal data, 1 files deleted/);

    const after = await firstRow(db.select().from(tickets).where(eq(tickets.id, before?.id ?? 0)));
    expect(after).toMatchObject({
      number: before?.number,
      year: before?.year,
      type: before?.type,
      department: before?.department,
      status: before?.status,
      dueDate: before?.dueDate,
      createdAt: before?.createdAt,
      consentAt: before?.consentAt,
      consentVersion,
      citizenName: null,
      citizenPhone: null,
      citizenEmail: null,
    });
    expect(after?.subject).toMatch(/^\[șters la cererea persoanei vizate/);
    const contact = await firstRow(db.select().from(contacts).where(eq(contacts.id, before?.contactId ?? 0)));
    expect(contact?.externalId).toMatch(/^erased:[0-9a-f]{64}:\d+$/);
    expect(contact?.anonymisedAt).not.toBeNull();
    const texts = (await db.select().from(messages).where(eq(messages.contactId, contact?.id ?? 0))).map((message) => message.text);
    expect(new Set(texts).size).toBe(1);
    expect(JSON.stringify(await db.select().from(messages))).not.toMatch(/Popescu|Morii|0740/);
    expect(fs.existsSync(photoPath)).toBe(false);
    expect((await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, before?.id ?? 0))).map((event) => event.kind)).toContain('personal_data_erased');
    // The old session no longer opens anything.
    const history = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
    expect(history.statusCode).toBe(404);
  });

  it('refuses a selector that names nobody', async () => {
    const result = await functionar(['gdpr', 'erase', '--contact', 'telegram:does-not-exist']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('No contact matches "telegram:does-not-exist"');
  });
});
