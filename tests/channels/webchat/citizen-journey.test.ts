import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addClerk } from '../../../src/tickets/clerk-directory.ts';
import { localDate } from '../../../src/tickets/deadlines.ts';
import { collectServerSentEvents } from '../../helpers/server-sent-events.ts';
import { eventually, startTestApp, type TestApp } from '../../helpers/test-app.ts';
import { openWebchatSession, sayInWebchat } from './webchat-session.ts';

interface Reply {
  id: string;
  text: string;
  sources: { slug: string; title: string }[];
  buttons: { label: string; value: string }[];
}

let testApp: TestApp;
let baseUrl: string;
const year = Number(localDate(new Date()).slice(0, 4));

function openSession(language = 'ro'): Promise<string> {
  return openWebchatSession(testApp.app, language);
}

function say(sessionId: string, text: string): Promise<Reply[]> {
  return sayInWebchat<Reply>(testApp.app, sessionId, text);
}

beforeAll(async () => {
  testApp = await startTestApp();
  const address = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = address;
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });
});

afterAll(async () => {
  await testApp?.close();
});

describe('a citizen on the town hall website', () => {
  it('files a request through the bubble and gets a registration number and due date', async () => {
    const sessionId = await openSession();
    const start = await say(sessionId, 'Buna ziua, vreau sa depun o cerere');
    expect(start[0]?.text).toMatch(/Despre ce este cererea/);

    const askName = await say(sessionId, 'Becul de pe stalpul din fata casei nr. 12 nu mai arde de o saptamana');
    expect(askName[0]?.text).toMatch(/Cum vă numiți/);
    const askContact = await say(sessionId, 'Ion Popescu');
    expect(askContact[0]?.text).toMatch(/Cum vă putem contacta/);
    const badContact = await say(sessionId, 'sunati-ma');
    expect(badContact[0]?.text).toMatch(/Nu recunosc/);
    const consent = await say(sessionId, '0740 123 456');
    expect(consent[0]?.text).toMatch(/GDPR/);
    expect(consent[0]?.buttons.map((button) => button.label)).toEqual(['Da', 'Nu']);
    const confirmation = await say(sessionId, 'Da');
    expect(confirmation[0]?.text).toContain(`1/${year}`);
    expect(confirmation[0]?.text).toMatch(/Termenul legal de răspuns: \d{2}\.\d{2}\.\d{4}/);

    const ticket = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/vezi 1/${year}`);
    expect(ticket.ok).toBe(true);
    expect(ticket.text).toContain('Ion Popescu');
    expect(ticket.text).toContain('0740123456');
  });

  it('lets the citizen cancel the intake at any step, registering nothing', async () => {
    const sessionId = await openSession();
    await say(sessionId, 'vreau sa fac o sesizare');
    await say(sessionId, 'Groapa mare pe strada principala, langa scoala');
    const cancelled = await say(sessionId, 'anuleaza');
    expect(cancelled[0]?.text).toMatch(/Nu s-a înregistrat nimic/);
    const list = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, '/tichete toate');
    expect(list.text).not.toContain('Groapa');
  });

  it('does not register a request without consent', async () => {
    const sessionId = await openSession('en');
    await say(sessionId, 'I want to file a request');
    await say(sessionId, 'Please trim the trees on the school street');
    await say(sessionId, 'John Smith');
    await say(sessionId, 'skip');
    const refused = await say(sessionId, 'No');
    expect(refused[0]?.text).toMatch(/Nothing was registered/);
  });

  it("receives a clerk's /raspunde in the history and live on the event stream", async () => {
    const sessionId = await openSession();
    await say(sessionId, 'vreau sa depun o petitie');
    await say(sessionId, 'Solicit amenajarea unui loc de joaca in satul Dumitreni');
    await say(sessionId, 'Maria Ionescu');
    await say(sessionId, 'maria@example.ro');
    const confirmation = await say(sessionId, 'da');
    const label = /numărul (\d+\/\d{4})/.exec(confirmation[0]?.text ?? '')?.[1];
    expect(label).toBeDefined();
    expect(confirmation[0]?.text).toContain('OG 27/2002');

    const stream = await collectServerSentEvents(`${baseUrl}/api/webchat/sessions/${sessionId}/events`, (events) =>
      events.some((event) => event.event === 'message' && event.data.from === 'clerk'),
    );
    // The server subscribes the stream in the same step that sends its headers: once fetch has them, a
    // clerk's answer published now reaches this stream.
    expect(stream.contentType).toContain('text/event-stream');
    const outcome = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/raspunde ${label} Propunerea intră pe ordinea de zi a consiliului local.`);
    expect(outcome.ok).toBe(true);

    await stream.finished;
    const clerkMessage = stream.events.find((event) => event.event === 'message' && event.data.from === 'clerk')?.data as { text: string };
    expect(clerkMessage.text).toContain('Propunerea intră pe ordinea de zi');

    const history = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
    const messages = (history.json() as { messages: { from: string; text: string }[] }).messages;
    expect(messages.at(-1)).toMatchObject({ from: 'clerk' });
    expect(messages.filter((message) => message.from === 'citizen')).toHaveLength(5);

    const status = await say(sessionId, `ce se intampla cu cererea ${label}?`);
    expect(status[0]?.text).toMatch(/în lucru/);
    expect(status[0]?.text).toMatch(/răspuns trimis/);

    // Another citizen asking for the same number learns nothing, not even that it exists.
    const stranger = await openSession();
    const refusal = await say(stranger, `ce se intampla cu cererea ${label}?`);
    expect(refusal[0]?.text).toContain('Nu găsesc cererea');
    expect(refusal[0]?.text).not.toContain('loc de joaca');
    const unknown = await say(stranger, `ce se intampla cu cererea 999/${year}?`);
    expect(unknown[0]?.text.replace('999', 'N')).toBe(refusal[0]?.text.replace(/\d+\//, 'N/'));
  });

  it('hands the conversation to a person, reusing the same ticket when asked twice', async () => {
    const sessionId = await openSession();
    const first = await say(sessionId, 'vreau sa vorbesc cu un om');
    const second = await say(sessionId, 'vreau sa vorbesc cu un functionar');
    const firstNumber = /nr\. (\d+\/\d{4})/.exec(first[0]?.text ?? '')?.[1];
    expect(firstNumber).toBeDefined();
    expect(second[0]?.text).toContain(firstNumber);
    expect(second[0]?.text).toMatch(/deja înregistrată/);
    expect(first[0]?.text).toMatch(/Biroul este (deschis|închis)/);
  });

  it('refuses clerk commands typed by a citizen and changes nothing', async () => {
    const sessionId = await openSession();
    const refusal = await say(sessionId, `/raspunde 1/${year} ai primit aprobarea`);
    expect(refusal[0]?.text).toMatch(/doar pentru funcționarii/);
    const history = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
    expect((history.json() as { messages: unknown[] }).messages).toHaveLength(2);
  });

  it('answers a procedure question with the documents and the source, with Ollama absent', async () => {
    const sessionId = await openSession();
    const replies = await say(sessionId, 'ce acte imi trebuie pentru autorizatie de construire');
    expect(replies[0]?.sources[0]?.slug).toBe('autorizatie-construire');
    expect(replies[0]?.text).toMatch(/certificat(ul)? de urbanism/i);
  });

  it('greets in Hungarian and answers a Hungarian question in Hungarian', async () => {
    const sessionId = await openSession('hu');
    const greeting = await say(sessionId, 'Jó napot!');
    expect(greeting[0]?.text).toMatch(/virtuális ügyintézője/);
    const replies = await say(sessionId, 'Mit kell vinni az építési engedélyhez?');
    expect(replies[0]?.sources[0]?.slug).toBe('autorizatie-construire');
    expect(replies[0]?.text).toMatch(/[Éé]pítési engedély/);
  });
});

describe('bad input on the web chat', () => {
  it('answers 4xx JSON errors and keeps serving', async () => {
    const sessionId = await openSession();
    const cases = [
      { payload: { text: '' }, status: 400 },
      { payload: { text: '   ' }, status: 400 },
      { payload: { text: 'x'.repeat(4001) }, status: 400 },
      { payload: {}, status: 400 },
      { payload: { text: 42 }, status: 400 },
    ];
    for (const { payload, status } of cases) {
      const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    const malformed = await testApp.app.inject({
      method: 'POST',
      url: `/api/webchat/sessions/${sessionId}/messages`,
      headers: { 'content-type': 'application/json' },
      payload: '{"text": "unterminated',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBeTruthy();

    const wrongType = await testApp.app.inject({
      method: 'POST',
      url: `/api/webchat/sessions/${sessionId}/messages`,
      headers: { 'content-type': 'text/plain' },
      payload: 'text=hello',
    });
    expect(wrongType.statusCode).toBe(415);

    const huge = await testApp.app.inject({
      method: 'POST',
      url: `/api/webchat/sessions/${sessionId}/messages`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text: 'x'.repeat(70 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);

    const unknown = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions/not-a-session/messages', payload: { text: 'salut' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('FV_ERR_SESSION_NOT_FOUND');
    const unknownHistory = await testApp.app.inject({ method: 'GET', url: '/api/webchat/sessions/not-a-session/messages' });
    expect(unknownHistory.statusCode).toBe(404);

    const health = await testApp.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toEqual({ status: 'ok' });
  });

  it('answers a retried message (same clientMessageId) once', async () => {
    const sessionId = await openSession();
    const payload = { text: 'buna ziua', clientMessageId: 'c-1' };
    const first = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload });
    const second = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload });
    expect(second.json().replies.map((reply: Reply) => reply.id)).toEqual(first.json().replies.map((reply: Reply) => reply.id));
    const history = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
    expect((history.json() as { messages: unknown[] }).messages).toHaveLength(2);
  });

  it('serves the widget and the demo page', async () => {
    const widget = await testApp.app.inject({ method: 'GET', url: '/widget.js' });
    expect(widget.statusCode).toBe(200);
    expect(widget.headers['content-type']).toContain('javascript');
    const page = await testApp.app.inject({ method: 'GET', url: '/' });
    expect(page.body).toContain('<script src="/widget.js"');
  });

  it('reports readiness of database, knowledge and channels', async () => {
    const ready = await eventually(async () => {
      const response = await testApp.app.inject({ method: 'GET', url: '/readyz' });
      return response.statusCode === 200 ? response : undefined;
    });
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', knowledge: 'ok', 'channel:webchat': 'ok' }, answerMode: 'retrieval' });
  });
});
