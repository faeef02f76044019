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

  it('agrees with the full alignment table on any pair of words, long ones too', () => {
    // The plain textbook table, without the shortcuts (kept rows, letter sets, early exit).
    const fullDistance = (left: string, right: string): number => {
      const table = Array.from({ length: left.length + 1 }, (_, row) => Array.from({ length: right.length + 1 }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)));
      for (let row = 1; row <= left.length; row += 1) {
        for (let column = 1; column <= right.length; column += 1) {
          const cost = left[row - 1] === right[column - 1] ? 0 : 1;
          table[row]![column] = Math.min(table[row - 1]![column]! + 1, table[row]![column - 1]! + 1, table[row - 1]![column - 1]! + cost);
          if (row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1]) table[row]![column] = Math.min(table[row]![column]!, table[row - 2]![column - 2]! + 1);
        }
      }
      return table[left.length]![right.length]!;
    };
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabet = 'aăbcdeéfgisșzó0';
    const word = (length: number) => Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const typo = (text: string) => {
      const at = Math.floor(random() * (text.length + 1));
      const kind = Math.floor(random() * 3);
      return kind === 0 ? text.slice(0, at) + word(1) + text.slice(at) : kind === 1 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + word(1) + text.slice(at + 1);
    };
    for (let round = 0; round < 600; round += 1) {
      const left = word(1 + Math.floor(random() * (round % 10 === 0 ? 60 : 12)));
      const right = random() < 0.5 ? typo(typo(left)) : word(1 + Math.floor(random() * 12));
      const limit = Math.floor(random() * 3);
      expect(boundedEditDistance(left, right, limit), `${left} / ${right}`).toBe(Math.min(fullDistance(left, right), limit + 1));
    }
  });
});
