import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { localDate } from '../../src/tickets/deadlines.ts';
import { startTestApp, temporaryDirectory, type TestApp } from '../helpers/test-app.ts';
import { sqliteConnectionOf } from '../../src/database/connection.ts';

// The disk fills up or the database becomes read-only while citizens write: they get a coded 503 with
// Retry-After (channels redeliver, the widget says "try again"), never a 500, and no half-registered
// ticket is left behind. Disk-full is produced for real by SQLite's page limit, in the middle of the
// ticket's transaction; read-only by SQLite's query_only switch on the server's own connection.

const year = Number(localDate(new Date()).slice(0, 4));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
});

async function startApp(dataDirectory: string): Promise<TestApp> {
  // Statuses are asserted exactly: load shedding on a busy test machine is tested on its own.
  const testApp = await startTestApp({ PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0' }, { dataDirectory });
  cleanups.push(() => testApp.close());
  return testApp;
}

function say(testApp: TestApp, sessionId: string, text: string, clientMessageId?: string) {
  return testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text, ...(clientMessageId ? { clientMessageId } : {}) } });
}

async function intakeUntilConsent(testApp: TestApp): Promise<string> {
  const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  const { sessionId } = session.json() as { sessionId: string };
  for (const text of ['vreau sa depun o sesizare', 'Becul de pe stalpul din fata casei nr. 12 nu arde', 'Maria Ionescu', 'maria@example.ro']) {
    expect((await say(testApp, sessionId, text)).statusCode).toBe(200);
  }
  return sessionId;
}

const count = (testApp: TestApp, query: string) => (sqliteConnectionOf(testApp.app.functionar.database).prepare(query).get() as { count: number }).count;

describe('storage that cannot take writes', () => {
  it('answers 503 with Retry-After when the disk fills up in the middle of registering a ticket, and registers nothing', async () => {
    const dataDirectory = temporaryDirectory('functionar-disk-full-');
    cleanups.push(() => fs.rmSync(dataDirectory, { recursive: true, force: true }));
    const testApp = await startApp(dataDirectory);
    const sessionId = await intakeUntilConsent(testApp);
    const sqlite = sqliteConnectionOf(testApp.app.functionar.database);

    // Room for the citizen's answer, not for the whole step: the outbox write needs more than is left.
    sqlite.exec('CREATE TABLE disk_filler (bytes BLOB)');
    sqlite.exec('CREATE TRIGGER fill_disk BEFORE INSERT ON outbox BEGIN INSERT INTO disk_filler VALUES (zeroblob(4000000)); END;');
    const pages = Number(sqlite.pragma('page_count', { simple: true }));
    sqlite.pragma(`max_page_count = ${pages + 64}`);

    const consent = await say(testApp, sessionId, 'Da', 'consent');
    expect(consent.statusCode).toBe(503);
    expect(consent.headers['retry-after']).toBe('60');
    expect(consent.json()).toEqual({ error: { code: 'FV_ERR_STORAGE_FULL', message: expect.stringContaining('disk full') } });
    expect(count(testApp, 'select count(*) as count from tickets')).toBe(0);
    expect(count(testApp, `select count(*) as count from ticket_events where kind = 'created'`)).toBe(0);
    expect(count(testApp, 'select count(*) as count from outbox where ticket_id is not null')).toBe(0);

    // The server still serves what needs no writing.
    expect((await testApp.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` })).statusCode).toBe(200);

    // Space is freed and the server restarted: the accepted answer completes the request, numbered 1.
    sqlite.exec('DROP TRIGGER fill_disk');
    await testApp.close();
    const restarted = await startApp(dataDirectory);
    expect(sqliteConnectionOf(restarted.app.functionar.database).prepare('select number, year from tickets').all()).toEqual([{ number: 1, year }]);
  });

  it('answers 503 with Retry-After while the database is read-only, stores nothing, and accepts the retry afterwards', async () => {
    const dataDirectory = temporaryDirectory('functionar-read-only-');
    cleanups.push(() => fs.rmSync(dataDirectory, { recursive: true, force: true }));
    const testApp = await startApp(dataDirectory);
    const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {} });
    const { sessionId } = session.json() as { sessionId: string };
    const messagesBefore = count(testApp, 'select count(*) as count from messages');

    sqliteConnectionOf(testApp.app.functionar.database).pragma('query_only = 1');
    const refused = await say(testApp, sessionId, 'vreau sa vorbesc cu un functionar', 'handover-1');
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.json()).toMatchObject({ error: { code: 'FV_ERR_STORAGE_READONLY' } });
    const newSession = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {} });
    expect(newSession.statusCode).toBe(503);
    expect(count(testApp, 'select count(*) as count from messages')).toBe(messagesBefore);
    expect(count(testApp, 'select count(*) as count from tickets')).toBe(0);
    expect(JSON.stringify(testApp.logLines)).not.toMatch(/"statusCode":500/);

    // The outbox's poll meanwhile finds the store refusing writes: logged, and the process keeps serving
    // (an unhandled rejection here would end it).
    await expect(testApp.app.functionar.outbox.kick()).resolves.toBeUndefined();
    expect(JSON.stringify(testApp.logLines)).toMatch(/the outbox could not be drained/);

    sqliteConnectionOf(testApp.app.functionar.database).pragma('query_only = 0');
    await testApp.app.functionar.outbox.whenIdle();
    const retried = await say(testApp, sessionId, 'vreau sa vorbesc cu un functionar', 'handover-1');
    expect(retried.statusCode).toBe(200);
    expect((retried.json() as { replies: { text: string }[] }).replies[0]?.text).toContain(`1/${year}`);
  });
});
