import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { and, count, eq, inArray, type SQL } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeAttachment } from '../../src/attachments/attachment-store.ts';
import { enqueue } from '../../src/outbox/outbox-store.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { repositoryRoot, runCli } from '../helpers/cli.ts';
import { eventually, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';
import { firstRow } from '../../src/database/connection.ts';
import { outbox, tickets } from '../../src/database/schema.ts';

// Ion Secretescu writes to the town hall on three channels: he files a request on the web chat with his
// CNP and phone number and a scanned document, writes on Telegram (once typing a clerk's command, as a
// probe did) and on WhatsApp; a clerk answers him by name and CNP. He asks for his data, then for its
// erasure. Afterwards nothing on disk may still hold his name, phone number, CNP or channel identities —
// not the database, not its WAL, not a backup taken afterwards, not the attachments or the receipts.
// On PostgreSQL the database is the server's table and index files (after VACUUM FULL and a checkpoint)
// and the backup is pg_dump's, read back as SQL; the server's own WAL segments are PostgreSQL's to recycle.

const name = 'Secretescu';
const cnp = '1850101264051';
const phoneDigits = '740123456';
const telegramUserId = '777123456';
const whatsappNumber = '+40740123456';

let testApp: TestApp;
let workDirectory: string;
let sessionId: string;
let ticketLabel: string;

function functionar(args: string[]) {
  return runCli(args, {
    cwd: workDirectory,
    environment: { DATA_DIR: testApp.dataDirectory, KNOWLEDGE_DIR: path.join(repositoryRoot, 'knowledge'), PROMPTS_DIR: path.join(repositoryRoot, 'prompts') },
  });
}

async function say(text: string): Promise<string[]> {
  const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { replies: { text: string }[] }).replies.map((reply) => reply.text);
}

function filesUnder(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
  });
}

/**
 * On PostgreSQL, the files holding the app database's tables, their TOAST and their indexes, once a
 * checkpoint has written every changed page to them. None on SQLite (its file is in the data directory).
 */
async function postgresStoreFiles(): Promise<string[]> {
  const { databaseUrl } = testApp.config;
  if (!databaseUrl) return [];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('checkpoint');
    const directory = (await client.query<{ data_directory: string }>('show data_directory')).rows[0]!.data_directory;
    const relations = await client.query<{ file: string }>(
      `select pg_relation_filepath(c.oid) as file from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('public', 'pg_toast') and c.relkind in ('r', 't', 'i') and pg_relation_filepath(c.oid) is not null`,
    );
    return relations.rows.map((row) => path.join(directory, row.file)).filter((file) => fs.existsSync(file));
  } finally {
    await client.end();
  }
}

/** Deliveries of the outbox with the given filter, counted through the store (either engine). */
async function outboxCount(filter?: SQL): Promise<number> {
  return (await firstRow(testApp.app.functionar.database.db.select({ count: count() }).from(outbox).where(filter)))?.count ?? 0;
}

/** Which of the needles each file holds, as raw bytes (UTF-8), whatever the file format. */
function findBytes(files: string[], needles: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    for (const needle of needles) if (bytes.includes(Buffer.from(needle, 'utf8'))) found.push(`${path.basename(file)}: ${needle}`);
  }
  return found;
}

