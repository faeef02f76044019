import { execFile } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOllamaServer, type ChatRequestBody, type FakeChatReply } from '../../fakes/fake-ollama-server.ts';
import { collectServerSentEvents } from '../../helpers/server-sent-events.ts';
import { startTestApp, type TestApp } from '../../helpers/test-app.ts';

// The fake has the chat model but not the embedding model, so retrieval stays on the offline embedding
// and the test is about the language model's answers only.

let ollama: FakeOllamaServer;
let testApp: TestApp;
let baseUrl: string;
let nextAnswer: FakeChatReply;

const groundedAnswer =
  'Pentru autorizația de construire depuneți cererea cu certificatul de urbanism și documentația tehnică [autorizatie-construire]. Răspunsul vine în cel mult 30 de zile [autorizatie-construire].';

function script(request: ChatRequestBody): FakeChatReply {
  // The intent classifier asks for structured output; everything else is an answer.
  if (request.format) return { chunks: ['{"intent":"procedure"}'] };
  return nextAnswer;
}

async function openSession(language: string): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language } });
  return (response.json() as { sessionId: string }).sessionId;
}

/**
 * Opens a session's event stream and posts one message over a real socket, as the bubble does (`inject` hid
 * that the request stream closes once its body is read). The stream is open before the message is posted: it
 * resolves once its headers arrived, which the server sends after it subscribed the session.
 */
