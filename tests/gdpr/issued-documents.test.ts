import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNomenclator } from '../../src/archive/nomenclator.ts';
import { firstRow } from '../../src/database/connection.ts';
import { contacts, documents, messages, outbox, ticketEvents, tickets } from '../../src/database/schema.ts';
import { documentServiceOf } from '../../src/documents/document-registry.ts';
import { storedDocumentPath } from '../../src/documents/document-storage.ts';
import { eraseContact, erasedText } from '../../src/gdpr/erasure.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { repositoryRoot, runCli } from '../helpers/cli.ts';
import { eventually, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';

// Two citizens got an agricultural-register certificate (archive entry IV-2, kept 5 years). The first asks
// for their data, then for its erasure: the export holds the signed PDF and its register facts; the erasure
// keeps the register record and, since the retention term runs, the PDF in the archive, while the
// clerk's text and the person's name go. The second is erased ten years later: the term has expired, so
// the PDF goes too; the register record stays and its code still verifies.

const secretName = 'Dumitrescuță';
let testApp: TestApp;
let workDirectory: string;

function functionar(args: string[]) {
  return runCli(args, {
    cwd: workDirectory,
    environment: { DATA_DIR: testApp.dataDirectory, KNOWLEDGE_DIR: path.join(repositoryRoot, 'knowledge'), PROMPTS_DIR: path.join(repositoryRoot, 'prompts') },
  });
}

function database() {
  return testApp.app.functionar.database.db;
}

async function say(sessionId: string, text: string): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { replies: { text: string }[] }).replies.map((reply) => reply.text).join('\n');
}

/** A web chat citizen files a request, a clerk issues the certificate; resolves once its PDF is stored. */
async function issuedTo(citizenName: string): Promise<{ sessionId: string; label: string; document: typeof documents.$inferSelect }> {
  const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  const sessionId = (session.json() as { sessionId: string }).sessionId;
  await say(sessionId, 'vreau sa depun o cerere');
  await say(sessionId, 'Solicit o adeverință de registru agricol pentru APIA');
  await say(sessionId, citizenName);
  await say(sessionId, '0740 123 456');
  const label = /numărul (\d+\/\d{4})/.exec(await say(sessionId, 'da'))?.[1] ?? '';
  expect(label).not.toBe('');
  const outcome = await testApp.app.functionar.clerkCommands.run(
    { kind: 'name', value: 'Ana Pop', channel: 'cli' },
    `/emite ${label} adeverinta-registru-agricol nume: ${citizenName}\nadresa: sat Bălăușeri nr. 7\nTeren arabil 1,20 ha pentru ${citizenName}.`,
  );
  expect(outcome.ok, outcome.text).toBe(true);
  const [number, year] = label.split('/').map(Number);
  const ticket = (await database().select().from(tickets)).find((row) => row.number === number && row.year === year);
  const document = await eventually(async () => (await database().select().from(documents).where(eq(documents.ticketId, ticket?.id ?? 0))).find((row) => row.sha256 !== ''), 20_000, 'the PDF made');
  return { sessionId, label, document };
}

function verify(code: string) {
  return testApp.app.inject({ method: 'GET', url: `/verify/${code}`, headers: { accept: 'application/json' } });
}

beforeAll(async () => {
  testApp = await startTestApp({ PUBLIC_URL: 'https://asistent.balauseri.ro' });
  workDirectory = temporaryDirectory();
  await addClerk(database(), { name: 'Ana Pop', department: 'registru-agricol' });
}, 60_000);

afterAll(async () => {
  await testApp?.close();
  if (workDirectory) fs.rmSync(workDirectory, { recursive: true, force: true });
});

