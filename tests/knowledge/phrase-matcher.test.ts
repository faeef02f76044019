import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { languages } from '../../src/language.ts';
import { loadKnowledge } from '../../src/knowledge/knowledge-loader.ts';
import { normalizePhrase, PhraseMatcher } from '../../src/knowledge/phrase-matcher.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('phrases matched word for word', () => {
  const phrases = new PhraseMatcher({ ro: ['zi-mi o sumă', 'fără explicații'], hu: ['csak igennel vagy nemmel'], en: ['just estimate'] });

  it('are found whatever the case, diacritics and punctuation between their words', () => {
    expect(phrases.match('Cât e taxa? ZI-MI O SUMA orice')).toEqual({ phrase: 'zi mi o suma', size: 4 });
    expect(phrases.matchAll('Fara explicatii, csak igennel vagy nemmel!')).toEqual(['fara explicatii', 'csak igennel vagy nemmel']);
    expect(phrases.match('zi-mi o sumară')).toBeUndefined();
  });

  it('are cut out of a text that keeps everything else as written: capitals, diacritics, emoji', () => {
    expect(phrases.remove('Cât e taxa APIA? Zi-mi o SUMĂ 😄 orice')).toBe('Cât e taxa APIA?  😄 orice');
    expect(phrases.remove('Kapok támogatást? Csak igennel vagy nemmel!')).toBe('Kapok támogatást? !');
    expect(phrases.remove('I know, but just estimate the building permit fee')).toBe('I know, but  the building permit fee');
    expect(phrases.remove('nimic de tăiat')).toBe('nimic de tăiat');
  });

  it('find what one pattern of all the phrases finds, on every example question and the real refusal lists', async () => {
    const { refusals } = await loadKnowledge(path.join(root, 'knowledge'));
    const examples = fs
      .readFileSync(path.join(root, 'knowledge/example-questions.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as { question: string }).question);
    let found = 0;
    for (const list of [refusals!.chitchatPhrases, refusals!.manipulationPhrases, refusals!.demandPhrases]) {
      const matcher = new PhraseMatcher(list);
      // The plain way: every phrase, longest first, tried at every word of the text.
      const normalized = [...new Set(languages.flatMap((language) => list[language].map(normalizePhrase)).filter((phrase) => phrase !== ''))].sort((left, right) => right.length - left.length);
      const pattern = new RegExp(`(?<=^| )(?:${normalized.map((phrase) => phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?= |$)`, 'gu');
      for (const question of examples) {
        const expected = [...normalizePhrase(question).matchAll(pattern)].map(([phrase]) => phrase);
        expect(matcher.matchAll(question), question).toEqual(expected);
        found += expected.length;
      }
    }
    expect(found).toBeGreaterThan(100);
  });
});
