import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstRow } from '../../src/database/connection.ts';
import { documents, outbox, ticketEvents, tickets } from '../../src/database/schema.ts';
import { documentServiceOf } from '../../src/documents/document-registry.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { repositoryRoot, runCli } from '../helpers/cli.ts';
import { eventually, temporaryDirectory } from '../helpers/test-app.ts';
import { newUserId, startTelegramApp, type TelegramTestApp } from '../channels/telegram/telegram-test-kit.ts';

// A clerk issues a document from the shell (`functionar command "/emite …"`): the CLI registers it and the
// server's sweep makes it. Meanwhile the town hall deleted the template (or broke it) in the server's
// knowledge directory. The document fails once, with the reason on its ticket and told to the clerk on
// Telegram; the sweep stops trying instead of logging the same error every five seconds.

let testApp: TelegramTestApp;
let serverKnowledge: string;
const clerkTelegramId = newUserId();

function database() {
  return testApp.app.functionar.database.db;
}

async function fileRequest(): Promise<string> {
  const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  const { sessionId } = session.json() as { sessionId: string };
  const say = async (text: string) =>
    ((await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } })).json() as { replies: { text: string }[] }).replies
      .map((reply) => reply.text)
      .join('\n');
  await say('vreau sa depun o cerere');
  await say('Solicit o adeverință de registru agricol pentru APIA');
  await say('Ion Popescu');
  await say('sari peste');
  const label = /numărul (\d+\/\d{4})/.exec(await say('da'))?.[1];
  expect(label).toBeDefined();
  return label ?? '';
}

/** The shell's `/emite`, with the knowledge directory as it was when the clerk typed it. */
async function issueFromShell(label: string) {
  const result = await runCli(['command', '--clerk', 'Ana Pop', `/emite ${label} adeverinta-registru-agricol scop: APIA`], {
    environment: { DATA_DIR: testApp.dataDirectory, KNOWLEDGE_DIR: path.join(repositoryRoot, 'knowledge') },
  });
  expect(result.status, result.stdout + result.stderr).toBe(0);
  const [number, year] = label.split('/').map(Number);
  const ticket = (await database().select().from(tickets)).find((row) => row.number === number && row.year === year);
  const document = await firstRow(database().select().from(documents).where(eq(documents.ticketId, ticket?.id ?? 0)));
  expect(document).toBeDefined();
  return { ticket: ticket!, document: document! };
}

async function failureEvents(ticketId: number) {
  return (await database().select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId))).filter((event) => event.kind === 'document_not_made');
}

beforeAll(async () => {
  serverKnowledge = temporaryDirectory();
  fs.cpSync(path.join(repositoryRoot, 'knowledge'), serverKnowledge, { recursive: true });
  testApp = await startTelegramApp({ KNOWLEDGE_DIR: serverKnowledge, LOG_LEVEL: 'info' });
  await addClerk(database(), { name: 'Ana Pop', department: 'registru-agricol', telegramId: String(clerkTelegramId) });
}, 60_000);

afterAll(async () => {
  await testApp?.close();
  if (serverKnowledge) fs.rmSync(serverKnowledge, { recursive: true, force: true });
});

describe('a document whose template was deleted while it was pending', () => {
  it('fails once: the reason is on its ticket, the clerk is told on Telegram, and the sweep leaves it', async () => {
    const label = await fileRequest();
    fs.rmSync(path.join(serverKnowledge, 'documents', 'adeverinta-registru-agricol.yaml'));
    const before = testApp.telegram.sentMessages(clerkTelegramId).length;
    const { ticket, document } = await issueFromShell(label);

    const [told] = await testApp.nextMessages(clerkTelegramId, before);
    expect(told?.text).toContain(`Documentul nr. ${document.number}/${document.year} (adeverinta-registru-agricol), tichet ${label}, nu a putut fi făcut`);
    expect(told?.text).toContain('No document template "adeverinta-registru-agricol"');
    expect(told?.text).toContain(`functionar documents revoke ${document.number}/${document.year}`);
    const [event] = await failureEvents(ticket.id);
    expect(event?.detail).toMatchObject({ documentId: document.id, number: `${document.number}/${document.year}`, reason: expect.stringContaining('No document template') });

    // No longer pending for the sweep; asked again, it answers with the recorded reason and records nothing more.
    const service = documentServiceOf(database());
    expect((await service?.pendingDocuments())?.map((row) => row.id)).not.toContain(document.id);
    await expect(service?.complete(document.id)).rejects.toMatchObject({ code: 'FV_ERR_DOCUMENT_NOT_MADE' });
    expect(await failureEvents(ticket.id)).toHaveLength(1);
    expect(await database().select().from(outbox).where(eq(outbox.recipient, String(clerkTelegramId)))).toHaveLength(1);
    expect((await firstRow(database().select().from(documents).where(eq(documents.id, document.id))))?.sha256).toBe('');
    const errors = testApp.logLines.filter((line) => line.msg === 'issued document could not be made' && line.document === `${document.number}/${document.year}`);
    expect(errors).toHaveLength(1);
  }, 60_000);

  it('fails once too when the template was edited into one the program cannot read', async () => {
    fs.cpSync(path.join(repositoryRoot, 'knowledge', 'documents', 'adeverinta-registru-agricol.yaml'), path.join(serverKnowledge, 'documents', 'adeverinta-registru-agricol.yaml'));
    const label = await fileRequest();
    fs.writeFileSync(path.join(serverKnowledge, 'documents', 'adeverinta-registru-agricol.yaml'), 'slug: adeverinta-registru-agricol\ntitle: ADEVERINȚĂ\nbody: ""\n');
    const before = testApp.telegram.sentMessages(clerkTelegramId).length;
    const { ticket, document } = await issueFromShell(label);
    const [told] = await testApp.nextMessages(clerkTelegramId, before);
    expect(told?.text).toContain('an electronic document needs a body');
    expect(await failureEvents(ticket.id)).toHaveLength(1);
    expect((await documentServiceOf(database())?.pendingDocuments())?.map((row) => row.id)).not.toContain(document.id);
  }, 60_000);
});