describe("a person's issued documents", () => {
  let first: Awaited<ReturnType<typeof issuedTo>>;

  it('are in `gdpr export`: number, date, type, code, revoked or not, and the PDF itself', async () => {
    first = await issuedTo(`Ion ${secretName}`);
    const zipFile = path.join(workDirectory, 'export.zip');
    const result = await functionar(['gdpr', 'export', '--contact', `webchat:${first.sessionId}`, '--out', zipFile]);
    expect(result.status, result.stderr).toBe(0);
    const listing = spawnSync('unzip', ['-Z1', zipFile], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(listing).toContain(`documents/${first.document.fileName}`);
    const data = JSON.parse(spawnSync('unzip', ['-p', zipFile, 'data.json'], { encoding: 'utf8' }).stdout) as { issuedDocuments: Record<string, unknown>[] };
    expect(data.issuedDocuments).toEqual([
      expect.objectContaining({
        number: `${first.document.number}/${first.document.year}`,
        issuedAt: first.document.issuedAt,
        type: first.document.title,
        verificationCode: first.document.code,
        sha256: first.document.sha256,
        revoked: false,
        archiveEntry: 'IV-2',
        file: `documents/${first.document.fileName}`,
      }),
    ]);
    const pdf = spawnSync('unzip', ['-p', zipFile, `documents/${first.document.fileName}`], { maxBuffer: 10_000_000 }).stdout;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(first.document.sha256);
  }, 60_000);

  it('keep their register record and, while the retention term runs, their PDF after `gdpr erase`; the name goes elsewhere', async () => {
    const result = await functionar(['gdpr', 'erase', '--contact', `webchat:${first.sessionId}`]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('1 issued documents stay in the archive (retention term running)');

    const after = await firstRow(database().select().from(documents).where(eq(documents.id, first.document.id)));
    expect(after).toMatchObject({ number: first.document.number, year: first.document.year, code: first.document.code, sha256: first.document.sha256, title: first.document.title, archiveEntry: 'IV-2', revokedAt: null });
    expect(after?.storagePath).toBe(first.document.storagePath);
    expect(fs.existsSync(storedDocumentPath(testApp.dataDirectory, after?.storagePath ?? ''))).toBe(true);

    // The clerk's text (with the name) is gone from the event that registered it; its number and code stay.
    const issued = (await database().select().from(ticketEvents).where(eq(ticketEvents.ticketId, first.document.ticketId))).find((event) => event.kind === 'document_issued');
    expect(issued?.detail).toMatchObject({ number: `${first.document.number}/${first.document.year}`, code: first.document.code, text: erasedText });

    // Outside the archived PDF, no row names the person any more.
    const rows = JSON.stringify([
      await database().select().from(tickets).where(eq(tickets.id, first.document.ticketId)),
      await database().select().from(ticketEvents),
      await database().select().from(messages),
      await database().select().from(outbox),
      await database().select().from(contacts),
      await database().select().from(documents),
    ]);
    expect(rows).not.toContain(secretName);

    const verified = await verify(first.document.code);
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ valid: true, document: { number: `${first.document.number}/${first.document.year}`, sha256: first.document.sha256 } });
  }, 60_000);

  it('lose their PDF on erasure once the retention term has expired; the register record and the code still verify', async () => {
    const second = await issuedTo('Maria Expiratescu');
    const ticket = await firstRow(database().select().from(tickets).where(eq(tickets.id, second.document.ticketId)));
    const file = storedDocumentPath(testApp.dataDirectory, second.document.storagePath ?? '');
    expect(fs.existsSync(file)).toBe(true);
    // Ten years on, the 5-year term of IV-2 (from 1 January after the closing year) has run out.
    const later = new Date(Date.UTC(second.document.year + 10, 0, 15));
    const summary = await eraseContact(database(), testApp.dataDirectory, ticket?.contactId ?? 0, later, { nomenclator: loadNomenclator(path.join(repositoryRoot, 'knowledge')) });
    expect(summary.documentsKept).toBe(0);
    expect(fs.existsSync(file)).toBe(false);
    const after = await firstRow(database().select().from(documents).where(eq(documents.id, second.document.id)));
    expect(after).toMatchObject({ storagePath: null, code: second.document.code, sha256: second.document.sha256, number: second.document.number });
    expect((await verify(second.document.code)).json()).toMatchObject({ valid: true, document: { sha256: second.document.sha256 } });
  }, 60_000);

  it('still waiting to be made when the person is erased, are marked not made instead of being made and sent', async () => {
    const service = documentServiceOf(database());
    // The server's sweep is paused so the shell's registration stays pending while the erasure runs.
    service?.stop();
    const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
    const sessionId = (session.json() as { sessionId: string }).sessionId;
    await say(sessionId, 'vreau sa depun o cerere');
    await say(sessionId, 'Solicit o adeverință de registru agricol pentru APIA');
    await say(sessionId, 'Petru Grabitescu');
    await say(sessionId, 'sari peste');
    const label = /numărul (\d+\/\d{4})/.exec(await say(sessionId, 'da'))?.[1] ?? '';
    const issued = await functionar(['command', '--clerk', 'Ana Pop', `/emite ${label} adeverinta-registru-agricol scop: APIA`]);
    expect(issued.status, issued.stdout + issued.stderr).toBe(0);
    const [number, year] = label.split('/').map(Number);
    const ticket = (await database().select().from(tickets)).find((row) => row.number === number && row.year === year);
    const pending = await firstRow(database().select().from(documents).where(eq(documents.ticketId, ticket?.id ?? 0)));
    expect(pending?.sha256).toBe('');

    await eraseContact(database(), testApp.dataDirectory, ticket?.contactId ?? 0);
    const notMade = (await database().select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket?.id ?? 0))).find((event) => event.kind === 'document_not_made');
    expect(notMade?.detail).toMatchObject({ documentId: pending?.id, reason: 'personal data erased before the document was made' });
    expect((await service?.pendingDocuments())?.map((row) => row.id)).not.toContain(pending?.id);
    await expect(service?.complete(pending?.id ?? 0)).rejects.toMatchObject({ code: 'FV_ERR_DOCUMENT_NOT_MADE' });
    expect(await firstRow(database().select().from(documents).where(eq(documents.id, pending?.id ?? 0)))).toMatchObject({ sha256: '', storagePath: null, number: pending?.number });
  }, 60_000);
});
