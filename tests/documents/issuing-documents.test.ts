import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WhatsappAdapter } from '../../channels/whatsapp/index.ts';
import { documents, tickets, ticketEvents } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { FakeGraphApi } from '../fakes/fake-graph-api.ts';
import { runCli } from '../helpers/cli.ts';
import { eventually, temporaryDirectory } from '../helpers/test-app.ts';
import { accessToken, appSecret, messageNotification, phoneNumberId, postNotification, verifyToken } from '../channels/whatsapp/cloud-webhook.ts';
import { citizen, converse, newUserId, staffChatId, staffGroupMessage, startTelegramApp, textFrom, type TelegramTestApp } from '../channels/telegram/telegram-test-kit.ts';

// Issue 17's story. A citizen asks in the town hall's web chat for an agricultural-register certificate;
// a clerk issues it with `/emite`; the citizen downloads a PDF that poppler's pdfsig reports as validly
// signed and `functionar documents verify` accepts. The same reaches a Telegram citizen as a document
// (sendDocument) and a WhatsApp citizen as a document message. Revoking shows on /verify; the archive
// export lists both registers, filed per archive index entry, with the inventory.

const publicUrl = 'https://bot.primaria-balauseri.ro';
const year = new Date().getFullYear();
let workDirectory: string;
let graph: FakeGraphApi;
let testApp: TelegramTestApp;
const clerkTelegramId = newUserId();

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: workDirectory, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function functionar(args: string[]) {
  return runCli(args, { environment: { DATA_DIR: testApp.dataDirectory, PUBLIC_URL: publicUrl, RECEIPT_CERTIFICATE_PATH: path.join(workDirectory, 'town-hall.p12'), RECEIPT_CERTIFICATE_PASSWORD: 'parola-de-test' } });
}

function database() {
  return testApp.app.functionar.database.db;
}

function clerkCommand(text: string) {
  return testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, text);
}

async function documentsOf(label: string) {
  const [number, ticketYear] = label.split('/').map(Number);
  const ticket = (await database().select().from(tickets)).find((row) => row.number === number && row.year === ticketYear);
  return { ticket, documents: await database().select().from(documents).where(eq(documents.ticketId, ticket?.id ?? 0)) };
}

async function webchatSay(sessionId: string, text: string): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { replies: { text: string }[] }).replies.map((reply) => reply.text).join('\n');
}

function labelIn(confirmation: string): string {
  const label = /numărul (\d+\/\d{4})/.exec(confirmation)?.[1];
  expect(label, confirmation).toBeDefined();
  return label ?? '';
}

