import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClerkPassword } from '../../../src/admin/clerk-accounts.ts';
import { outbox } from '../../../src/database/schema.ts';
import { addClerk } from '../../../src/tickets/clerk-directory.ts';
import { AdminClient, textOf } from '../../admin/admin-client.ts';
import { FakeOllamaServer, type ChatRequestBody, type FakeChatReply } from '../../fakes/fake-ollama-server.ts';
import { collectServerSentEvents, readServerSentEvents, type ServerSentEvent } from '../../helpers/server-sent-events.ts';
import { freshPostgresDatabase, testPostgresAdminUrl } from '../../helpers/test-database.ts';
import { eventually, startTestApp, type TestApp } from '../../helpers/test-app.ts';
import { openWebchatSession, sayInWebchat } from './webchat-session.ts';

// Two instances of the app on one PostgreSQL database, behind a balancer that sent the citizen's live
// stream to one and the clerk's inbox to the other. The clerk answers on instance A, A's outbox sends the
// answer, and the citizen's stream on instance B shows it at once (LISTEN/NOTIFY between the instances).
// Instance B polls its outbox only once an hour here, so the send is A's.

const clerkPassword = 'corect-cal-baterie-capsa';
let instanceA: TestApp;
let instanceB: TestApp;
let baseUrlA: string;
let baseUrlB: string;

async function fileRequest(sessionId: string): Promise<string> {
  for (const text of ['vreau sa depun o sesizare', 'Groapa din asfalt pe strada Morii, in dreptul numarului 12', 'Elena Dobre', 'sari peste']) {
    await sayInWebchat(instanceA.app, sessionId, text);
  }
  const confirmation = (await sayInWebchat<{ text: string }>(instanceA.app, sessionId, 'Da')).map((reply) => reply.text).join('\n');
  const label = /(\d+\/\d{4})/.exec(confirmation)?.[1];
  if (!label) throw new Error(`no ticket number in: ${confirmation}`);
  return label;
}

async function signedInOnA(): Promise<AdminClient> {
  const client = new AdminClient(instanceA.app);
  const response = await client.logIn('Ana Pop', clerkPassword);
  expect(response.statusCode, textOf(response.body)).toBe(303);
  return client;
}

async function replyOnA(client: AdminClient, label: string, submission: string, text: string): Promise<void> {
  const [number, year] = label.split('/');
  await client.get(`/admin/tickets/${year}/${number}`);
  const answered = await client.submit(`/admin/tickets/${year}/${number}/reply`, { _csrf: client.field('_csrf'), submission, text });
  expect(textOf(answered.body)).toContain(`Răspuns trimis cetățeanului pentru ${label}`);
}

function clerkMessages(events: ServerSentEvent[]): ServerSentEvent[] {
  return events.filter((event) => event.event === 'message' && event.data.from === 'clerk');
}

