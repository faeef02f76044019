import { describe, expect, it } from 'vitest';
import { KeywordMatcher } from '../../src/knowledge/keyword-matcher.ts';

const none = { ro: [], hu: [], en: [] };
const matcher = new KeywordMatcher([
  { id: 'vehicle', keywords: { ...none, hu: ['autó'] } },
  { id: 'land', keywords: { ...none, hu: ['föld'] } },
  { id: 'permit', keywords: { ...none, ro: ['autorizatie'] } },
  { id: 'house', keywords: { ...none, hu: ['új ház'] } },
  { id: 'tax', keywords: { ...none, hu: ['adó'] } },
  { id: 'income', keywords: { ...none, hu: ['mezőgazdasági jövedelem'] } },
  { id: 'request', keywords: { ...none, hu: ['kérelem'] } },
]);

describe('Hungarian compounds', () => {
  it('a compound is the word it ends in: "kisteherautó" is an "autó", "termőföldet" a "föld"', () => {
    expect(matcher.match('Vettem egy kisteherautót', 'hu').map((match) => match.owner)).toEqual(['vehicle']);
    expect(matcher.match('eladom a termofoldet', 'hu').map((match) => match.owner)).toEqual(['land']);
  });

  it('only after a real first part, and only for Hungarian keywords: "autorizație" is no "autó"', () => {
    expect(matcher.match('kell autorizatie de construire?', 'hu').map((match) => match.owner)).toEqual(['permit']);
    expect(matcher.match('am un semiautomat', 'ro')).toEqual([]);
  });
});

describe('short Hungarian words', () => {
  it('are inflected like any other: "az új házat" is an "új ház"', () => {
    expect(matcher.match('Telekkönyveztük az új házat', 'hu').map((match) => match.owner)).toEqual(['house']);
  });

  it('but not in a Romanian question, and a stem of two letters is taken only as written: "adja" is no "adó"', () => {
    expect(matcher.match('am o casa noua, hazat', 'ro')).toEqual([]);
    expect(matcher.match('ki adja ki az igazolást?', 'hu')).toEqual([]);
    expect(matcher.match('mennyi az adó?', 'hu').map((match) => match.owner)).toEqual(['tax']);
  });
});

describe('Hungarian words whose last vowel drops before an ending', () => {
  it('match their inflected forms, which the stemmer misses: "jövedelmünkről" is a "jövedelem", "kérelmünket" a "kérelem"', () => {
    expect(matcher.match('igazolás a mezogazdasagi jovedelmunkrol', 'hu').map((match) => match.owner)).toEqual(['income']);
    expect(matcher.match('beadtuk a kérelmünket', 'hu').map((match) => match.owner)).toEqual(['request']);
  });
});
