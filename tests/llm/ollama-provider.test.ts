import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import type { GenerateRequest, LanguageModel } from '../../src/llm/language-model.ts';
import { createOllamaLanguageModel, type OllamaProviderOptions } from '../../src/llm/ollama-provider.ts';
import { closedPortUrl, FakeOllamaServer } from '../fakes/fake-ollama-server.ts';
import { ollamaConfig, silentLogger as silent } from './ollama-test-config.ts';

const question: GenerateRequest = { messages: [{ role: 'user', content: 'Ce acte trebuie pentru certificatul de urbanism?' }] };

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe('Ollama provider over real HTTP', () => {
  let fake: FakeOllamaServer;
  const model = (overrides: Partial<Config['ollama']> = {}, options: OllamaProviderOptions = {}): LanguageModel =>
    createOllamaLanguageModel(ollamaConfig(fake.url, overrides), silent, options);

  beforeEach(async () => {
    fake = await FakeOllamaServer.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('streams the content deltas in order and sends the configured options', async () => {
    fake.replyToChat({ chunks: ['Aveți ', 'nevoie ', 'de cererea ', 'F.1.'], delayMs: 5 });
    expect(await collect(model().stream(question))).toEqual(['Aveți ', 'nevoie ', 'de cererea ', 'F.1.']);
    expect(fake.chatRequests[0]).toMatchObject({
      model: 'qwen2.5:3b-instruct',
      stream: true,
      messages: question.messages,
      options: { temperature: 0.2, num_ctx: 4096 },
    });
  });

  it('generates a whole answer without streaming and passes the JSON schema through as format', async () => {
    fake.replyToChat({ chunks: ['{"intent":', '"procedure"}'] });
    const format = { type: 'object', properties: { intent: { type: 'string' } }, required: ['intent'] };
    expect(await model().generate({ ...question, format, temperature: 0 })).toBe('{"intent":"procedure"}');
    expect(fake.chatRequests[0]).toMatchObject({ stream: false, format, options: { temperature: 0 } });
  });

  it('embeds with the embedding model and returns one vector per text', async () => {
    const vectors = await model().embed(['certificat de urbanism', 'építési engedély']);
    expect(vectors).toHaveLength(2);
    expect(vectors[0]).toHaveLength(8);
    expect(fake.requestsTo('/api/embed')[0]?.body).toMatchObject({ model: 'bge-m3', input: ['certificat de urbanism', 'építési engedély'] });
  });

  it('retries an embedding once after a 5xx or a dropped connection, and no more', async () => {
    const retrying = model({}, { retryDelayMs: 10 });
    fake.replyToEmbed({ status: 500, error: 'llama runner process has terminated' });
    await expect(retrying.embed(['a'])).resolves.toHaveLength(1);
    expect(fake.requestsTo('/api/embed')).toHaveLength(2);

    fake.replyToEmbed({ dropConnection: true });
    await expect(retrying.embed(['b'])).resolves.toHaveLength(1);
    expect(fake.requestsTo('/api/embed')).toHaveLength(4);

    fake.replyToEmbed({ status: 503, error: 'server busy' }, { status: 503, error: 'server busy' });
    await expect(retrying.embed(['c'])).rejects.toMatchObject({ code: 'FV_ERR_LLM_BAD_RESPONSE', retryable: true });
    expect(fake.requestsTo('/api/embed')).toHaveLength(6);
  });

  it('does not retry an embedding when the model is missing', async () => {
    fake.models = ['qwen2.5:3b-instruct'];
    await expect(model().embed(['a'])).rejects.toMatchObject({ code: 'FV_ERR_LLM_MODEL_MISSING', message: expect.stringContaining('ollama pull bge-m3') });
    expect(fake.requestsTo('/api/embed')).toHaveLength(1);
  });

  it('lists the installed models', async () => {
    expect(await model().listModels()).toEqual(['qwen2.5:3b-instruct', 'bge-m3:latest']);
  });

  it('is healthy when Ollama answers and the chat model is installed', async () => {
    expect(await model().health()).toEqual({ ok: true });
    expect(fake.requestsTo('/api/version')).toHaveLength(1);
    expect(fake.requestsTo('/api/tags')).toHaveLength(1);
  });

  it('names the exact ollama pull command when the chat model is missing', async () => {
    fake.models = ['llama3.2:latest', 'bge-m3:latest'];
    const health = await model().health();
    expect(health.ok).toBe(false);
    expect(health.reason).toContain('ollama pull qwen2.5:3b-instruct');
  });

  it('stays healthy but warns when only the embedding model is missing', async () => {
    fake.models = ['qwen2.5:3b-instruct'];
    const health = await model().health();
    expect(health.ok).toBe(true);
    expect(health.warnings?.[0]).toContain('ollama pull bge-m3');
  });

  it('reports a chat with a missing model as FV_ERR_LLM_MODEL_MISSING', async () => {
    fake.models = [];
    await expect(model().generate(question)).rejects.toMatchObject({ code: 'FV_ERR_LLM_MODEL_MISSING', retryable: false });
    await expect(collect(model().stream(question))).rejects.toMatchObject({ code: 'FV_ERR_LLM_MODEL_MISSING' });
  });

  it('reports an error Ollama sends in the middle of a stream', async () => {
    fake.replyToChat({ chunks: ['Aveți '], streamError: 'an error was encountered while running the model' });
    await expect(collect(model().stream(question))).rejects.toMatchObject({ code: 'FV_ERR_LLM_BAD_RESPONSE' });
  });

  it('times out a model that never answers, and closes the request', async () => {
    fake.replyToChat({ hang: true });
    const startedAt = Date.now();
    await expect(model({ timeoutMs: 300 }).generate(question)).rejects.toMatchObject({ code: 'FV_ERR_LLM_TIMEOUT', retryable: true });
    expect(Date.now() - startedAt).toBeLessThan(1500);
    await fake.waitFor(() => fake.abortedRequests === 1);
  });

  it('times out a stream that goes silent between chunks', async () => {
    fake.replyToChat({ hang: true, chunks: ['Aveți ', 'nevoie '] });
    const deltas: string[] = [];
    const stream = model({ timeoutMs: 5000 }, { idleTimeoutMs: 200 }).stream(question);
    await expect(
      (async () => {
        for await (const delta of stream) deltas.push(delta);
      })(),
    ).rejects.toMatchObject({ code: 'FV_ERR_LLM_TIMEOUT', message: expect.stringContaining('no new text for 200 ms') });
    expect(deltas).toEqual(['Aveți ', 'nevoie ']);
  });

  it('cancels the in-flight request when the caller aborts; the server sees the connection closed', async () => {
    fake.replyToChat({ hang: true, chunks: ['Aveți '] });
    const controller = new AbortController();
    const stream = model().stream({ ...question, signal: controller.signal });
    const consumed = (async () => {
      for await (const delta of stream) if (delta) controller.abort();
    })();
    await expect(consumed).rejects.toMatchObject({ code: 'FV_ERR_LLM_ABORTED', retryable: false });
    await fake.waitFor(() => fake.abortedRequests === 1);
  });

  it('closes the request when the consumer stops reading early', async () => {
    fake.replyToChat({ hang: true, chunks: ['Aveți '] });
    for await (const _delta of model().stream(question)) break;
    await fake.waitFor(() => fake.abortedRequests === 1);
  });

  it('fails fast with FV_ERR_LLM_UNREACHABLE when nothing listens', async () => {
    const down = createOllamaLanguageModel(ollamaConfig(await closedPortUrl()), silent);
    const startedAt = Date.now();
    await expect(down.generate(question)).rejects.toMatchObject({ code: 'FV_ERR_LLM_UNREACHABLE', retryable: true });
    await expect(collect(down.stream(question))).rejects.toMatchObject({ code: 'FV_ERR_LLM_UNREACHABLE' });
    await expect(down.embed(['a'])).rejects.toMatchObject({ code: 'FV_ERR_LLM_UNREACHABLE' });
    const health = await down.health();
    expect(health.ok).toBe(false);
    expect(health.reason).toMatch(/not reachable .*ECONNREFUSED/);
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });

  it('after failing to connect, fails the next requests at once instead of trying again, until a probe succeeds', async () => {
    const host = await closedPortUrl();
    let ollamaIsUp = false;
    let connections = 0;
    // Stands in for Ollama coming back on the same address: requests go to the fake once it is "up".
    const switchingFetch: typeof fetch = (input, init) => {
      connections += 1;
      const url = String(input);
      return fetch(ollamaIsUp ? url.replace(host, fake.url) : url, init);
    };
    const flaky = createOllamaLanguageModel(ollamaConfig(host), silent, { fetch: switchingFetch, unreachableCooldownMs: 60_000 });

    await expect(flaky.generate(question)).rejects.toMatchObject({ code: 'FV_ERR_LLM_UNREACHABLE' });
    await expect(collect(flaky.stream(question))).rejects.toMatchObject({ code: 'FV_ERR_LLM_UNREACHABLE', message: expect.stringContaining('not retried until') });
    await expect(flaky.embed(['a'])).rejects.toMatchObject({ code: 'FV_ERR_LLM_UNREACHABLE' });
    expect(connections).toBe(1);

    ollamaIsUp = true;
    await expect(flaky.generate(question)).rejects.toMatchObject({ code: 'FV_ERR_LLM_UNREACHABLE' });
    expect(connections).toBe(1);
    expect((await flaky.health()).ok).toBe(true);
    await expect(flaky.generate(question)).resolves.toBe('Nu știu sigur.');
  });

  it('queues requests beyond the concurrency limit and tells each waiter its place', async () => {
    fake.replyToChat({ chunks: ['unu'], delayMs: 150 }, { chunks: ['doi'], delayMs: 20 }, { chunks: ['trei'], delayMs: 20 });
    const limited = model({ concurrency: 1 });
    const positions: Record<string, number[]> = { first: [], second: [], third: [] };
    const ask = (name: string) => collect(limited.stream({ ...question, onQueued: (position) => positions[name]?.push(position) }));

    const first = ask('first');
    await fake.waitFor(() => fake.chatRequests.length === 1);
    const answers = await Promise.all([first, ask('second'), ask('third')]);

    expect(answers.map((deltas) => deltas.join(''))).toEqual(['unu', 'doi', 'trei']);
    expect(positions).toEqual({ first: [], second: [1], third: [2, 1] });
  });

  it('takes a waiter that gives up out of the queue, moving the others forward', async () => {
    fake.replyToChat({ chunks: ['unu'], delayMs: 200 }, { chunks: ['trei'] });
    const limited = model({ concurrency: 1 });
    const leaving = new AbortController();
    const thirdPositions: number[] = [];

    const first = limited.generate(question);
    await fake.waitFor(() => fake.chatRequests.length === 1);
    const second = limited.generate({ ...question, signal: leaving.signal });
    const third = limited.generate({ ...question, onQueued: (position) => thirdPositions.push(position) });
    leaving.abort();

    await expect(second).rejects.toMatchObject({ code: 'FV_ERR_LLM_ABORTED' });
    expect(await first).toBe('unu');
    expect(await third).toBe('trei');
    expect(thirdPositions).toEqual([2, 1]);
    expect(fake.chatRequests).toHaveLength(2);
  });

  it('gives up waiting for a slot after the queue timeout', async () => {
    fake.replyToChat({ hang: true });
    const limited = model({ concurrency: 1, timeoutMs: 500 }, { queueTimeoutMs: 100 });
    const stuck = limited.generate(question);
    await fake.waitFor(() => fake.chatRequests.length === 1);
    await expect(limited.generate(question)).rejects.toMatchObject({ code: 'FV_ERR_LLM_TIMEOUT', message: expect.stringContaining('no free model slot') });
    await expect(stuck).rejects.toMatchObject({ code: 'FV_ERR_LLM_TIMEOUT' });
  });
});
