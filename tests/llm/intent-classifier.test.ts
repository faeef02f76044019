import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classifyIntentWithModel, intents } from '../../src/llm/intent-classifier.ts';
import { createOllamaLanguageModel } from '../../src/llm/ollama-provider.ts';
import { closedPortUrl, FakeOllamaServer } from '../fakes/fake-ollama-server.ts';
import { ollamaConfig as config, silentLogger as silent } from './ollama-test-config.ts';

describe('intent classification with the model', () => {
  let fake: FakeOllamaServer;
  beforeEach(async () => {
    fake = await FakeOllamaServer.start();
  });
  afterEach(async () => {
    await fake.close();
  });
  const classify = (text: string, language: 'ro' | 'hu' | 'en' = 'ro', timeoutMs?: number) =>
    classifyIntentWithModel(createOllamaLanguageModel(config(fake.url, { temperature: 0.7 }), silent), text, language, { timeoutMs });

  it('asks for JSON constrained to the intent enum, at temperature 0, and reads the answer', async () => {
    fake.replyToChat({ chunks: ['{"intent": "status"}'] });
    expect(await classify('ce se mai aude cu cererea 12/2026?')).toBe('status');

    const sent = fake.chatRequests[0];
    expect(sent).toMatchObject({
      stream: false,
      options: { temperature: 0 },
      format: { type: 'object', properties: { intent: { type: 'string', enum: [...intents] } }, required: ['intent'] },
    });
    expect(sent?.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(sent?.messages[1]?.content).toBe('ce se mai aude cu cererea 12/2026?');
  });

  it('uses the prompt of the message language', async () => {
    fake.replyToChat({ chunks: ['{"intent":"procedure"}'] });
    expect(await classify('Milyen iratok kellenek az építési engedélyhez?', 'hu')).toBe('procedure');
    expect(fake.chatRequests[0]?.messages[0]?.content).toContain('Kategóriák:');
  });

  it('accepts JSON wrapped in a code fence', async () => {
    fake.replyToChat({ chunks: ['```json\n{"intent":"handover"}\n```'] });
    expect(await classify('vreau sa vorbesc cu un om')).toBe('handover');
  });

  it.each([
    ['prose', 'Cred că este o întrebare despre proceduri.'],
    ['an unknown label', '{"intent":"weather"}'],
    ['a missing field', '{"category":"procedure"}'],
    ['truncated JSON', '{"intent":"proc'],
    ['nothing', ''],
  ])('returns undefined for %s, so the offline rules decide', async (_case, content) => {
    fake.replyToChat({ chunks: [content] });
    expect(await classify('buna ziua')).toBeUndefined();
  });

  it('returns undefined when Ollama answers with an error', async () => {
    fake.replyToChat({ status: 500, error: 'llama runner process has terminated' });
    expect(await classify('buna ziua')).toBeUndefined();
  });

  it('returns undefined when Ollama is down', async () => {
    const down = createOllamaLanguageModel(config(await closedPortUrl()), silent);
    expect(await classifyIntentWithModel(down, 'buna ziua', 'ro')).toBeUndefined();
  });

  it('gives no label, and sends nothing, while the model is busy answering another citizen', async () => {
    const model = createOllamaLanguageModel(config(fake.url, { concurrency: 1 }), silent);
    fake.replyToChat({ hang: true, chunks: ['Pentru '] });
    const controller = new AbortController();
    const answering = (async () => {
      try {
        for await (const _delta of model.stream({ messages: [{ role: 'user', content: 'ce acte trebuie?' }], signal: controller.signal })) {
          // The other citizen's answer holds the only slot.
        }
      } catch {
        // Cancelled below.
      }
    })();
    await fake.waitFor(() => fake.chatRequests.length === 1);
    expect(await classifyIntentWithModel(model, 'buna ziua', 'ro')).toBeUndefined();
    expect(fake.chatRequests).toHaveLength(1);
    controller.abort();
    await answering;
  });

  it('returns undefined when the model takes longer than the classification budget', async () => {
    fake.replyToChat({ hang: true });
    const startedAt = Date.now();
    expect(await classify('buna ziua', 'ro', 200)).toBeUndefined();
    expect(Date.now() - startedAt).toBeLessThan(1000);
    await fake.waitFor(() => fake.abortedRequests === 1);
  });
});