async function askWhileListening(text: string) {
  const sessionId = await openSession('ro');
  const stream = await collectServerSentEvents(`${baseUrl}/api/webchat/sessions/${sessionId}/events`, (events) => events.some((event) => event.event === 'message' && event.data.from === 'bot'));
  const response = await fetch(`${baseUrl}/api/webchat/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  const reply = ((await response.json()) as { replies: { text: string; sources: { slug: string }[] }[] }).replies[0];
  return { stream, response, reply };
}

beforeAll(async () => {
  ollama = await FakeOllamaServer.start({ models: ['qwen2.5:3b-instruct'], defaultChatReply: script });
  testApp = await startTestApp({ OLLAMA_HOST: ollama.url, OLLAMA_TIMEOUT_MS: '3000' });
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  if (testApp) fs.rmSync(`${testApp.dataDirectory}-cli`, { recursive: true, force: true });
  await testApp?.close();
  await ollama?.close();
});

describe('answers written by the local language model', () => {
  it('streams a cited answer about a building permit to the web chat, then stores the final text', async () => {
    nextAnswer = { chunks: groundedAnswer.split(/(?<= )/), delayMs: 5 };
    const { stream, response, reply } = await askWhileListening('ce acte trebuie pentru autorizatia de construire?');
    expect(response.status).toBe(200);
    expect(reply?.text).toContain('certificatul de urbanism');
    expect(reply?.sources[0]?.slug).toBe('autorizatie-construire');
    await stream.finished;
    const tokens = stream.events.filter((event) => event.event === 'token').map((event) => String(event.data.delta));
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('').replace(/\s+/g, ' ').trim()).toBe(reply?.text.replace(/\s+/g, ' ').trim());
    expect(testApp.app.functionar.answering.mode()).toBe('llm');
    expect(testApp.logLines.some((line) => JSON.stringify(line).includes('FV_ERR_LLM_ABORTED'))).toBe(false);
  });

  it("streams the model's answer about a car brought from Germany, then names the plates' authority beside it", async () => {
    nextAnswer = { chunks: 'Mașina se declară la impozite locale în 30 de zile de la dobândire, cu contractul sau factura [vehicul-evidenta-fiscala].'.split(/(?<= )/) };
    const { stream, reply } = await askWhileListening('Fiul meu lucreaza in Germania si mi-a adus un Audi de acolo, are numere rosii provizorii. Vrem sa-l inmatriculam pe numele meu, am fost la RAR. Ce hartie imi trebuie de la primarie?');
    expect(reply?.sources[0]?.slug).toBe('vehicul-evidenta-fiscala');
    expect(reply?.text).toContain('în 30 de zile');
    expect(reply?.text).toMatch(/SPCRPCIV/);
    await stream.finished;
    const streamed = stream.events.filter((event) => event.event === 'token').map((event) => String(event.data.delta)).join('');
    expect(streamed.replace(/\s+/g, ' ').trim()).toBe(reply?.text.replace(/\s+/g, ' ').trim());
  });

  it('stops the model when the citizen closes the page before the answer is written', async () => {
    nextAnswer = { hang: true, chunks: ['Pentru autorizația de construire '] };
    const sessionId = await openSession('ro');
    const before = ollama.abortedRequests;
    const requestsBefore = ollama.chatRequests.length;
    // Its own connection (no pool): fetch's pool may keep a spare socket open that the server then waits on.
    const body = JSON.stringify({ text: 'ce acte trebuie pentru autorizatia de construire?' });
    const posting = http.request(`${baseUrl}/api/webchat/sessions/${sessionId}/messages`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const closed = new Promise((resolve) => posting.on('close', resolve));
    posting.on('error', () => undefined);
    posting.end(body);
    await ollama.waitFor(() => ollama.chatRequests.slice(requestsBefore).some((request) => !request.format));
    posting.destroy();
    await closed;
    await ollama.waitFor(() => ollama.abortedRequests > before);
    expect(ollama.abortedRequests).toBe(before + 1);
  });

  it('catches an invented fee and answers with the retrieval card instead', async () => {
    nextAnswer = { chunks: ['Autorizația de construire costă 150 lei [autorizatie-construire].'] };
    const sessionId = await openSession('ro');
    const response = await testApp.app.inject({
      method: 'POST',
      url: `/api/webchat/sessions/${sessionId}/messages`,
      payload: { text: 'cat costa autorizatia de construire?' },
    });
    const reply = (response.json() as { replies: { text: string }[] }).replies[0];
    expect(reply?.text).not.toContain('150 lei');
    expect(reply?.text).toMatch(/Sursa: Autorizație de construire/);
  });

  it('sends a Hungarian question with the Hungarian prompt', async () => {
    nextAnswer = { chunks: ['Az építési engedélyhez a településrendezési bizonyítvány kell [autorizatie-construire].'] };
    const sessionId = await openSession('hu');
    const before = ollama.chatRequests.length;
    await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text: 'Mit kell vinni az építési engedélyhez?' } });
    const answerRequest = ollama.chatRequests.slice(before).find((request) => !request.format);
    expect(answerRequest?.messages[0]?.content).toContain('virtuális ügyintézője');
  });

  it('reports mode "llm" from functionar ask --json while Ollama is up', async () => {
    nextAnswer = { chunks: [groundedAnswer] };
    const root = path.resolve(import.meta.dirname, '../../..');
    // Asynchronous on purpose: the fake Ollama lives in this process and must keep answering.
    const result = await promisify(execFile)(process.execPath, [path.join(root, 'bin/functionar.js'), 'ask', '--json', 'ce acte trebuie pentru autorizatia de construire?'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: `${testApp.dataDirectory}-cli`, OLLAMA_HOST: ollama.url, LOG_LEVEL: 'warn' },
      timeout: 60_000,
    });
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ mode: 'llm', intent: 'procedure', sources: [expect.objectContaining({ slug: 'autorizatie-construire' })] });
  });
});

describe('start-up with the chat model missing', () => {
  it('says which ollama pull to run and serves in retrieval mode', async () => {
    const bare = await FakeOllamaServer.start({ models: [] });
    const app = await startTestApp({ OLLAMA_HOST: bare.url });
    try {
      const warning = app.logLines.find((line) => String(line.reason ?? '').includes('ollama pull qwen2.5:3b-instruct'));
      expect(warning).toBeDefined();
      expect(app.app.functionar.answering.mode()).toBe('retrieval');
    } finally {
      await app.close();
      await bare.close();
    }
  });
});
