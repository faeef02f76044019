import { describe, expect, it } from 'vitest';
import { LifeEventMatcher } from '../../src/knowledge/life-event-matcher.ts';

const none = { ro: [], hu: [], en: [] };
const events = [
  { id: 'marriage', keywords: { ro: ['ne căsătorim', 'cununie civilă'], hu: ['házasságkötés'], en: ['wedding'] }, phrases: { ro: ['ne luăm', 'vrem să ne luăm'], hu: [], en: ['tie the knot'] } },
  { id: 'death', keywords: { ro: ['a murit'], hu: ['meghalt'], en: ['passed away'] }, phrases: { ro: ['nu mai e printre noi'], hu: ['nincs már velünk'], en: [] } },
  { id: 'animals', keywords: { ...none, ro: ['vaca'] } },
  { id: 'inheritance', keywords: { ...none, ro: ['casa pe numele lui'] } },
];
const matcher = new LifeEventMatcher(events);

describe('which life events a message tells of', () => {
  it('finds an event told only by small words, word for word, with or without diacritics', () => {
    expect(matcher.match('vrem sa ne luam in iulie, cum facem cu starea civila?', 'ro')).toEqual([{ owner: 'marriage', keyword: 'vrem sa ne luam', size: 2 }]);
    expect(matcher.match('Unchiul nu mai e printre noi de o lună.', 'ro')[0]?.owner).toBe('death');
    expect(matcher.match('Nagyapám nincs már velünk.', 'hu')[0]?.owner).toBe('death');
  });

  it('does not find a phrase whose words are scattered or out of order', () => {
    expect(matcher.match('ne-au zis să luăm actele', 'ro')).toEqual([]);
    expect(matcher.match('mai e cineva printre noi care nu știe?', 'ro')).toEqual([]);
  });

  it('keeps the strongest match per event, keywords and phrases together, strongest first', () => {
    const found = matcher.match('Ne luăm la toamnă, cununie civilă la primărie; și vaca a fătat.', 'ro');
    expect(found.map((match) => match.owner)).toEqual(['marriage', 'animals']);
    expect(found[0]?.size).toBe(2);
  });

  it('finds a keyword in any order; in a long message, within one sentence', () => {
    expect(matcher.match('Casa e tot pe numele lui, deși a murit.', 'ro').map((match) => match.owner)).toContain('inheritance');
    expect(matcher.match('Bună ziua, numele meu e Vasile și stau în Bălăușeri pe strada principală. Am lângă casă un loc liber unde aș face un garaj.', 'ro')).toEqual([]);
    expect(matcher.match('Numele lui. Casa.', 'ro').map((match) => match.owner)).toContain('inheritance');
  });
});
