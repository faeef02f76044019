import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkProcedure } from '../../src/knowledge/chunking.ts';
import { boundedEditDistance } from '../../src/knowledge/edit-distance.ts';
import { loadKnowledge } from '../../src/knowledge/knowledge-loader.ts';
import { createOfflineEmbedder, offlineEmbeddingName } from '../../src/knowledge/offline-embedding.ts';
import { analyze } from '../../src/knowledge/text-analysis.ts';
import { knowledgeFixtures } from '../helpers/chroma.ts';

const cosine = (left: number[], right: number[]) => left.reduce((sum, value, index) => sum + value * right[index]!, 0);

describe('chunking', () => {
  it('cuts a procedure into its sections plus a summary per language, with stable ids and hashes', async () => {
    const { procedures } = await loadKnowledge(path.join(knowledgeFixtures, 'small-knowledge'));
    const permit = procedures.find((procedure) => procedure.slug === 'autorizatie-construire')!;
    const chunks = chunkProcedure(permit);

    expect(chunks.map((chunk) => chunk.id)).toEqual([
      'autorizatie-construire#summary-ro',
      'autorizatie-construire#summary-hu',
      'autorizatie-construire#summary-en',
      'autorizatie-construire#ce-este',
      'autorizatie-construire#acte-necesare',
      'autorizatie-construire#magyarul',
      'autorizatie-construire#in-english',
    ]);
    expect(chunks.find((chunk) => chunk.id.endsWith('#magyarul'))?.language).toBe('hu');
    expect(chunks.find((chunk) => chunk.id.endsWith('#summary-en'))?.text).toContain('D.T.A.C. technical documentation');
    expect(chunks.every((chunk) => /^[0-9a-f]{64}$/.test(chunk.hash))).toBe(true);
    expect(chunkProcedure(permit).map((chunk) => chunk.hash)).toEqual(chunks.map((chunk) => chunk.hash));
    const changed = chunkProcedure({ ...permit, body: permit.body.replace('înainte de a construi', 'înainte să construiți') });
    expect(changed.filter((chunk, index) => chunk.hash !== chunks[index]!.hash).map((chunk) => chunk.id)).toEqual(['autorizatie-construire#ce-este']);
  });
});

describe('the offline embedding', () => {
  const embedder = createOfflineEmbedder();

  it('is deterministic, normalised and named', async () => {
    const [first] = await embedder.embed(['autorizație de construire']);
    const [second] = await embedder.embed(['autorizație de construire']);
    expect(embedder.name).toBe(offlineEmbeddingName);
    expect(first).toHaveLength(embedder.dimension);
    expect(first).toEqual(second);
    expect(cosine(first!, first!)).toBeCloseTo(1, 6);
  });

  it('treats text without diacritics, with typos and inflections as close to the original', async () => {
    const [original, folded, misspelled, unrelated] = await embedder.embedInLanguage(
      ['certificatul de urbanism pentru teren', 'certificatu de urbanism pt teren', 'certifcat urbanism teren', 'căsătorie la starea civilă'],
      'ro',
    );
    expect(cosine(original!, folded!)).toBeGreaterThan(0.6);
    expect(cosine(original!, misspelled!)).toBeGreaterThan(0.4);
    expect(cosine(original!, unrelated!)).toBeLessThan(0.2);
  });

  it('matches Hungarian inflected forms', async () => {
    const [question, document, unrelated] = await embedder.embedInLanguage(['építési engedélyhez'], 'hu').then(async (first) => [
      ...first,
      ...(await embedder.embedInLanguage(['építési engedély', 'házasságkötés'], 'hu')),
    ]);
    expect(cosine(question!, document!)).toBeGreaterThan(0.5);
    expect(cosine(question!, unrelated!)).toBeLessThan(0.2);
  });
});

describe('Hungarian verbs whose prefix stands apart', () => {
  const tokens = (text: string) => analyze(text, 'hu').map(({ token }) => token);

  it('are also read whole: after the verb, and before a modal and its infinitive', () => {
    expect(tokens('a nagyapám halt meg')).toEqual(['nagyapam', 'halt', 'meghalt']);
    expect(tokens('hol jelentsem be')).toEqual(['jelentsem', 'bejelentsem']);
    expect(tokens('le kell cserélni a tetőt')).toEqual(['lecserelni', 'cserelni', 'tetot']);
  });

  it('keep the words as written, and leave Romanian and English alone', () => {
    expect(tokens('a kocsit meg a házat')).toEqual(['kocsit', 'megkocsit', 'hazat']);
    expect(analyze('vreau să le dau la schimb', 'ro').map(({ token }) => token)).toEqual(['dau', 'schimb']);
  });
});

describe('edit distance', () => {
  it('counts a swap of neighbours as one typo and gives up past the limit', () => {
    expect(boundedEditDistance('certifcat', 'certificat', 2)).toBe(1);
    expect(boundedEditDistance('impozit', 'imopzit', 1)).toBe(1);
    expect(boundedEditDistance('pasaport', 'permis', 2)).toBe(3);
  });
});
