import fs from 'node:fs';
import path from 'node:path';
import { knownEmbeddingFunctions } from 'chromadb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ChromaStore } from '../../src/knowledge/chroma-store.ts';
import { runIngest } from '../../src/knowledge/create-knowledge-base.ts';
import type { Embedder } from '../../src/knowledge/embedder.ts';
import type { IngestProgress } from '../../src/knowledge/ingest.ts';
import { createOfflineEmbedder, type OfflineEmbedder } from '../../src/knowledge/offline-embedding.ts';
import { copyKnowledge, knowledgeConfig, knowledgeFixtures, recordingLogger, startTestChroma, type TestChroma } from '../helpers/chroma.ts';

/** The offline embedder, counting how many texts it was asked to embed. */
function countingEmbedder(base: OfflineEmbedder = createOfflineEmbedder()): OfflineEmbedder & { embedded: number } {
  const counting = {
    name: base.name,
    dimension: base.dimension,
    embedded: 0,
    embed: async (texts: string[]) => {
      counting.embedded += texts.length;
      return base.embed(texts);
    },
    embedInLanguage: async (texts: string[], language: Parameters<OfflineEmbedder['embedInLanguage']>[1]) => {
      counting.embedded += texts.length;
      return base.embedInLanguage(texts, language);
    },
  };
  return counting;
}

describe('ingest into a real Chroma', () => {
  let chroma: TestChroma;
  let knowledgeDirectory: string;
  const logger = recordingLogger();
  const warnings = vi.spyOn(console, 'warn');

  const ingest = (embedder: Embedder, extra: { rebuild?: boolean; onProgress?: (progress: IngestProgress) => void } = {}) =>
    runIngest({ config: knowledgeConfig({ dataDirectory: chroma.dataDirectory, knowledgeDirectory, chromaUrl: chroma.url }), logger, embedder, ...extra });

  const storedIds = async (embedderName: string) => {
    const store = new ChromaStore({ url: chroma.url, embedderName, logger });
    await store.open();
    return [...(await store.storedHashes()).keys()].sort();
  };

  beforeAll(async () => {
    chroma = await startTestChroma();
    knowledgeDirectory = copyKnowledge(path.join(knowledgeFixtures, 'small-knowledge'));
  });

  afterAll(async () => {
    await chroma.stop();
    fs.rmSync(knowledgeDirectory, { recursive: true, force: true });
  });

  it('embeds every chunk on the first run, reporting progress', async () => {
    const embedder = countingEmbedder();
    const progress: IngestProgress[] = [];
    const result = await ingest(embedder, { onProgress: (entry) => progress.push(entry) });

    expect(result.counts).toEqual({ added: 14, updated: 0, unchanged: 0, deleted: 0, skippedFiles: 0 });
    expect(embedder.embedded).toBe(14);
    expect(progress.at(-1)).toEqual({ phase: 'done', done: 14, total: 14 });
    expect(await storedIds(embedder.name)).toContain('autorizatie-construire#acte-necesare');
  });

  it('re-embeds nothing when nothing changed', async () => {
    const embedder = countingEmbedder();
    const result = await ingest(embedder);

    expect(result.counts).toEqual({ added: 0, updated: 0, unchanged: 14, deleted: 0, skippedFiles: 0 });
    expect(embedder.embedded).toBe(0);
  });

  it('re-embeds only the chunks of a changed section', async () => {
    const file = path.join(knowledgeDirectory, 'procedures', 'autorizatie-construire.md');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('înainte de a construi o casă', 'înainte de a construi sau extinde o casă'));
    const embedder = countingEmbedder();
    const result = await ingest(embedder);

    expect(result.counts).toMatchObject({ added: 0, updated: 1, unchanged: 13, deleted: 0 });
    expect(embedder.embedded).toBe(1);
  });

  it('removes the chunks of a deleted file and skips a broken one', async () => {
    fs.rmSync(path.join(knowledgeDirectory, 'procedures', 'certificat-urbanism.md'));
    fs.writeFileSync(path.join(knowledgeDirectory, 'procedures', 'broken.md'), '---\nslug: broken\ntitle: [unclosed\n---\n');
    const embedder = countingEmbedder();
    const result = await ingest(embedder);

    expect(result.counts).toEqual({ added: 0, updated: 0, unchanged: 7, deleted: 7, skippedFiles: 1 });
    expect(result.problems).toEqual(expect.arrayContaining([expect.objectContaining({ file: path.join('procedures', 'broken.md'), severity: 'error' })]));
    expect(logger.lines.some((line) => line.level === 'error' && line.message?.includes('broken.md'))).toBe(true);
    const ids = await storedIds(embedder.name);
    expect(ids.some((id) => id.startsWith('certificat-urbanism#'))).toBe(false);
    expect(ids).toHaveLength(7);
  });

  it('rebuilds the collection when the embedder changes, never mixing vectors', async () => {
    const smaller = countingEmbedder(createOfflineEmbedder({ dimension: 256 }));
    const result = await ingest(smaller);

    expect(smaller.name).not.toBe(createOfflineEmbedder().name);
    expect(result.counts).toMatchObject({ added: 7, updated: 0, unchanged: 0, deleted: 0 });
    expect(smaller.embedded).toBe(7);
    expect(logger.lines.some((line) => line.level === 'warn' && line.message === 'rebuilding the vector collection')).toBe(true);
    const again = await ingest(countingEmbedder(createOfflineEmbedder({ dimension: 256 })));
    expect(again.counts).toMatchObject({ added: 0, unchanged: 7 });
  });

  it('rebuilds everything on request', async () => {
    const embedder = countingEmbedder(createOfflineEmbedder({ dimension: 256 }));
    const result = await ingest(embedder, { rebuild: true });
    expect(result.counts).toMatchObject({ added: 7, unchanged: 0 });
    expect(embedder.embedded).toBe(7);
  });

  it('keeps a second town hall on the same Chroma server in its own collection (CHROMA_COLLECTION)', async () => {
    const otherTownHall = copyKnowledge(path.join(knowledgeFixtures, 'small-knowledge'));
    try {
      const config = loadConfig({ DATA_DIR: chroma.dataDirectory, KNOWLEDGE_DIR: otherTownHall, LOG_LEVEL: 'silent', CHROMA_URL: chroma.url, CHROMA_COLLECTION: 'comuna-vecina' });
      const first = await runIngest({ config, logger, embedder: countingEmbedder() });
      expect(first.counts).toMatchObject({ added: 14, deleted: 0 });
      // This file's own collection, with one procedure deleted above, is left as it was.
      const ours = await ingest(countingEmbedder(createOfflineEmbedder({ dimension: 256 })));
      expect(ours.counts).toMatchObject({ added: 0, unchanged: 7, deleted: 0 });
      const again = await runIngest({ config, logger, embedder: countingEmbedder() });
      expect(again.counts).toMatchObject({ added: 0, unchanged: 14, deleted: 0 });
    } finally {
      fs.rmSync(otherTownHall, { recursive: true, force: true });
    }
  });

  it('never loads Chroma’s default embedding package', () => {
    expect(knownEmbeddingFunctions.has('default-embed')).toBe(false);
    expect(warnings.mock.calls.flat().join(' ')).not.toMatch(/DefaultEmbeddingFunction|default-embed/);
  });
});
