import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkProcedures } from '../../src/knowledge/chunking.ts';
import { loadKnowledge } from '../../src/knowledge/knowledge-loader.ts';
import { createOfflineEmbedder } from '../../src/knowledge/offline-embedding.ts';
import { Retriever } from '../../src/knowledge/retrieval.ts';

// An abbreviation written in capitals in a keyword ("APIA papír") is matched only as itself, also after the
// town hall's own name is taken out of the procedures' and life events' keywords: "apám" (my father) beside
// "papírjaival" (his papers) is no paper for APIA.

const root = path.resolve(import.meta.dirname, '../..');

describe('abbreviations in keywords', () => {
  it('stay abbreviations in life events: "apam papirjai" is not the APIA paper', async () => {
    const loaded = await loadKnowledge(path.join(root, 'knowledge'));
    const retriever = new Retriever({
      procedures: loaded.procedures,
      chunks: chunkProcedures(loaded.procedures),
      redirects: loaded.outOfScope,
      lifeEvents: loaded.lifeEvents,
      abroadWords: loaded.abroadWords,
      refusals: loaded.refusals,
      embedder: createOfflineEmbedder(),
      settings: { mode: 'lexical' },
      ...(loaded.townHall ? { townHall: loaded.townHall } : {}),
    });
    const father = await retriever.retrieve('apam papirjai kellenek', 'hu');
    expect(father.candidates[0]?.procedure.slug).not.toBe('adeverinta-registru-agricol');
    const paper = await retriever.retrieve('kellene egy APIA papir a foldrol', 'hu');
    expect(paper.candidates[0]?.procedure.slug).toBe('adeverinta-registru-agricol');
  });
});
