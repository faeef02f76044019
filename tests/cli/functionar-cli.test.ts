import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/database/connection.ts';
import { listTickets } from '../../src/tickets/ticket-store.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';

let dataDirectory: string;

function functionar(args: string[], input?: string) {
  return runCli(args, { environment: { DATA_DIR: dataDirectory }, input });
}

beforeAll(() => {
  dataDirectory = temporaryDirectory();
});
afterAll(() => {
  fs.rmSync(dataDirectory, { recursive: true, force: true });
});

describe('functionar ask', () => {
  it('answers a Romanian question typed without diacritics with the documents and the source, offline', async () => {
    const result = await functionar(['ask', 'ce acte imi trebuie pentru autorizatie de construire']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/certificat(ul)? de urbanism/i);
    expect(result.stdout).toContain('autorizatie-construire');
  });

  it('answers JSON lines for questions on stdin, in order, refusing what the town hall does not do', async () => {
    const result = await functionar(['ask', '--json'], 'Mit kell vinni az építési engedélyhez?\ncat e ceasul in Tokyo\nunde fac pasaport\n');
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ question: 'Mit kell vinni az építési engedélyhez?', language: 'hu', intent: 'procedure', mode: 'retrieval' });
    expect((lines[0]?.sources as { slug: string }[])[0]?.slug).toBe('autorizatie-construire');
    expect(Object.keys(lines[0] ?? {}).sort()).toEqual(['answer', 'intent', 'language', 'mode', 'question', 'sources']);
    expect(lines[1]).toMatchObject({ intent: 'out_of_scope', sources: [] });
    expect(lines[2]).toMatchObject({ intent: 'out_of_scope', sources: [] });
    expect(String(lines[2]?.answer)).toMatch(/[Pp]așapoarte|Prefect/);
  });

  it('rejects an unknown --lang with a clear message', async () => {
    const result = await functionar(['ask', '--lang', 'de', 'hallo']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/use ro, hu or en/);
  });
});

describe('clerks, tickets, commands and backup from the shell', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({}, { dataDirectory });
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('registers a clerk, answers a web chat citizen from the shell and backs the database up', async () => {
    expect((await functionar(['clerks', 'add', '--name', 'Ana Pop', '--department', 'registratura', '--telegram', '4242'])).stdout).toMatch(/Clerk "Ana Pop" added/);
    expect((await functionar(['clerks', 'add', '--name', 'Ana Pop', '--department', 'registratura'])).stderr).toMatch(/already registered/);
    expect((await functionar(['clerks', 'add', '--name', 'X', '--department', 'nowhere'])).stderr).toMatch(/Unknown department/);
    expect((await functionar(['clerks', 'list'])).stdout).toMatch(/Ana Pop\s+registratura\s+telegram 4242/);

    const session = (await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {} })).json() as { sessionId: string };
    const say = (text: string) => testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${session.sessionId}/messages`, payload: { text } });
    for (const text of ['vreau sa depun o cerere', 'Solicit o copie dupa hotararea consiliului local nr 10', 'Ion Popescu', 'sari peste', 'da']) {
      expect((await say(text)).statusCode).toBe(200);
    }

    const list = await functionar(['tickets', 'list']);
    expect(list.stdout).toMatch(/^1\/\d{4}\s+nou/m);
    expect((await functionar(['tickets', 'show', '1'])).stdout).toContain('Ion Popescu');
    expect((await functionar(['tickets', 'show', '99'])).stderr).toMatch(/does not exist/);

    const refused = await functionar(['command', '--clerk', 'Nobody', '/raspunde 1 text']);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/Nu aveți dreptul/);

    const answered = await functionar(['command', '--clerk', 'Ana Pop', '/raspunde 1 Copia vă așteaptă la registratură.']);
    expect(answered.status, answered.stderr).toBe(0);
    // The running server's outbox picks the answer up and it lands in the citizen's history.
    const history = async () => ((await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${session.sessionId}/messages` })).json() as { messages: { from: string; text: string }[] }).messages;
    await expect.poll(async () => (await history()).at(-1)?.from, { timeout: 5000 }).toBe('clerk');

    const backupFile = path.join(dataDirectory, 'backup.db');
    expect((await functionar(['backup', backupFile])).stdout).toMatch(/Backup written/);
    const restored = openDatabase(backupFile);
    expect((await listTickets(restored.db)).map((ticket) => ticket.subject)).toEqual(['Solicit o copie dupa hotararea consiliului local nr 10']);
    restored.close();
  }, 120_000);
});