beforeAll(async () => {
  testApp = await startTestApp({ PUBLIC_URL: 'https://asistent.balauseri.ro' });
  workDirectory = temporaryDirectory();
  const { conversations, clerkCommands, database } = testApp.app.functionar;

  // The web chat: a request with a CNP, a phone number, a name and a scanned document.
  sessionId = ((await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } })).json() as { sessionId: string }).sessionId;
  await say('Vreau să depun o cerere');
  await say(`Solicit certificat fiscal, CNP ${cnp}, telefon 0${phoneDigits}, pentru Ion ${name}`);
  const scan = storeAttachment(testApp.dataDirectory, { bytes: Buffer.from(`buletin Ion ${name} CNP ${cnp}`), fileName: 'buletin.jpg', mediaType: 'image/jpeg' });
  await conversations.receive({ channel: 'webchat', externalId: `${sessionId}:scan`, sender: { externalId: sessionId }, text: '', parts: [scan] });
  await say(`Ion ${name}`);
  await say(`0${phoneDigits}`);
  const [registered] = await say('da');
  ticketLabel = /numărul (\d+\/\d{4})/.exec(registered ?? '')?.[1] ?? '';
  expect(ticketLabel).not.toBe('');
  const receipt = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/tickets/${ticketLabel.replace('/', '-')}/receipt.pdf` });
  expect(receipt.statusCode).toBe(200);

  // A clerk answers by name and CNP.
  await addClerk(database.db, { name: 'Maria Pop', department: 'registratura' });
  const answered = await clerkCommands.run({ kind: 'name', value: 'Maria Pop', channel: 'cli' }, `/raspunde ${ticketLabel} Domnule Ion ${name} (CNP ${cnp}), certificatul este gata.`);
  expect(answered.ok, answered.text).toBe(true);

  // Telegram: a question, a clerk's command typed by a citizen (refused twice: in the pipeline and on a
  // clerk channel), and a notice that only went through the outbox (as the adapter sends for a sticker).
  const telegramSender = { externalId: telegramUserId, displayName: `Ion ${name}`, languageHint: 'ro' };
  await conversations.receive({ channel: 'telegram', externalId: `message:${telegramUserId}:1`, sender: telegramSender, text: 'Bună ziua, ce acte trebuie pentru certificat fiscal?' });
  await conversations.receive({ channel: 'telegram', externalId: `message:${telegramUserId}:2`, sender: telegramSender, text: `/nota 1 Ion ${name} CNP ${cnp} tel 0${phoneDigits}` });
  await clerkCommands.run({ kind: 'telegram', value: telegramUserId, channel: 'telegram' }, `/nota 1 Ion ${name} CNP ${cnp} tel 0${phoneDigits}`);
  await enqueue(
    database.db,
    { channel: 'telegram', recipient: telegramUserId, recipientChannelData: { chatId: Number(telegramUserId) }, message: { author: 'bot', text: 'Acest tip de mesaj nu este acceptat.', parts: [] } },
    new Date(),
  );

  // WhatsApp (the WhatsApp Web message id holds the phone number).
  await conversations.receive({
    channel: 'whatsapp',
    externalId: `true_${whatsappNumber.slice(1)}@c.us_3EB0A1B2C3D4`,
    sender: { externalId: whatsappNumber, displayName: `Ion ${name}` },
    text: `Sunt Ion ${name}, CNP ${cnp}, vreau să știu ce acte trebuie pentru certificat fiscal`,
  });

  // The outbox has dealt with everything (delivered on the web chat; the other channels are not enabled here).
  await eventually(async () => ((await outboxCount(inArray(outbox.status, ['pending', 'sending']))) === 0 ? true : undefined), 10_000, 'the outbox to settle');
}, 120_000);

afterAll(async () => {
  await testApp?.close();
  fs.rmSync(workDirectory, { recursive: true, force: true });
});

interface ExportedData {
  messages: { direction: string }[];
  deliveries: { messageId: number | null; payload: { message?: { text: string } } }[];
  eventsWithoutTicket: { kind: string; detail: { command?: string } }[];
}

async function exportOf(selector: string): Promise<ExportedData> {
  const zipFile = path.join(workDirectory, `${selector.replace(/\W/g, '-')}.zip`);
  const result = await functionar(['gdpr', 'export', '--contact', selector, '--out', zipFile]);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(spawnSync('unzip', ['-p', zipFile, 'data.json'], { encoding: 'utf8' }).stdout) as ExportedData;
}

describe('gdpr export holds everything sent to the person', () => {
  it('counts every message the Telegram citizen was sent, the notice that went only through the outbox included, and the commands they were refused', async () => {
    const data = await exportOf(`telegram:${telegramUserId}`);
    const repliesInConversation = data.messages.filter((message) => message.direction === 'outbound').length;
    const sentToThem = await outboxCount(and(eq(outbox.channel, 'telegram'), eq(outbox.recipient, telegramUserId)));
    expect(sentToThem).toBe(repliesInConversation + 1);
    expect(data.deliveries).toHaveLength(sentToThem);
    const outboxOnly = data.deliveries.filter((delivery) => delivery.messageId === null);
    expect(outboxOnly.map((delivery) => delivery.payload.message?.text)).toEqual(['Acest tip de mesaj nu este acceptat.']);
    const refused = data.eventsWithoutTicket.filter((event) => event.kind === 'command_refused');
    expect(refused).toHaveLength(2);
    for (const event of refused) expect(event.detail.command).toContain(cnp);
  });
});

describe('gdpr erase removes the person from the bytes', () => {
  it('leaves no name, phone number, CNP or channel identity in the database, its WAL, a later backup, the attachments or the receipts', async () => {
    const receiptsDirectory = path.join(testApp.dataDirectory, 'receipts');
    expect(fs.readdirSync(receiptsDirectory).length).toBeGreaterThan(0);
    const needles = [name, cnp, phoneDigits, telegramUserId, sessionId];
    // Before: every one of them is on disk.
    const engine = testApp.app.functionar.database.engine;
    const before = findBytes([...filesUnder(testApp.dataDirectory), ...(await postgresStoreFiles())], needles);
    for (const needle of needles) expect(before.some((hit) => hit.endsWith(`: ${needle}`)), needle).toBe(true);

    for (const selector of [`webchat:${sessionId}`, `telegram:${telegramUserId}`, `whatsapp:${whatsappNumber}`]) {
      const erased = await functionar(['gdpr', 'erase', '--contact', selector]);
      expect(erased.status, erased.stderr).toBe(0);
      expect(erased.stdout).toContain(engine === 'sqlite' ? 'WAL emptied' : 'VACUUM FULL');
    }
    const backupFile = path.join(workDirectory, engine === 'sqlite' ? 'after-erase.db' : 'after-erase.pgdump');
    const backup = await functionar(['backup', backupFile]);
    expect(backup.status, backup.stderr).toBe(0);

    if (engine === 'sqlite') {
      const files = [...filesUnder(testApp.dataDirectory), backupFile];
      expect(files.map((file) => path.basename(file))).toEqual(expect.arrayContaining(['functionar.db', 'after-erase.db']));
      expect(findBytes(files, needles)).toEqual([]);
    } else {
      // pg_dump's custom format is compressed: read it back as the SQL it restores.
      const backupText = path.join(workDirectory, 'after-erase.sql');
      const restored = spawnSync('pg_restore', ['--file', backupText, backupFile], { encoding: 'utf8' });
      expect(restored.status, restored.stderr).toBe(0);
      expect(fs.readFileSync(backupText, 'utf8')).toContain('COPY public.tickets');
      const files = [...filesUnder(testApp.dataDirectory), ...(await postgresStoreFiles()), backupText];
      expect(findBytes(files, needles)).toEqual([]);
    }
    expect(fs.readdirSync(receiptsDirectory)).toEqual([]);

    // The registry record stays, and the server goes on serving from the rebuilt file.
    expect(await firstRow(testApp.app.functionar.database.db.select({ count: count() }).from(tickets))).toEqual({ count: 1 });
    const health = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
    expect(health.statusCode).toBe(201);
  }, 120_000);
});
