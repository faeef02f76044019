import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnowledgeBase, runIngest } from '../../src/knowledge/create-knowledge-base.ts';
import { embedderFromLanguageModel } from '../../src/knowledge/embedder.ts';
import { createOllamaLanguageModel } from '../../src/llm/ollama-provider.ts';
import { FakeOllamaServer } from '../fakes/fake-ollama-server.ts';
import { knowledgeConfig, knowledgeFixtures, recordingLogger, startTestChroma, type TestChroma } from '../helpers/chroma.ts';
import { ollamaConfig, silentLogger } from '../llm/ollama-test-config.ts';

// "ollama pull bge-m3" can bring a model with vectors of another length under the same name. Before, every
// question then fell back to keywords and the index was never rebuilt; now the dimension is recorded with
// the collection, and a change rebuilds it — at start-up, in `functionar ingest`, or on the first query.

describe('a change of the embedding model behind the same name', () => {
  let chroma: TestChroma;
  let ollama: FakeOllamaServer;
  const logger = recordingLogger();
  const question = 'ce acte imi trebuie pentru autorizatie de construire';

  const configuration = () => knowledgeConfig({ dataDirectory: chroma.dataDirectory, knowledgeDirectory: path.join(knowledgeFixtures, 'small-knowledge'), chromaUrl: chroma.url });
  const embedder = () => embedderFromLanguageModel(createOllamaLanguageModel(ollamaConfig(ollama.url), silentLogger), 'ollama:bge-m3');
  const rebuilds = () => logger.lines.filter((line) => line.message === 'rebuilding the vector collection');

  beforeAll(async () => {
    chroma = await startTestChroma();
    ollama = await FakeOllamaServer.start({ embeddingDimensions: 8 });
  });

  afterAll(async () => {
    await ollama.close();
    await chroma.stop();
  });

  it('rebuilds the index on the first query that brings vectors of a new length, and searches vectors again', async () => {
    const knowledgeBase = await createKnowledgeBase({ config: configuration(), logger, embedder: embedder() });
    try {
      const before = await knowledgeBase.retrieveDetailed(question, 'ro');
      expect(before.diagnostics.vectorUnavailable).toBeUndefined();

      ollama.embeddingDimensions = 16;
      const during = await knowledgeBase.retrieveDetailed(question, 'ro');
      // This one question is answered from keywords; it also starts the rebuild.
      expect(during.diagnostics.vectorUnavailable).toMatch(/16-dimensional/);
      expect(during.candidates[0]?.procedure.slug).toBe('autorizatie-construire');
      expect(logger.lines.some((line) => line.message === 'the embedding model changed its dimension; rebuilding the vector index')).toBe(true);

      const counts = await knowledgeBase.synchronize();
      expect(counts).toMatchObject({ added: 14, unchanged: 0 });
      expect(rebuilds().at(-1)?.context).toMatchObject({ previousDimension: 8, dimension: 16, embedder: 'ollama:bge-m3' });
      expect(knowledgeBase.readiness().ready).toBe(true);

      const after = await knowledgeBase.retrieveDetailed(question, 'ro');
      expect(after.diagnostics.vectorUnavailable).toBeUndefined();
      expect(after.candidates[0]?.procedure.slug).toBe('autorizatie-construire');
    } finally {
      await knowledgeBase.close();
    }
  });

  it('rebuilds at start-up and in functionar ingest when the dimension changed while the app was stopped', async () => {
    ollama.embeddingDimensions = 12;
    const rebuildsBefore = rebuilds().length;
    const knowledgeBase = await createKnowledgeBase({ config: configuration(), logger, embedder: embedder() });
    try {
      expect(rebuilds()).toHaveLength(rebuildsBefore + 1);
      expect((await knowledgeBase.retrieveDetailed(question, 'ro')).diagnostics.vectorUnavailable).toBeUndefined();
    } finally {
      await knowledgeBase.close();
    }

    ollama.embeddingDimensions = 10;
    const result = await runIngest({ config: configuration(), logger, embedder: embedder() });
    expect(result.counts).toMatchObject({ added: 14, unchanged: 0 });
    expect(rebuilds().at(-1)?.context).toMatchObject({ previousDimension: 12, dimension: 10 });
    const again = await runIngest({ config: configuration(), logger, embedder: embedder() });
    expect(again.counts).toMatchObject({ added: 0, unchanged: 14 });
  });
});