describe.runIf(testPostgresAdminUrl())('a citizen whose live stream is held by another instance than the one sending', () => {
  beforeAll(async () => {
    const databaseUrl = (await freshPostgresDatabase())!;
    instanceA = await startTestApp({ DATABASE_URL: databaseUrl, INSTANCE_ID: 'instance-a' });
    instanceB = await startTestApp({ DATABASE_URL: databaseUrl, INSTANCE_ID: 'instance-b', OUTBOX_POLL_MS: '3600000' });
    baseUrlA = await instanceA.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrlB = await instanceB.app.listen({ port: 0, host: '127.0.0.1' });
    const { db } = instanceA.app.functionar.database;
    await addClerk(db, { name: 'Ana Pop', department: 'registratura' });
    await setClerkPassword(db, 'Ana Pop', clerkPassword);
  });

  afterAll(async () => {
    await instanceB?.close();
    await instanceA?.close();
  });

  it('sees live on instance B the clerk answer that instance A sends', async () => {
    const sessionId = await openWebchatSession(instanceA.app);
    const label = await fileRequest(sessionId);
    const stream = await collectServerSentEvents(`${baseUrlB}/api/webchat/sessions/${sessionId}/events`, (events) => clerkMessages(events).length >= 1);

    const client = await signedInOnA();
    await replyOnA(client, label, 'reply-1', 'Echipa de intervenție astupă groapa joi.');
    await stream.finished;

    const [answer] = clerkMessages(stream.events);
    expect(answer?.data.text).toContain('Echipa de intervenție astupă groapa joi.');
    const entry = (await instanceA.app.functionar.database.db.select().from(outbox).where(eq(outbox.messageId, Number(answer?.id))))[0];
    expect(entry).toMatchObject({ status: 'sent', claimedBy: 'instance-a' });
  });

  it('keeps the order of several answers and writes each once, on streams held by both instances, replay included', async () => {
    const sessionId = await openWebchatSession(instanceA.app);
    const label = await fileRequest(sessionId);
    const texts = ['Am primit sesizarea.', 'Echipa ajunge joi dimineață.', 'Vă anunțăm când e gata.'];
    const onB = await collectServerSentEvents(`${baseUrlB}/api/webchat/sessions/${sessionId}/events`, (events) => clerkMessages(events).length >= texts.length);
    const onA = await collectServerSentEvents(`${baseUrlA}/api/webchat/sessions/${sessionId}/events`, (events) => clerkMessages(events).length >= texts.length);

    const client = await signedInOnA();
    await replyOnA(client, label, 'order-1', texts[0]!);
    // The first answer is seen live before the others go out, so a stream reopened from it has something to replay.
    const firstId = await eventually(() => clerkMessages(onB.events)[0]?.id, 8000, 'the first answer on instance B');
    for (const [index, text] of texts.slice(1).entries()) await replyOnA(client, label, `order-${index + 2}`, text);
    await Promise.all([onB.finished, onA.finished]);

    for (const stream of [onB, onA]) {
      expect(clerkMessages(stream.events).map((event) => String(event.data.text).split('\n').at(-1))).toEqual(texts);
      const ids = stream.events.filter((event) => event.event === 'message').map((event) => event.id);
      expect(new Set(ids).size).toBe(ids.length);
    }

    // A browser reconnecting to instance B from the first answer gets the two later ones once each, in order.
    const controller = new AbortController();
    const reopened = await fetch(`${baseUrlB}/api/webchat/sessions/${sessionId}/events`, { headers: { 'last-event-id': String(firstId) }, signal: controller.signal });
    const replayed: ServerSentEvent[] = [];
    await readServerSentEvents(reopened.body, (event) => replayed.push(event), () => clerkMessages(replayed).length >= texts.length - 1);
    controller.abort();
    expect(clerkMessages(replayed).map((event) => String(event.data.text).split('\n').at(-1))).toEqual(texts.slice(1));
  });
});

describe.runIf(testPostgresAdminUrl())('an answer being written on one instance, watched from another', () => {
  const answer =
    'Pentru autorizația de construire depuneți cererea cu certificatul de urbanism și documentația tehnică [autorizatie-construire]. Răspunsul vine în cel mult 30 de zile [autorizatie-construire].';
  let ollama: FakeOllamaServer;
  let writing: TestApp;
  let watching: TestApp;
  let watchingUrl: string;

  beforeAll(async () => {
    const script = (request: ChatRequestBody): FakeChatReply => (request.format ? { chunks: ['{"intent":"procedure"}'] } : { chunks: answer.split(/(?<= )/), delayMs: 5 });
    ollama = await FakeOllamaServer.start({ models: ['qwen2.5:3b-instruct'], defaultChatReply: script });
    const databaseUrl = (await freshPostgresDatabase())!;
    const environment = { DATABASE_URL: databaseUrl, OLLAMA_HOST: ollama.url, OLLAMA_TIMEOUT_MS: '3000' };
    writing = await startTestApp({ ...environment, INSTANCE_ID: 'instance-writing' });
    watching = await startTestApp({ ...environment, INSTANCE_ID: 'instance-watching' });
    watchingUrl = await watching.app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await watching?.close();
    await writing?.close();
    await ollama?.close();
  });

  it('streams its tokens to the stream the citizen has open on the other instance, in order, adding up to the answer', async () => {
    const sessionId = await openWebchatSession(writing.app);
    const stream = await collectServerSentEvents(`${watchingUrl}/api/webchat/sessions/${sessionId}/events`, (events) =>
      events.some((event) => event.event === 'message' && event.data.from === 'bot'),
    );
    const [reply] = await sayInWebchat<{ text: string }>(writing.app, sessionId, 'ce acte trebuie pentru autorizatia de construire?');
    await stream.finished;

    const tokens = stream.events.filter((event) => event.event === 'token').map((event) => String(event.data.delta));
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.join('').replace(/\s+/g, ' ').trim()).toBe(reply?.text.replace(/\s+/g, ' ').trim());
    // The stored answer follows its tokens.
    const kinds = stream.events.map((event) => event.event);
    expect(kinds.lastIndexOf('message')).toBeGreaterThan(kinds.lastIndexOf('token'));
  });
});