beforeAll(async () => {
  workDirectory = temporaryDirectory();
  // A throw-away certificate, as a town hall gets a real one from a qualified provider.
  const key = path.join(workDirectory, 'town-hall.key');
  const certificate = path.join(workDirectory, 'town-hall.crt');
  expect(run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=Primaria Balauseri Test', '-days', '2', '-keyout', key, '-out', certificate]).status).toBe(0);
  expect(run('openssl', ['pkcs12', '-export', '-inkey', key, '-in', certificate, '-out', path.join(workDirectory, 'town-hall.p12'), '-passout', 'pass:parola-de-test']).status).toBe(0);
  graph = await FakeGraphApi.start({ token: accessToken });
  testApp = await startTelegramApp({
    PUBLIC_URL: publicUrl,
    RECEIPT_CERTIFICATE_PATH: path.join(workDirectory, 'town-hall.p12'),
    RECEIPT_CERTIFICATE_PASSWORD: 'parola-de-test',
    WHATSAPP_CLOUD_TOKEN: accessToken,
    WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
    WHATSAPP_APP_SECRET: appSecret,
    WHATSAPP_VERIFY_TOKEN: verifyToken,
    WHATSAPP_GRAPH_API_ROOT: graph.root,
  });
  await addClerk(database(), { name: 'Ana Pop', department: 'registru-agricol', telegramId: String(clerkTelegramId) });
}, 60_000);

afterAll(async () => {
  await testApp?.close();
  await graph?.close();
  if (workDirectory) fs.rmSync(workDirectory, { recursive: true, force: true });
});

describe('an agricultural-register certificate asked for in the web chat', () => {
  let sessionId: string;
  let label: string;
  let downloaded: string;
  let code: string;

  it('is issued by a clerk with /emite, numbered in the outgoing register, and the ticket is resolved', async () => {
    const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
    sessionId = (session.json() as { sessionId: string }).sessionId;
    await webchatSay(sessionId, 'vreau sa depun o cerere');
    await webchatSay(sessionId, 'Solicit o adeverință de registru agricol pentru APIA');
    await webchatSay(sessionId, 'Ion Popescu');
    await webchatSay(sessionId, '0740 123 456');
    label = labelIn(await webchatSay(sessionId, 'da'));

    const outcome = await clerkCommand(`/emite ${label} adeverinta-registru-agricol adresa: sat Bălăușeri nr. 120\nscop: APIA\nTeren arabil 2,35 ha; pășune 1,10 ha; 2 bovine.`);
    expect(outcome.ok, outcome.text).toBe(true);
    expect(outcome.text).toMatch(/ADEVERINȚĂ .* nr\. \d+\/\d{4} emis/);
    expect(outcome.text).toContain('semnat electronic');
    const { ticket, documents: issued } = await documentsOf(label);
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({ year, template: 'adeverinta-registru-agricol', signed: true, signer: 'CN=Primaria Balauseri Test', archiveEntry: 'IV-2', issuedByClerkId: expect.any(Number) });
    expect(ticket?.status).toBe('rezolvat');
    // Filed under its archive index entry when it was registered.
    expect(ticket?.archiveEntry).toMatch(/^[IVX]+-\d+$/);
    const history = (await database().select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket?.id ?? 0))).map((event) => event.kind);
    expect(history).toContain('document_issued');
    code = issued[0]?.code ?? '';
  });

  it('reaches the citizen as an absolute download link only their session opens; pdfsig and documents verify accept the PDF', async () => {
    const clerkMessage = await eventually(async () => {
      const response = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
      return (response.json() as { messages: { from: string; text: string }[] }).messages.find((message) => message.from === 'clerk' && message.text.includes('/api/webchat/documents/'));
    }, 20_000, 'the document message in the web chat');
    expect(clerkMessage.text).toContain('Documentul cerut prin cererea');
    expect(clerkMessage.text).not.toContain(sessionId);
    const url = /(https:\/\/\S+\/document\.pdf)/.exec(clerkMessage.text)?.[1] ?? '';
    expect(url.startsWith(`${publicUrl}/api/webchat/documents/`)).toBe(true);

    const response = await testApp.app.inject({ method: 'GET', url: url.slice(publicUrl.length) });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const bytes = response.rawPayload;
    const [row] = (await documentsOf(label)).documents;
    expect(row?.sha256).toMatch(/^[0-9a-f]{64}$/);
    downloaded = path.join(workDirectory, 'adeverinta.pdf');
    fs.writeFileSync(downloaded, bytes);

    // Another session's token (or a guessed one) opens nothing.
    const forged = url.slice(publicUrl.length).replace(/\/[A-Za-z0-9_-]{22}\/document\.pdf$/, '/AAAAAAAAAAAAAAAAAAAAAA/document.pdf');
    expect((await testApp.app.inject({ method: 'GET', url: forged })).statusCode).toBe(404);

    const text = run('pdftotext', ['-layout', downloaded, '-']).output;
    expect(text).toContain('ADEVERINȚĂ');
    expect(text).toContain('Ion Popescu');
    expect(text).toContain('sat Bălăușeri nr. 120');
    expect(text).toContain('APIA');
    expect(text).toContain(code);

    const pdfsig = run('pdfsig', [downloaded]);
    expect(pdfsig.output).toContain('Signature Validation: Signature is Valid.');
    expect(pdfsig.output).toContain('Total document signed');

    const verified = await functionar(['documents', 'verify', downloaded]);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain('AUTHENTIC');

    const changed = path.join(workDirectory, 'changed.pdf');
    fs.writeFileSync(changed, Buffer.concat([bytes, Buffer.from('\n% appended\n')]));
    expect((await functionar(['documents', 'verify', changed])).status).toBe(1);
    const notPdf = path.join(workDirectory, 'note.txt');
    fs.writeFileSync(notPdf, 'not a pdf');
    expect((await functionar(['documents', 'verify', notPdf])).status).toBe(2);
  }, 60_000);

  it('shows on /verify with number, date, type and issuer, and as revoked once revoked', async () => {
    const valid = await testApp.app.inject({ method: 'GET', url: `/verify/${code}`, headers: { accept: 'application/json' } });
    expect(valid.statusCode).toBe(200);
    const [row] = (await documentsOf(label)).documents;
    expect(valid.json()).toMatchObject({ valid: true, document: { number: `${row?.number}/${year}`, type: expect.stringContaining('ADEVERINȚĂ'), revoked: false } });

    const revoked = await functionar(['documents', 'revoke', `${row?.number}/${year}`, '--reason', 'Emisă pe alt titular din greșeală']);
    expect(revoked.status, revoked.stderr).toBe(0);
    const json = await testApp.app.inject({ method: 'GET', url: `/verify/${code}`, headers: { accept: 'application/json' } });
    expect(json.json()).toMatchObject({ valid: false, document: { revoked: true, revokedReason: 'Emisă pe alt titular din greșeală' } });
    const html = await testApp.app.inject({ method: 'GET', url: `/verify/${code}` });
    expect(html.body).toContain('REVOCAT');
    expect(html.body).toContain('Emisă pe alt titular din greșeală');
    expect((await functionar(['documents', 'verify', downloaded])).status).toBe(1);
    const history = (await database().select().from(ticketEvents)).filter((event) => event.kind === 'document_revoked');
    expect(history).toHaveLength(1);

    // The correct document is issued again for the same (resolved) request, under a new number.
    const again = await clerkCommand(`/emite ${label} adeverinta-registru-agricol adresa: sat Bălăușeri nr. 121\nscop: APIA`);
    expect(again.ok, again.text).toBe(true);
    const numbers = (await documentsOf(label)).documents.map((document) => document.number);
    expect(numbers).toHaveLength(2);
    expect((await documentsOf(label)).ticket?.status).toBe('rezolvat');
  }, 60_000);
});

