import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerWithModel, type GroundedAnswer } from '../../src/llm/grounded-answer.ts';
import { maxAnswerCharacters } from '../../src/llm/guardrails.ts';
import { createOllamaLanguageModel } from '../../src/llm/ollama-provider.ts';
import { loadPromptLibrary, type PromptLibrary } from '../../src/llm/prompt-templates.ts';
import { FakeOllamaServer, type ChatScript } from '../fakes/fake-ollama-server.ts';
import { corpus, corpusTownHall, defaultProcedures, type CorpusCase } from './adversarial-model-corpus.ts';
import { ollamaConfig, silentLogger } from './ollama-test-config.ts';
import { retrievalOf } from './procedure-fixtures.ts';

// Every behaviour of the corpus, each through a real HTTP stream from the fake Ollama into the checks:
// what the citizen is shown token by token, what the final message is, and whether the model was asked
// a second time. The web chat test (tests/channels/webchat/adversarial-model-answers.test.ts) drives a
// representative part of it through the running app.

const card = 'Certificat de urbanism: cerere F.1, copie CI, dovada plății. Sursa: certificat-urbanism';

/** A model streams a few words at a time; sentences arrive split across chunks. */
export function modelChunks(answer: string): string[] {
  return answer.match(/\S+\s*|\s+/g) ?? [answer];
}

function scriptOf(answer: CorpusCase['answer']): ChatScript {
  return typeof answer === 'function' ? (request) => ({ chunks: modelChunks(answer(request.messages[0]?.content ?? '')) }) : { chunks: modelChunks(answer) };
}

const visible = (text: string) => text.replace(/\s*\[[a-z0-9][a-z0-9_,;\s-]*\]/gi, '').trim();

describe('the adversarial model corpus, checked sentence by sentence', () => {
  let fake: FakeOllamaServer;
  let prompts: PromptLibrary;

  beforeAll(async () => {
    prompts = await loadPromptLibrary();
  });
  beforeEach(async () => {
    fake = await FakeOllamaServer.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  const run = async (corpusCase: CorpusCase): Promise<{ result: GroundedAnswer; tokens: string[] }> => {
    fake.replyToChat(scriptOf(corpusCase.answer));
    if (corpusCase.retryAnswer !== undefined) fake.replyToChat(scriptOf(corpusCase.retryAnswer));
    const tokens: string[] = [];
    const result = await answerWithModel({
      model: createOllamaLanguageModel(ollamaConfig(fake.url), silentLogger),
      question: corpusCase.question,
      language: corpusCase.language,
      retrieval: retrievalOf(...(corpusCase.procedures ?? defaultProcedures)()),
      townHallName: 'Primăria Bălăușeri',
      townHall: corpusTownHall,
      prompts,
      fallbackCard: () => card,
      onToken: (delta) => tokens.push(delta),
    });
    return { result, tokens };
  };

  it.each(corpus.map((corpusCase) => [corpusCase.id, corpusCase.behaviour, corpusCase] as const))('%s (%s)', async (_id, _behaviour, corpusCase) => {
    const { result, tokens } = await run(corpusCase);
    const shown = tokens.join('');
    const answerRequests = fake.chatRequests.length;

    if (corpusCase.neverShown) {
      expect(shown).not.toContain(corpusCase.neverShown);
      expect(result.text).not.toContain(corpusCase.neverShown);
    }
    expect(visible(result.text).length).toBeLessThanOrEqual(maxAnswerCharacters);

    switch (corpusCase.expected) {
      case 'passes':
        expect(result).toMatchObject({ mode: 'llm', violations: [] });
        expect(result.retried).toBeUndefined();
        expect(result.truncated).toBeUndefined();
        expect(shown).toBe(result.text);
        expect(answerRequests).toBe(1);
        break;
      case 'cut':
        expect(result).toMatchObject({ mode: 'llm', truncated: true });
        expect(result.text).not.toBe('');
        // What was shown is the final text: nothing withdrawn, nothing added.
        expect(shown).toBe(result.text);
        expect(answerRequests).toBe(1);
        break;
      case 'falls-back':
        expect(result).toMatchObject({ mode: 'retrieval', text: card, sources: [{ slug: 'certificat-urbanism' }] });
        expect(result.retried).toBeUndefined();
        expect(tokens).toEqual([]);
        expect(answerRequests).toBe(1);
        break;
      case 'retried': {
        expect(result).toMatchObject({ mode: 'llm', retried: true, violations: [] });
        expect(shown).toBe(result.text);
        expect(answerRequests).toBe(2);
        const correction = fake.chatRequests[1]?.messages.at(-1)?.content ?? '';
        expect(correction).toContain('[certificat-urbanism]');
        expect(correction).toContain({ ro: 'română', hu: 'magyarul', en: 'English' }[corpusCase.language]);
        break;
      }
      case 'retried-falls-back':
        expect(result).toMatchObject({ mode: 'retrieval', text: card, retried: true, sources: [{ slug: 'certificat-urbanism' }] });
        expect(tokens).toEqual([]);
        expect(answerRequests).toBe(2);
        break;
    }
  });

  it('covers every behaviour of the issue with the figures docs/model-answer-checks.md states', () => {
    const counts: Record<string, number> = {};
    for (const corpusCase of corpus) counts[corpusCase.expected] = (counts[corpusCase.expected] ?? 0) + 1;
    expect(corpus.length).toBe(61);
    expect(counts).toEqual({ 'falls-back': 30, cut: 4, retried: 5, 'retried-falls-back': 2, passes: 20 });
    expect(new Set(corpus.map((corpusCase) => corpusCase.id)).size).toBe(corpus.length);
  });
});
