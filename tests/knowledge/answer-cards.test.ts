import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { languages } from '../../src/language.ts';
import { cardCharacterLimit, renderClarification, renderOutOfScope, renderProcedureCard } from '../../src/knowledge/answer-cards.ts';
import type { LoadedKnowledge } from '../../src/knowledge/knowledge-loader.ts';
import { loadKnowledge } from '../../src/knowledge/knowledge-loader.ts';
import { knowledgeFixtures, realKnowledgeDirectory } from '../helpers/chroma.ts';

/** Amounts of money as a card could state them: "50 lei", "1.200 RON", "lei 30". */
const amountPattern = /\d[\d.,\s]*\s*(?:lei|ron)\b|\b(?:lei|ron)\s*\d/i;

describe('answer cards without a language model', () => {
  let real: LoadedKnowledge;
  let fixture: LoadedKnowledge;

  beforeAll(async () => {
    real = await loadKnowledge(realKnowledgeDirectory);
    fixture = await loadKnowledge(path.join(knowledgeFixtures, 'small-knowledge'));
  });

  it('a building-permit card lists the documents, where, deadline, fee and the source, in each language', () => {
    const permit = real.procedures.find((procedure) => procedure.slug === 'autorizatie-construire')!;
    const sourceLabels = { ro: 'Sursa', hu: 'Forrás', en: 'Source' } as const;
    for (const language of languages) {
      const card = renderProcedureCard(permit, language);
      expect(card.startsWith(permit.title[language])).toBe(true);
      expect(card).toContain(`${sourceLabels[language]}: ${permit.title[language]}`);
      // The slug is for links and evaluations, never for the citizen's eyes.
      expect(card).not.toContain('autorizatie-construire');
      expect(card).not.toMatch(/\p{L}…/u);
      expect(card.match(/^• /gm)?.length).toBeGreaterThanOrEqual(Math.min(4, permit.documents.length));
      expect(card).toContain(permit.documents[1]![language].slice(0, 20));
      expect(card).toContain(permit.deadline.text[language].slice(0, 30));
      expect(card.length).toBeLessThanOrEqual(cardCharacterLimit);
    }
  });

  it('every card of the real knowledge base fits on a phone and states no amount its source does not', () => {
    for (const procedure of real.procedures) {
      for (const language of languages) {
        const card = renderProcedureCard(procedure, language);
        expect(card.length, `${procedure.slug} ${language}`).toBeLessThanOrEqual(cardCharacterLimit);
        const sourceText = JSON.stringify(procedure);
        const amount = amountPattern.exec(card);
        if (amount) expect(sourceText, `${procedure.slug} ${language}: ${amount[0]}`).toContain(amount[0].trim());
        // Never a word or sentence cut with "…", never a line ending on the word that joined two clauses.
        expect(card, `${procedure.slug} ${language}`).not.toMatch(/\p{L}…/u);
        expect(card, `${procedure.slug} ${language}`).not.toMatch(/ (și|sau|és|vagy|and|or)$/m);
        expect(card).not.toContain(`(${procedure.slug})`);
        // An abbreviation's full stop ("în limitele art.") is not the end of a sentence.
        expect(card, `${procedure.slug} ${language}`).not.toMatch(/\b(art|nr|alin)\.( \(|$)/m);
      }
    }
    // Nor is a Hungarian ordinal's: the local taxes' fee line was cut to "…462., 467., 472. (a hivatalban megerősítendő)".
    const localTaxes = real.procedures.find((procedure) => procedure.slug === 'plata-impozite-locale')!;
    expect(renderProcedureCard(localTaxes, 'hu')).toContain('472. cikk)');
  });

  it('a cut field never ends on the first words of a new sentence or of a clause after a semicolon', () => {
    // "Taxă: De regulă certificatul se eliberează fără taxă. O eventuală taxă" and "…nașterii; pentru indemnizație" were.
    const confirmMark = /\s*\((de confirmat la ghișeu|a hivatalban megerősítendő|to be confirmed at the counter)\)$/u;
    for (const procedure of real.procedures) {
      for (const language of languages) {
        for (const compact of [false, true]) {
          for (const line of renderProcedureCard(procedure, language, { compact }).split('\n')) {
            const field = /^[^:•]{2,30}: (.+)$/u.exec(line.replace(confirmMark, ''))?.[1];
            if (field === undefined || /[.!?]$/u.test(field)) continue;
            const lastPart = field.split(/(?<=[.!?]) (?=\p{Lu})|(?<=;) /u).at(-1)!;
            if (lastPart === field) continue;
            expect(lastPart.split(/\s+/u).length, `${procedure.slug} ${language}${compact ? ' compact' : ''}: ${line}`).toBeGreaterThanOrEqual(4);
          }
        }
      }
    }
  });

  it('says a fact the procedure still has to confirm is to be confirmed at the counter', () => {
    const procedure = { ...real.procedures.find((candidate) => candidate.slug === 'certificat-urbanism')!, toConfirm: ['Cuantumul taxei stabilit prin HCL pentru anul în curs.'] };
    expect(renderProcedureCard(procedure, 'ro')).toMatch(/^Taxă: .*\(de confirmat la ghișeu\)$/m);
    expect(renderProcedureCard(procedure, 'hu')).toMatch(/^Illeték: .*\(a hivatalban megerősítendő\)$/m);
    const confirmed = { ...procedure, toConfirm: [] };
    expect(renderProcedureCard(confirmed, 'ro')).not.toContain('de confirmat');
  });

  it('shows the online link when there is one', () => {
    const permit = fixture.procedures.find((procedure) => procedure.slug === 'autorizatie-construire')!;
    expect(renderProcedureCard(permit, 'en')).toContain('Online: https://www.ghiseul.ro');
    const certificate = fixture.procedures.find((procedure) => procedure.slug === 'certificat-urbanism')!;
    expect(renderProcedureCard(certificate, 'ro')).not.toContain('Online:');
  });

  it('asks which of two close procedures is meant, naming both', () => {
    const candidates = fixture.procedures.map((procedure) => ({ procedure }));
    expect(renderClarification(candidates, 'en')).toBe('Do you mean “Building permit” or “Urbanism certificate”?');
    expect(renderClarification(candidates, 'ro')).toContain('„Autorizație de construire” sau la „Certificat de urbanism”');
    expect(renderClarification(candidates, 'hu')).toContain('„Építési engedély” vagy „Településrendezési bizonyítvány”');
  });

  it('redirects to the right authority, says what the town hall does and how to reach it', () => {
    const passport = real.outOfScope.find((redirect) => redirect.id === 'passport')!;
    for (const language of languages) {
      const text = renderOutOfScope(passport, real.townHall!, language);
      expect(text).toContain(passport.authority[language].replace(/\.$/, ''));
      expect(text).toContain('balauseri@cjmures.ro');
      expect(text).not.toMatch(/\[de completat\]/);
      expect(text.length).toBeLessThanOrEqual(cardCharacterLimit);
    }
  });

  it('never shows a citizen an internal slug or a doubled full stop in any redirect', () => {
    const slugs = new RegExp(`\\b(?:${real.procedures.map((procedure) => procedure.slug).join('|')})\\b`);
    for (const redirect of real.outOfScope) {
      for (const language of languages) {
        const text = renderOutOfScope(redirect, real.townHall!, language);
        expect(text, `${redirect.id} ${language}`).not.toMatch(slugs);
        expect(text, `${redirect.id} ${language}`).not.toMatch(/\.\./);
      }
    }
  });

  it('politely refuses what nobody listed, with the town hall contact', () => {
    expect(renderOutOfScope(undefined, fixture.townHall!, 'ro')).toBe(
      [
        'Îmi pare rău, vă pot ajuta doar cu procedurile de la Primăria Test.',
        'Vă pot ajuta cu: urbanism, taxe și impozite locale, registrul agricol, stare civilă, asistență socială, petiții și sesizări.',
        'Contact Primăria Test: tel. 0265 000 000, e-mail test@example.org, program L–J 08:00–16:00; V 08:00–14:00, Testeni',
      ].join('\n'),
    );
    expect(renderOutOfScope(undefined, fixture.townHall!, 'en')).toMatch(/^Sorry, I can only help with the procedures of Test Town Hall\./);
    expect(renderOutOfScope(undefined, fixture.townHall!, 'hu')).toMatch(/^Sajnálom/);
  });
});
