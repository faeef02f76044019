import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLanguageModel } from '../../src/llm/create-language-model.ts';
import type { GenerateRequest } from '../../src/llm/language-model.ts';
import { closedPortUrl, FakeOllamaServer } from '../fakes/fake-ollama-server.ts';
import { ollamaConfig } from './ollama-test-config.ts';

// OLLAMA_HOST with several hosts, against real HTTP fakes: the load is spread, a host that cannot
// serve hands the request to the next, and health names the host to fix.

const question: GenerateRequest = { messages: [{ role: 'user', content: 'Ce acte trebuie pentru certificatul de urbanism?' }] };

function recordingLogger() {
  const warnings: { details: Record<string, unknown>; message: string }[] = [];
  const logger = {
    warn: (details: Record<string, unknown>, message: string) => warnings.push({ details, message }),
    debug: () => undefined,
  } as unknown as Parameters<typeof createLanguageModel>[1];
  return { logger, warnings };
}

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const delta of stream) text += delta;
  return text;
}

describe('several Ollama hosts as one language model', () => {
  let first: FakeOllamaServer;
  let second: FakeOllamaServer;

  beforeEach(async () => {
    first = await FakeOllamaServer.start({ defaultChatReply: { chunks: ['Răspuns ', 'de la primul.'], delayMs: 30 } });
    second = await FakeOllamaServer.start({ defaultChatReply: { chunks: ['Răspuns ', 'de la al doilea.'], delayMs: 30 } });
  });
  afterEach(async () => {
    await first.close();
    await second.close();
  });

  const pool = (hosts: string[], logger = recordingLogger().logger) => createLanguageModel({ ...ollamaConfig(hosts[0]!), hosts, concurrency: 1 }, logger);

  it('reads a comma-separated OLLAMA_HOST and refuses a list with a bad entry', () => {
    expect(loadConfig({ OLLAMA_HOST: 'http://gpu-1:11434, http://gpu-2:11434' }).ollama).toMatchObject({ host: 'http://gpu-1:11434', hosts: ['http://gpu-1:11434', 'http://gpu-2:11434'] });
    expect(loadConfig({}).ollama.hosts).toEqual(['http://127.0.0.1:11434']);
    expect(() => loadConfig({ OLLAMA_HOST: 'http://gpu-1:11434,gpu-2' })).toThrow(/OLLAMA_HOST/);
  });

  it('spreads simultaneous questions over the hosts, each host keeping its own concurrency limit', async () => {
    const model = pool([first.url, second.url]);
    const answers = await Promise.all(Array.from({ length: 6 }, () => model.generate(question)));
    expect(first.chatRequests).toHaveLength(3);
    expect(second.chatRequests).toHaveLength(3);
    expect(new Set(answers)).toEqual(new Set(['Răspuns de la primul.', 'Răspuns de la al doilea.']));
  });

  it('hands every kind of request to the next host when one is down, and says so in the log', async () => {
    const down = await closedPortUrl();
    const { logger, warnings } = recordingLogger();
    const model = pool([down, second.url], logger);
    for (let index = 0; index < 3; index += 1) expect(await model.generate(question)).toBe('Răspuns de la al doilea.');
    expect(await collect(model.stream(question))).toBe('Răspuns de la al doilea.');
    expect(await model.embed(['certificat de urbanism'])).toHaveLength(1);
    expect(second.chatRequests).toHaveLength(4);
    expect(warnings.some(({ details, message }) => details.host === down && /next one/.test(message))).toBe(true);

    const health = await model.health();
    expect(health.ok).toBe(true);
    expect(health.warnings?.join('\n')).toContain(down);
  });

  it('sends nothing to a host whose model is not installed once health has seen it', async () => {
    const withoutModel = await FakeOllamaServer.start({ models: ['llama3.2:1b'] });
    try {
      const model = pool([withoutModel.url, second.url]);
      const health = await model.health();
      expect(health).toMatchObject({ ok: true });
      expect(health.warnings?.join('\n')).toMatch(new RegExp(`${withoutModel.url}.*ollama pull qwen2.5:3b-instruct`));
      for (let index = 0; index < 4; index += 1) expect(await model.generate(question)).toBe('Răspuns de la al doilea.');
      expect(withoutModel.chatRequests).toHaveLength(0);
    } finally {
      await withoutModel.close();
    }
  });

  it('does not start an answer over on another host once text has reached the citizen', async () => {
    // Whichever host is asked first fails after its first words.
    for (const server of [first, second]) server.replyToChat({ chunks: ['Începutul '], streamError: 'llama runner process has terminated' });
    const model = pool([first.url, second.url]);
    const deltas: string[] = [];
    await expect(
      (async () => {
        for await (const delta of model.stream(question)) deltas.push(delta);
      })(),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^FV_ERR_LLM_/) });
    expect(deltas).toEqual(['Începutul ']);
    expect(first.chatRequests.length + second.chatRequests.length).toBe(1);
  });

  it('reports every host when none can serve, and fails with the last reason', async () => {
    const downs = [await closedPortUrl(), await closedPortUrl()];
    const model = pool(downs);
    const health = await model.health();
    expect(health.ok).toBe(false);
    for (const host of downs) expect(health.reason).toContain(host);
    await expect(model.generate(question)).rejects.toMatchObject({ code: 'FV_ERR_LLM_UNREACHABLE' });
  });
});
