import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPortUrl, FakeOllamaServer, type ChatRequestBody, type FakeChatReply } from '../../fakes/fake-ollama-server.ts';
import { startTestApp, type TestApp } from '../../helpers/test-app.ts';

// An installation with two Ollama machines, one of them switched off: citizens still get answers
// written by the model, and /readyz says the model is in use.

const answer = 'Pentru autorizația de construire depuneți cererea cu certificatul de urbanism [autorizatie-construire].';

function script(request: ChatRequestBody): FakeChatReply {
  return request.format ? { chunks: ['{"intent":"procedure"}'] } : { chunks: answer.split(/(?<= )/) };
}

let ollama: FakeOllamaServer;
let testApp: TestApp;
let switchedOff: string;

beforeAll(async () => {
  ollama = await FakeOllamaServer.start({ models: ['qwen2.5:3b-instruct'], defaultChatReply: script });
  switchedOff = await closedPortUrl();
  testApp = await startTestApp({ OLLAMA_HOST: `${switchedOff},${ollama.url}`, OLLAMA_TIMEOUT_MS: '3000' });
});

afterAll(async () => {
  await testApp?.close();
  await ollama?.close();
});

describe('OLLAMA_HOST naming two hosts, one of them down', () => {
  it('answers with the model on the host that is up', async () => {
    expect(testApp.app.functionar.answering.mode()).toBe('llm');
    const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
    const { sessionId } = session.json() as { sessionId: string };
    for (const text of ['ce acte trebuie pentru autorizatia de construire?', 'si pentru autorizatia de construire a unei anexe?']) {
      const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
      const reply = (response.json() as { replies: { text: string; sources: { slug: string }[] }[] }).replies[0];
      expect(reply?.text).toContain('certificatul de urbanism');
      expect(reply?.sources[0]?.slug).toBe('autorizatie-construire');
    }
    expect(ollama.chatRequests.filter((request) => !request.format).length).toBeGreaterThanOrEqual(2);
    const ready = await testApp.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  });

  it('tells the administrator at start which host is not used', () => {
    const warning = testApp.logLines.find((line) => line.level === 40 && String(line.msg).includes(switchedOff));
    expect(warning?.msg).toMatch(/host not used until it recovers .*not reachable/);
  });
});
