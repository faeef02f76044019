import { describe, expect, it } from 'vitest';
import { removeUnknownCitations } from '../../src/llm/citations.ts';
import { extractFactClaims, parseAmount } from '../../src/llm/fact-claims.ts';
import { applyGuardrails } from '../../src/llm/guardrails.ts';
import { buildingPermit, retrieved, urbanismCertificate } from './procedure-fixtures.ts';

// Sources say: 15 days, 20 lei, Legea 50/1991 and 227/2015, art. 474 (urbanism); 30 days (permit).
const urbanism = retrieved(urbanismCertificate());
const permit = retrieved(buildingPermit());
const both = [urbanism, permit];

describe('fact claims are recognised however they are written', () => {
  it.each([
    ['Taxa este 50 lei.', 'money:ron:50'],
    ['Costă 50 de lei.', 'money:ron:50'],
    ['Plătiți 100 RON la ghișeu.', 'money:ron:100'],
    ['Taxa: RON 100', 'money:ron:100'],
    ['Costă 10,5 lei.', 'money:ron:10.5'],
    ['Costă 10,50 lei.', 'money:ron:10.5'],
    ['Amenda este de 1.000 lei.', 'money:ron:1000'],
    ['Az illeték 50 lej.', 'money:ron:50'],
    ['50 lejbe kerül.', 'money:ron:50'],
    ['It costs 5 euro.', 'money:eur:5'],
    ['Răspundem în 30 de zile.', 'duration:days:30'],
    ['Termenul este 10 zile lucrătoare.', 'duration:workdays:10'],
    ['30 napon belül válaszolnak.', 'duration:days:30'],
    ['15 munkanapon belül.', 'duration:workdays:15'],
    ['15 working days', 'duration:workdays:15'],
    ['Răspundem în treizeci de zile.', 'duration:days:30'],
    ['cincisprezece zile', 'duration:days:15'],
    ['harminc napon belül', 'duration:days:30'],
    ['within thirty days', 'duration:days:30'],
    ['două săptămâni', 'duration:days:14'],
    ['2 săptămâni', 'duration:days:14'],
    ['két hét alatt', 'duration:days:14'],
    ['Durează o lună.', 'duration:months:1'],
    ['valabil un an', 'duration:months:12'],
    ['Costă patruzeci și cinci de lei.', 'money:ron:45'],
    ['4500 Ft', 'money:huf:4500'],
    ['ötezer forint', 'money:huf:5000'],
    ['până la 31 martie', 'date:03-31'],
    ['március 31-ig', 'date:03-31'],
    ['by March 31', 'date:03-31'],
    ['15.03.2026', 'date:03-15'],
    ['Taxa este 10%.', 'percent:10'],
    ['zece la sută', 'percent:10'],
    ['luni–joi 8:00–16:00', 'time:16:00'],
    ['de la ora 8', 'time:8:00'],
    ['conform Legea nr. 123.', 'lawnumber:123'],
    ['Legii 123/2020', 'law:123/2020'],
    ['este gratuită', 'free'],
    ['fără taxă', 'free'],
    ['ingyenes', 'free'],
    ['free of charge', 'free'],
    ['Sunați la 0265 123 456.', 'phone:265123456'],
    ['+40 265 123 456', 'phone:265123456'],
    ['scrieți la info@primaria-x.ro', 'email:info@primaria-x.ro'],
    ['vezi https://www.ghiseul.ro/ghiseul/public.', 'url:ghiseul.ro/ghiseul/public'],
    ['pe ghiseul.ro', 'url:ghiseul.ro'],
    ['art. 1, 2, 7 și 11', 'article:7'],
    ['within 30 days', 'duration:days:30'],
    ['a 30-day deadline', 'duration:days:30'],
    ['Valabil 12 luni.', 'duration:months:12'],
    ['12 hónapig érvényes.', 'duration:months:12'],
    ['conform Legea 544/2001', 'law:544/2001'],
    ['conform Legii nr. 544 din 12 octombrie 2001', 'law:544/2001'],
    ['OG 27/2002 privind petițiile', 'law:27/2002'],
    ['HG 123/2000', 'law:123/2000'],
    ['az 544/2001. sz. törvény szerint', 'law:544/2001'],
    ['a 544/2001 törvény', 'law:544/2001'],
    ['Legea nr. 50', 'lawnumber:50'],
    ['art. 474 din Codul fiscal', 'article:474'],
    ['a Törvénykönyv 474. cikke szerint', 'article:474'],
  ])('%s → %s', (text, key) => {
    expect(extractFactClaims(text).map((claim) => claim.key)).toContain(key);
  });

  it.each([
    ['Vă mai pot ajuta cu o cerere nouă?', []],
    ['Aveți nevoie de cererea F.1, de o copie a actului și de D.T.A.C.', []],
    ['a napon belül', []],
    ['formularul F.1', []],
    ['Cererea se depune la registratură.', []],
  ])('finds nothing in "%s"', (text, keys) => {
    expect(extractFactClaims(text).map((claim) => claim.key)).toEqual(keys);
  });

  it('parses Romanian and English number formats', () => {
    expect(['1.500,50', '1,000', '10.5', '20', '0,5'].map(parseAmount)).toEqual(['1500.5', '1000', '10.5', '20', '0.5']);
  });
});

