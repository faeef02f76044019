import { describe, expect, it } from 'vitest';
import { KeywordMatcher } from '../../src/knowledge/keyword-matcher.ts';

const none = { ro: [], hu: [], en: [] };
const matcher = new KeywordMatcher([
  { id: 'vehicle', keywords: { ...none, hu: ['autó'] } },
  { id: 'land', keywords: { ...none, hu: ['föld'] } },
  { id: 'permit', keywords: { ...none, ro: ['autorizatie'] } },
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
