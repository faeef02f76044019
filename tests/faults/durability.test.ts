import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { localDate } from '../../src/tickets/deadlines.ts';
import { FakeOllamaServer } from '../fakes/fake-ollama-server.ts';
import { eventually, startTestApp, temporaryDirectory, type TestApp } from '../helpers/test-app.ts';
import { readDatabase, repositoryRoot, startServerProcess, type ServerProcess } from './server-process.ts';
import { sqliteConnectionOf } from '../../src/database/connection.ts';

const run = promisify(execFile);
const year = Number(localDate(new Date()).slice(0, 4));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
});

function newDataDirectory(): string {
  const directory = temporaryDirectory('functionar-durability-');
  cleanups.push(() => fs.rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** A citizen walks through the request intake up to the consent question. */
async function intakeUntilConsent(testApp: TestApp): Promise<string> {
  const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  const { sessionId } = session.json() as { sessionId: string };
  for (const text of ['vreau sa depun o sesizare', 'Groapa mare pe strada Principala langa scoala', 'Ion Popescu', '0740 123 456']) {
    const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
    expect(response.statusCode, response.body).toBe(200);
  }
  return sessionId;
}

function counts(testApp: TestApp) {
  const sqlite = sqliteConnectionOf(testApp.app.functionar.database);
  const count = (query: string) => (sqlite.prepare(query).get() as { count: number }).count;
  return {
    tickets: count('select count(*) as count from tickets'),
    createdEvents: count(`select count(*) as count from ticket_events where kind = 'created'`),
    ticketReplies: count('select count(*) as count from messages where ticket_id is not null'),
    ticketDeliveries: count('select count(*) as count from outbox where ticket_id is not null'),
    unprocessed: count(`select count(*) as count from messages where direction = 'inbound' and processed_at is null`),
  };
}

describe('a ticket is registered all at once or not at all', () => {
  it('leaves no ticket, event, reply or delivery when the commit fails half-way, and does not burn the number', async () => {
    const dataDirectory = newDataDirectory();
    const first = await startTestApp({ PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0' }, { dataDirectory });
    cleanups.push(() => first.close());
    const sessionId = await intakeUntilConsent(first);

    // The ticket row, its number and its audit event are written; then the outbox write fails.
    sqliteConnectionOf(first.app.functionar.database).exec(`CREATE TRIGGER fail_delivery BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'simulated failure after the ticket row'); END;`);
    const consent = await first.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text: 'Da', clientMessageId: 'consent' } });
    expect(consent.statusCode).toBeGreaterThanOrEqual(500);
    expect(consent.body).not.toMatch(/simulated failure|at .*\.ts:\d+/);
    expect(counts(first)).toEqual({ tickets: 0, createdEvents: 0, ticketReplies: 0, ticketDeliveries: 0, unprocessed: 1 });

    // The failure passes (disk freed, bug fixed) and the server starts again: the accepted answer is resumed.
    sqliteConnectionOf(first.app.functionar.database).exec('DROP TRIGGER fail_delivery');
    await first.app.close();
    const second = await startTestApp({ PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0' }, { dataDirectory });
    cleanups.push(() => second.close());
    const after = counts(second);
    expect(after).toMatchObject({ tickets: 1, createdEvents: 1, ticketReplies: 1, unprocessed: 0 });
    const ticket = sqliteConnectionOf(second.app.functionar.database).prepare('select number, year from tickets').get() as { number: number; year: number };
    expect(ticket).toEqual({ number: 1, year });

    const history = await second.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
    const last = (history.json() as { messages: { from: string; text: string }[] }).messages.at(-1);
    expect(last?.from).toBe('bot');
    expect(last?.text).toContain(`1/${year}`);
  });
});

describe('a message accepted before a crash', () => {
  it('is answered after the restart, even though the language model was still thinking when the server died', async () => {
    const dataDirectory = newDataDirectory();
    const ollama = await FakeOllamaServer.start({ defaultChatReply: { hang: true } });
    cleanups.push(() => ollama.close());
    let server: ServerProcess = await startServerProcess({ dataDirectory, environment: { OLLAMA_ENABLED: 'true', OLLAMA_HOST: ollama.url } });
    cleanups.push(() => server.kill());
    const databasePath = path.join(dataDirectory, 'functionar.db');

    const session = (await (await fetch(`${server.url}/api/webchat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { sessionId: string };
    const messageUrl = `${server.url}/api/webchat/sessions/${session.sessionId}/messages`;
    const body = JSON.stringify({ text: 'ce acte trebuie pentru certificatul de urbanism', clientMessageId: 'q1' });
    const pending = fetch(messageUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch((error: unknown) => error);

    // Stored before any answer exists (the request is still open, the model still "thinking").
    await ollama.waitFor(() => ollama.chatRequests.length > 0, 15_000);
    const stored = readDatabase(databasePath, (database) => database.prepare(`select processed_at as processedAt from messages where direction = 'inbound'`).all());
    expect(stored).toEqual([{ processedAt: null }]);

    await server.kill();
    expect(await pending).toBeInstanceOf(Error);

    // Back without the model: the resumed question is answered from the procedures.
    server = await startServerProcess({ dataDirectory, port: server.port });
    const answered = await eventually(
      () =>
        readDatabase(databasePath, (database) =>
          database
            .prepare(
              `select r.text, r.answer_mode as answerMode, o.status from messages r join outbox o on o.message_id = r.id
                where r.direction = 'outbound' and o.status = 'sent'`,
            )
            .get(),
        ) as { text: string; answerMode: string; status: string } | undefined,
      15_000,
      'the resumed answer',
    );
    expect(answered.answerMode).toBe('retrieval');
    expect(answered.text).toMatch(/urbanism/i);

    // The browser retries with the same id and gets that answer, not a second one.
    const retried = await fetch(messageUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(retried.status).toBe(200);
    const replies = ((await retried.json()) as { replies: { text: string }[] }).replies;
    expect(replies.map((reply) => reply.text)).toEqual([answered.text]);
    const outbound = readDatabase(databasePath, (database) => (database.prepare(`select count(*) as count from messages where direction = 'outbound'`).get() as { count: number }).count);
    expect(outbound).toBe(1);
  }, 60_000);
});

describe('backup and restore', () => {
  it('copies the database while the server is serving, and the copy restored into a new data directory reads back', async () => {
    const dataDirectory = newDataDirectory();
    const server = await startServerProcess({ dataDirectory });
    cleanups.push(() => server.kill());
    const post = async (url: string, payload: unknown) =>
      (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })).json() as Promise<Record<string, unknown>>;

    // Three citizens ask for a person: three tickets.
    for (let index = 0; index < 3; index += 1) {
      const { sessionId } = (await post(`${server.url}/api/webchat/sessions`, {})) as { sessionId: string };
      await post(`${server.url}/api/webchat/sessions/${sessionId}/messages`, { text: 'vreau sa vorbesc cu un functionar' });
    }

    // Traffic keeps flowing while the backup runs.
    let writing = true;
    const traffic = (async () => {
      const { sessionId } = (await post(`${server.url}/api/webchat/sessions`, {})) as { sessionId: string };
      for (let index = 0; writing; index += 1) await post(`${server.url}/api/webchat/sessions/${sessionId}/messages`, { text: `program de lucru ${index}` });
    })();
    const backupFile = path.join(newDataDirectory(), 'functionar-backup.db');
    const cli = (dataDir: string, ...args: string[]) =>
      run(process.execPath, ['--import', import.meta.resolve('tsx'), path.join(repositoryRoot, 'src/cli/main.ts'), ...args], {
        cwd: dataDir,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', OLLAMA_ENABLED: 'false' },
      });
    const backup = await cli(dataDirectory, 'backup', backupFile);
    expect(backup.stdout).toContain('Backup written');
    writing = false;
    await traffic;

    // Restore into a fresh data directory, as on a replacement machine, then serve from it.
    const restoredDirectory = newDataDirectory();
    const restore = await cli(restoredDirectory, 'restore', backupFile);
    expect(restore.stdout).toMatch(/Restored .* 3 tickets/);
    const listed = await cli(restoredDirectory, 'tickets', 'list');
    for (const number of [1, 2, 3]) expect(listed.stdout).toContain(`${number}/${year}`);

    const restored = await startTestApp({}, { dataDirectory: restoredDirectory });
    cleanups.push(() => restored.close());
    const tickets = sqliteConnectionOf(restored.app.functionar.database).prepare('select number from tickets order by number').all();
    expect(tickets).toEqual([{ number: 1 }, { number: 2 }, { number: 3 }]);
    const ready = await restored.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toMatchObject({ checks: { database: 'ok' } });
  }, 60_000);

  it('refuses to restore over a database the server is using, and refuses a file that is not a backup', async () => {
    const dataDirectory = newDataDirectory();
    const serving = await startTestApp({}, { dataDirectory });
    cleanups.push(() => serving.close());
    const { restoreDatabase } = await import('../../src/database/restore.ts');
    const backupFile = path.join(newDataDirectory(), 'backup.db');
    await sqliteConnectionOf(serving.app.functionar.database).backup(backupFile);
    await expect(restoreDatabase(backupFile, serving.config.databasePath)).rejects.toThrow(/in use: stop the server/);

    const notABackup = path.join(newDataDirectory(), 'notes.txt');
    fs.writeFileSync(notABackup, 'not a database');
    await expect(restoreDatabase(notABackup, path.join(newDataDirectory(), 'functionar.db'))).rejects.toThrow(/not a Funcționar Virtual database/);
  });
});