describe('applyGuardrails', () => {
  it.each([
    ['Romanian, grounded', 'ro', 'Certificatul se emite în 15 zile, taxa este de 20 de lei [certificat-urbanism].'],
    ['Hungarian, grounded in Romanian and Hungarian source text', 'hu', 'A bizonyítványt 15 napon belül adják ki, az illeték 20 lej [certificat-urbanism].'],
    ['English, grounded', 'en', 'It is issued within 15 days and costs 20 RON [certificat-urbanism].'],
    ['law cited with and without year', 'ro', 'Conform Legea nr. 50/1991 (Legea 50) și art. 474 [certificat-urbanism].'],
    ['Hungarian law form', 'hu', 'Az 50/1991. sz. törvény alapján kell kérni [certificat-urbanism].'],
    ['no facts at all', 'ro', 'Aveți nevoie de cererea F.1 și copia actului de identitate [certificat-urbanism].'],
    ['numbers in words', 'ro', 'Se emite în cel mult cincisprezece zile și costă douăzeci de lei [certificat-urbanism].'],
    ['each procedure its own deadline, each cited', 'ro', 'Certificatul se emite în 15 zile [certificat-urbanism], autorizația în 30 de zile [autorizatie-construire].'],
    ['a citation before the claim in the same sentence', 'ro', '[autorizatie-construire] Autorizația se emite în 30 de zile.'],
  ] as const)('accepts %s', (_case, language, answer) => {
    const result = applyGuardrails(answer, both, { language });
    expect(result.violations).toEqual([]);
    expect(result.accepted).toBe(true);
  });

  it.each([
    ['an invented fee (RO)', 'Certificatul costă 150 lei [certificat-urbanism].', 'money "150 lei"'],
    ['an invented fee with "de" (RO)', 'Taxa este de 50 de lei [certificat-urbanism].', 'money "50 de lei"'],
    ['an invented fee (HU)', 'Az illeték 150 lej [certificat-urbanism].', 'money "150 lej"'],
    ['an invented deadline (RO)', 'Răspunsul vine în 30 de zile [certificat-urbanism].', 'duration "30 de zile"'],
    ['an invented deadline (HU)', '45 napon belül válaszolnak [certificat-urbanism].', 'duration "45 napon"'],
    ['an invented deadline (EN)', 'You will get it within 60 days [certificat-urbanism].', 'duration "60 days"'],
    ['an invented law (RO)', 'Conform Legea 544/2001 aveți dreptul la informații [certificat-urbanism].', 'law "544/2001"'],
    ['an invented ordinance', 'Conform OG 27/2002 [certificat-urbanism].', 'law "27/2002"'],
    ['an invented HG', 'Conform HG 123/2000 [certificat-urbanism].', 'law "123/2000"'],
    ['an invented law (HU)', 'Az 544/2001 törvény szerint [certificat-urbanism].', 'law "544/2001"'],
    ['a fact from a source it does not cite', 'Certificatul se emite în 30 de zile [certificat-urbanism].', 'duration "30 de zile"'],
    ['someone else\'s request number', 'Cererea 45/2026 a doamnei Pop este în lucru [certificat-urbanism].', 'law "45/2026"'],
    ['the other procedure\'s deadline in a sentence citing nothing', 'Certificatul de urbanism se cere la registratură [certificat-urbanism]. Se emite în 30 de zile.', 'duration "30 de zile" is not in [certificat-urbanism]'],
    ['the other procedure\'s deadline citing both', 'Se emite în 30 de zile [certificat-urbanism, autorizatie-construire].', 'duration "30 de zile" is not in [certificat-urbanism]'],
    ['an answer citing nothing', 'Autorizația se emite în 15 zile, certificatul la fel.', 'the answer cites no source'],
  ])('rejects %s', (_case, answer, violation) => {
    const result = applyGuardrails(answer, both);
    expect(result.accepted).toBe(false);
    expect(result.violations.join('\n')).toContain(violation);
  });

  it('removes citations of sources that were not retrieved and keeps the known ones', () => {
    const result = applyGuardrails('Depuneți cererea F.1 [certificat-urbanism] [legea-fictiva]. Vezi și [1].', [urbanism]);
    expect(result.accepted).toBe(true);
    expect(result.text).toBe('Depuneți cererea F.1 [certificat-urbanism]. Vezi și.');
    expect(result.citedSlugs).toEqual(['certificat-urbanism']);
  });

  it('splits a citation list and keeps only the retrieved slugs', () => {
    const result = removeUnknownCitations('Vezi [certificat-urbanism, inventat, autorizatie-construire].', new Set(['certificat-urbanism', 'autorizatie-construire']));
    expect(result.text).toBe('Vezi [certificat-urbanism] [autorizatie-construire].');
    expect(result.removedSlugs).toEqual(['inventat']);
  });

  it('leaves brackets that are not citations alone', () => {
    const text = 'Completați [formularul de mai jos] sau [aici](https://ghiseul.ro).';
    expect(removeUnknownCitations(text, new Set()).text).toBe(text);
  });

  it('rejects an answer that is empty once made-up citations are removed', () => {
    expect(applyGuardrails(' [inventat] ', both)).toMatchObject({ accepted: false, violations: ['the answer is empty'] });
  });
});
