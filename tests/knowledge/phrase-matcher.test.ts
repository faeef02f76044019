import { describe, expect, it } from 'vitest';
import { PhraseMatcher } from '../../src/knowledge/phrase-matcher.ts';

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
});