describe('the same document on Telegram and WhatsApp', () => {
  it('reaches a Telegram citizen as a PDF document (sendDocument) with a notice in their language', async () => {
    const ilona = citizen('hu', 'Ilona');
    await converse(testApp, ilona, textFrom(ilona, 'vreau sa depun o cerere'));
    await converse(testApp, ilona, textFrom(ilona, 'Adeverință de venit agricol pentru bursă'));
    await converse(testApp, ilona, textFrom(ilona, 'Bartha Ilona'));
    await converse(testApp, ilona, textFrom(ilona, '0741 222 333'));
    const [registered] = await converse(testApp, ilona, textFrom(ilona, 'da'));
    const label = /(\d+\/\d{4})/.exec(registered?.text ?? '')?.[1] ?? '';
    expect(label, registered?.text).not.toBe('');

    // The clerk issues it from the clerks' Telegram group, in English this time.
    const before = testApp.telegram.sentMessages(staffChatId).length;
    await testApp.deliver(staffGroupMessage(clerkTelegramId, `/issue ${label} adeverinta-venit-agricol scop: bursă\nVenit anual estimat: 4.200 lei.`));
    const answer = await eventually(() => testApp.telegram.sentMessages(staffChatId).slice(before).find((message) => message.text.includes('emis')), 10_000, "the clerk's confirmation in the staff group");
    expect(answer.text).toMatch(/ADEVERINȚĂ .* nr\. \d+\/\d{4} emis pentru/);
    const sent = await eventually(() => testApp.telegram.documents.find((document) => document.chatId === String(ilona.id)), 20_000, 'sendDocument to the citizen');
    expect(sent.fileName).toMatch(/^adeverinta-venit-agricol-\d+-\d{4}\.pdf$/);
    expect(sent.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const [row] = (await documentsOf(label)).documents;
    expect(row?.sha256).toBe((await import('node:crypto')).createHash('sha256').update(sent.bytes).digest('hex'));
    const notice = testApp.telegram.sentMessages(ilona.id).at(-1);
    expect(notice?.text).toMatch(/Ellenőrző kód|Documentul cerut/);
  }, 60_000);

  it('reaches a WhatsApp citizen as a document message (media uploaded to the Graph API)', async () => {
    const from = '40741555666';
    const say = async (text: string) => {
      const response = await postNotification(testApp.app, messageNotification('text', { from, text }));
      expect(response.statusCode).toBe(200);
      await (testApp.app.functionar.channels.get('whatsapp') as WhatsappAdapter).router.settled();
      await testApp.app.functionar.outbox.kick();
      return graph.sentTo(from).map((message) => FakeGraphApi.readableText(message)).join('\n');
    };
    await say('vreau sa depun o cerere');
    await say('Certificat de atestare fiscală pentru vânzarea casei');
    await say('Gheorghe Pop');
    await say('sari peste');
    const label = labelIn(await say('da'));

    const outcome = await clerkCommand(`/emite ${label} certificat-atestare-fiscala scop: notar\nNu figurează cu obligații fiscale restante.`);
    expect(outcome.ok, outcome.text).toBe(true);
    const message = await eventually(() => graph.sentTo(from).find((sent) => sent.body.type === 'document'), 20_000, 'the WhatsApp document message');
    const upload = graph.uploads.find((candidate) => candidate.id === message.body.document?.id);
    expect(upload?.mimeType).toBe('application/pdf');
    expect(message.body.document?.filename).toMatch(/^certificat-atestare-fiscala-\d+-\d{4}\.pdf$/);
    expect(upload?.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);
});

describe('what is not issued', () => {
  it('answers that a civil-status duplicate is collected in person, and issues nothing', async () => {
    const [ticket] = await database().select().from(tickets);
    const before = (await database().select().from(documents)).length;
    const outcome = await clerkCommand(`/emite ${ticket?.number}/${ticket?.year} certificate-stare-civila-duplicat`);
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toMatch(/nu se emite electronic/);
    expect(outcome.text).toMatch(/personal/);
    expect(await database().select().from(documents)).toHaveLength(before);
  });

  it('refuses someone who is not a clerk, changing nothing', async () => {
    const [ticket] = await database().select().from(tickets);
    const before = (await database().select().from(documents)).length;
    const outcome = await testApp.app.functionar.clerkCommands.run({ kind: 'telegram', value: '424242', channel: 'telegram' }, `/emite ${ticket?.number} adeverinta-registru-agricol`);
    expect(outcome.allowed).toBe(false);
    expect(await database().select().from(documents)).toHaveLength(before);
  });

  it('names the templates when the clerk asks for one that does not exist', async () => {
    const [ticket] = await database().select().from(tickets);
    const outcome = await clerkCommand(`/emite ${ticket?.number} adeverinta-inexistenta`);
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain('adeverinta-registru-agricol');
  });
});

describe('the outgoing register', () => {
  it('gives two documents issued at the same moment from two processes consecutive numbers, and the server sends both', async () => {
    const labels: string[] = [];
    for (const subject of ['Adeverință registru agricol pentru bancă', 'Adeverință registru agricol pentru notar']) {
      const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
      const { sessionId } = session.json() as { sessionId: string };
      await webchatSay(sessionId, 'vreau sa depun o cerere');
      await webchatSay(sessionId, subject);
      await webchatSay(sessionId, 'Maria Ionescu');
      await webchatSay(sessionId, 'sari peste');
      labels.push(labelIn(await webchatSay(sessionId, 'da')));
    }
    const highest = Math.max(0, ...(await database().select().from(documents)).filter((row) => row.year === year).map((row) => row.number));
    const results = await Promise.all(labels.map((label) => functionar(['command', '--clerk', 'Ana Pop', `/emite ${label} adeverinta-registru-agricol scop: bancă`])));
    for (const result of results) expect(result.status, result.stdout + result.stderr).toBe(0);
    const numbers = (await Promise.all(labels.map((label) => documentsOf(label)))).map((found) => found.documents[0]?.number ?? 0).sort((first, second) => first - second);
    expect(numbers).toEqual([highest + 1, highest + 2]);
    // The CLI only registers; the server's sweep makes, signs and sends them.
    await eventually(async () => (await Promise.all(labels.map((label) => documentsOf(label)))).every((found) => (found.documents[0]?.sha256 ?? '') !== ''), 20_000, 'both documents made by the server');
  }, 90_000);

  it('is exported with the incoming register, per archive index entry, with the inventory as CSV and PDF', async () => {
    const out = path.join(workDirectory, 'arhiva');
    const result = await functionar(['archive', 'export', '--year', String(year), '--out', out]);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const incoming = fs.readFileSync(path.join(out, `registrul-de-intrare-${year}.csv`), 'utf8');
    const outgoing = fs.readFileSync(path.join(out, `registrul-de-iesire-${year}.csv`), 'utf8');
    const ticketCount = (await database().select().from(tickets)).length;
    const documentCount = (await database().select().from(documents)).length;
    expect(incoming.trim().split('\r\n')).toHaveLength(ticketCount + 1);
    expect(outgoing.trim().split('\r\n')).toHaveLength(documentCount + 1);
    expect(outgoing).toContain('Emisă pe alt titular din greșeală');
    const inventory = fs.readFileSync(path.join(out, `inventar-${year}.csv`), 'utf8');
    expect(inventory).toContain('IV-2');
    expect(inventory).toContain('III-2');
    expect(fs.readFileSync(path.join(out, `inventar-${year}.pdf`)).subarray(0, 5).toString()).toBe('%PDF-');
    const folder = fs.readdirSync(out).find((name) => name.startsWith('IV-2-'));
    expect(folder).toBeDefined();
    const filed = path.join(out, folder ?? '');
    expect(fs.readdirSync(path.join(filed, 'iesire')).some((name) => name.startsWith('adeverinta-registru-agricol-'))).toBe(true);
    expect(fs.readFileSync(path.join(filed, 'opis.csv'), 'utf8')).toMatch(/ieșire \d+\/\d{4}/);
    expect(run('pdftotext', [path.join(filed, 'opis.pdf'), '-']).output).toContain('Opis');
    // The filed copy of an issued document is the signed file itself.
    const copy = fs.readdirSync(path.join(filed, 'iesire')).map((name) => path.join(filed, 'iesire', name))[0] ?? '';
    expect(run('pdfsig', [copy]).output).toContain('Signature is Valid');
  }, 90_000);
});
