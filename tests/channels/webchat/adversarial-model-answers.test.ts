import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAnswerCharacters } from '../../../src/llm/guardrails.ts';
import { FakeOllamaServer, type ChatRequestBody, type FakeChatReply } from '../../fakes/fake-ollama-server.ts';
import { collectServerSentEvents } from '../../helpers/server-sent-events.ts';
import { startTestApp, type TestApp } from '../../helpers/test-app.ts';

// A representative part of the adversarial corpus (tests/llm/adversarial-model-corpus.ts), through the
// running app on a real port, with the real knowledge base, the web chat's real SSE stream and the fake
// Ollama playing the weak model. What the citizen is streamed is exactly what stays: a blocked sentence is
// never shown and then withdrawn.

let ollama: FakeOllamaServer;
let testApp: TestApp;
let baseUrl: string;
let answers: string[] = [];

const cited = '[autorizatie-construire]';
const question = 'ce acte trebuie pentru autorizatia de construire?';

function chunksOf(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

function script(request: ChatRequestBody): FakeChatReply {
  // Structured output is the intent classifier (or the procedure picker); everything else is an answer.
  if (request.format) return { chunks: ['{"intent":"procedure"}'] };
  const next = answers.shift() ?? 'Nu știu sigur.';
  return { chunks: chunksOf(next === 'ECHO' ? (request.messages[0]?.content ?? '') : next) };
}

interface Exchange {
  reply: { text: string; sources: { slug: string; title: string }[] };
  tokens: string;
  tokenEvents: number;
  answerRequests: number;
}

async function ask(text: string, language: string, modelAnswers: string[]): Promise<Exchange> {
  answers = [...modelAnswers];
  const session = await fetch(`${baseUrl}/api/webchat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ language }) });
  const { sessionId } = (await session.json()) as { sessionId: string };
  const before = ollama.chatRequests.filter((request) => !request.format).length;
  const stream = await collectServerSentEvents(`${baseUrl}/api/webchat/sessions/${sessionId}/events`, (events) => events.some((event) => event.event === 'message' && event.data.from === 'bot'));
  const response = await fetch(`${baseUrl}/api/webchat/sessions/${sessionId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  expect(response.status).toBe(200);
  const reply = ((await response.json()) as { replies: Exchange['reply'][] }).replies[0]!;
  await stream.finished;
  const tokens = stream.events.filter((event) => event.event === 'token');
  return {
    reply,
    tokens: tokens.map((event) => String(event.data.delta)).join(''),
    tokenEvents: tokens.length,
    answerRequests: ollama.chatRequests.filter((request) => !request.format).length - before,
  };
}

const normalized = (text: string) => text.replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  ollama = await FakeOllamaServer.start({ models: ['qwen2.5:3b-instruct'], defaultChatReply: script });
  testApp = await startTestApp({ OLLAMA_HOST: ollama.url, OLLAMA_TIMEOUT_MS: '3000' });
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await testApp?.close();
  await ollama?.close();
});

describe('a weak model behind the web chat', () => {
  it('a grounded answer with its deadline in words is streamed sentence by sentence and kept as streamed', async () => {
    const exchange = await ask(question, 'ro', [`Depuneți cererea împreună cu certificatul de urbanism ${cited}. Autorizația se emite în cel mult treizeci de zile ${cited}.`]);
    expect(exchange.tokenEvents).toBeGreaterThan(1);
    expect(normalized(exchange.tokens)).toBe(normalized(exchange.reply.text));
    expect(exchange.reply.text).toContain('treizeci de zile');
    expect(exchange.reply.sources.map((source) => source.slug)).toEqual(['autorizatie-construire']);
  });

  it('an invented deadline in words never reaches the citizen: the card of the procedure, one source, nothing streamed', async () => {
    const exchange = await ask(question, 'ro', [`Autorizația se emite în patruzeci și cinci de zile ${cited}.`]);
    expect(exchange.tokenEvents).toBe(0);
    expect(exchange.reply.text).not.toContain('patruzeci');
    expect(exchange.reply.sources.map((source) => source.slug)).toEqual(['autorizatie-construire']);
    expect(exchange.answerRequests).toBe(1);
  });

  it('a later sentence with an invented fee ends the answer: what was streamed stays, the fee is never shown', async () => {
    const exchange = await ask(question, 'ro', [`Depuneți cererea împreună cu certificatul de urbanism ${cited}. Taxa este de 150 lei ${cited}.`]);
    expect(exchange.tokens).not.toContain('150');
    expect(exchange.reply.text).not.toContain('150');
    expect(normalized(exchange.tokens)).toBe(normalized(exchange.reply.text));
    expect(exchange.reply.text).toContain('certificatul de urbanism');
  });

  it('a Romanian answer to a Hungarian question is asked again once, and the Hungarian one is shown', async () => {
    const exchange = await ask('Milyen iratok kellenek az építési engedélyhez?', 'hu', [
      `Depuneți cererea împreună cu certificatul de urbanism și documentația tehnică ${cited}.`,
      `A kérelemhez a településrendezési bizonyítvány és a műszaki dokumentáció kell ${cited}.`,
    ]);
    expect(exchange.answerRequests).toBe(2);
    expect(exchange.tokens).not.toContain('Depuneți');
    expect(exchange.reply.text).toContain('településrendezési bizonyítvány');
    expect(normalized(exchange.tokens)).toBe(normalized(exchange.reply.text));
  });

  it('an echo of the system prompt is not sent', async () => {
    // A plain question; the model loses the thread and writes out its own instructions.
    const exchange = await ask(question, 'ro', ['ECHO']);
    expect(exchange.answerRequests).toBe(1);
    expect(exchange.tokenEvents).toBe(0);
    expect(exchange.reply.text).not.toContain('Reguli, în ordinea importanței');
  });

  it('a 5,000-word answer stops at the length a phone shows, without taking anything back', async () => {
    const long = Array.from({ length: 700 }, (_, index) => `Pasul ${index + 1} este depunerea cererii la registratură ${cited}.`).join(' ');
    const exchange = await ask(question, 'ro', [long]);
    const visible = exchange.reply.text.replace(/\s*\[[a-z0-9-]+\]/g, '');
    expect(visible.length).toBeLessThanOrEqual(maxAnswerCharacters);
    expect(visible.length).toBeGreaterThan(maxAnswerCharacters / 2);
    expect(normalized(exchange.tokens)).toBe(normalized(exchange.reply.text));
    // The model was stopped rather than left to write all of it.
    await ollama.waitFor(() => ollama.abortedRequests > 0);
  });
});
