import { afterEach, describe, expect, it } from 'vitest';
import type { KnowledgeBaseService } from '../../src/knowledge/create-knowledge-base.ts';
import { FakeOllamaServer, type ChatRequestBody, type FakeChatReply } from '../fakes/fake-ollama-server.ts';
import { eventually, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { sqliteConnectionOf } from '../../src/database/connection.ts';

// Chroma and Ollama are separate processes that can die at any moment. Citizens must keep getting
// useful answers from the procedures meanwhile, and the full service must come back by itself.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

interface StoredReply {
  text: string;
  answerMode: string | null;
}

async function ask(testApp: TestApp, sessionId: string, text: string): Promise<{ status: number; reply: { text: string; sources: { slug: string }[] } | undefined }> {
  const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  return { status: response.statusCode, reply: (response.json() as { replies?: { text: string; sources: { slug: string }[] }[] }).replies?.[0] };
}

async function openSession(testApp: TestApp): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  return (response.json() as { sessionId: string }).sessionId;
}

const questions = ['ce acte trebuie pentru certificatul de urbanism', 'Care este programul cu publicul?', 'cum platesc impozitul pe cladiri', 'ce acte trebuie pentru autorizatia de construire'];

describe('Chroma killed while citizens ask questions', () => {
  it('keeps answering from the lexical index, marks the service not ready, and uses vectors again after the supervisor restarts it', async () => {
    const testApp = await startTestApp({ PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0' }, { ownChroma: true });
    cleanups.push(() => testApp.close());
    const knowledge = testApp.app.functionar.answering.knowledge as KnowledgeBaseService;
    const chroma = knowledge.chromaServer();
    expect(chroma?.state).toBe('ready');
    expect((await knowledge.retrieveDetailed(questions[0]!, 'ro')).diagnostics.vectorUnavailable).toBeUndefined();
    const firstPid = chroma!.pid!;

    const sessionId = await openSession(testApp);
    const answeredDuringOutage: string[] = [];
    let asked = 0;
    const traffic = (async () => {
      for (let round = 0; round < 40; round += 1) {
        const question = questions[round % questions.length]!;
        const { status, reply } = await ask(testApp, sessionId, question);
        asked += 1;
        expect(status).toBe(200);
        expect(reply?.text.length).toBeGreaterThan(20);
        if (chroma!.state !== 'ready') answeredDuringOutage.push(reply!.text);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    await eventually(() => (asked >= 3 ? true : undefined), 10_000, 'traffic to start');
    process.kill(firstPid, 'SIGKILL');
    const notReady = await eventually(
      async () => {
        const response = await testApp.app.inject({ method: 'GET', url: '/readyz' });
        return response.statusCode === 503 ? (response.json() as { checks: { knowledge: string } }) : undefined;
      },
      5_000,
      'readiness to report Chroma down',
    );
    expect(notReady.checks.knowledge).toMatch(/not ready/);
    await traffic;

    // The supervisor brought a new Chroma up on the same data: vectors are used again, the index intact.
    await eventually(() => (chroma!.state === 'ready' && chroma!.pid !== firstPid ? true : undefined), 30_000, 'Chroma to be restarted');
    await eventually(async () => ((await testApp.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200 ? true : undefined), 15_000, 'readiness');
    expect((await knowledge.retrieveDetailed(questions[0]!, 'ro')).diagnostics.vectorUnavailable).toBeUndefined();
    const resync = await knowledge.synchronize();
    expect(resync).toMatchObject({ added: 0, deleted: 0 });

    // Nothing lost: every question has its one answer, stored and delivered.
    expect(answeredDuringOutage.length).toBeGreaterThan(0);
    const sqlite = sqliteConnectionOf(testApp.app.functionar.database);
    const unanswered = sqlite.prepare(`select count(*) as count from messages m where m.direction = 'inbound' and not exists (select 1 from messages r where r.in_reply_to = m.id)`).get() as { count: number };
    expect(unanswered.count).toBe(0);
    expect((sqlite.prepare(`select count(*) as count from messages where direction = 'inbound'`).get() as { count: number }).count).toBe(40);
    await eventually(() => ((sqlite.prepare(`select count(*) as count from outbox where status != 'sent'`).get() as { count: number }).count === 0 ? true : undefined), 5_000, 'deliveries');
  }, 60_000);
});

describe('Ollama killed while citizens ask questions', () => {
  it('answers with the retrieval card from the procedures instead, with its source', async () => {
    const grounded =
      'Pentru autorizația de construire depuneți cererea cu certificatul de urbanism și documentația tehnică [autorizatie-construire]. Răspunsul vine în cel mult 30 de zile [autorizatie-construire].';
    const script = (request: ChatRequestBody): FakeChatReply => (request.format ? { chunks: ['{"intent":"procedure"}'] } : { chunks: [grounded] });
    const ollama = await FakeOllamaServer.start({ models: ['qwen2.5:3b-instruct'], defaultChatReply: script });
    let ollamaClosed = false;
    cleanups.push(async () => {
      if (!ollamaClosed) await ollama.close();
    });
    const testApp = await startTestApp({ OLLAMA_HOST: ollama.url, OLLAMA_TIMEOUT_MS: '3000', PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0' });
    cleanups.push(() => testApp.close());
    const sessionId = await openSession(testApp);
    const storedReplies = () => sqliteConnectionOf(testApp.app.functionar.database).prepare(`select text, answer_mode as answerMode from messages where direction = 'outbound' order by id`).all() as StoredReply[];

    const before = await ask(testApp, sessionId, 'ce acte trebuie pentru autorizatia de construire?');
    expect(before.status).toBe(200);
    expect(storedReplies().at(-1)?.answerMode).toBe('llm');

    await ollama.close();
    ollamaClosed = true;
    for (const question of ['ce acte trebuie pentru autorizatia de construire?', 'ce acte trebuie pentru certificatul de urbanism']) {
      const started = Date.now();
      const after = await ask(testApp, sessionId, question);
      expect(after.status).toBe(200);
      // A refused connection is noticed at once: no waiting for the model's timeout.
      expect(Date.now() - started).toBeLessThan(3000);
      expect(after.reply?.sources.length).toBeGreaterThan(0);
      expect(after.reply?.text).toMatch(/Sursa/);
      expect(storedReplies().at(-1)?.answerMode).toBe('retrieval');
    }
  }, 60_000);
});
