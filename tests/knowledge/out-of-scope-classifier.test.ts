import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleQuestionsFile, parseExampleQuestions, type ExampleQuestion } from '../../src/knowledge/example-questions.ts';
import { languageBalance, OutOfScopeClassifier } from '../../src/knowledge/out-of-scope-classifier.ts';
import { defaultRetrievalSettings } from '../../src/knowledge/retrieval.ts';
import { realKnowledgeDirectory } from '../helpers/chroma.ts';

const { examples } = parseExampleQuestions(fs.readFileSync(path.join(realKnowledgeDirectory, exampleQuestionsFile), 'utf8'));

describe('the out-of-scope likelihood learnt from the example questions', () => {
  const classifier = new OutOfScopeClassifier(examples);

  it('is high for messages about someone else\'s business that mention the town hall\'s words in passing, low for town-hall business', () => {
    // None of these is an example question.
    const unlikely = ['Mi-a furat cineva bicicleta din curte in Balauseri, cine ma ajuta?', 'Ce vreme o sa fie duminica la nunta in Chendu?', 'Cand imi vine subventia de la APIA pentru vaci? La registrul agricol am declarat tot.'];
    const likely = ['Buna ziua, cat costa certificatul de urbanism pentru o casa?', 'Fiul meu s-a nascut in Germania, cum ii fac certificat romanesc?'];
    // Refused even beside a word that names a procedure ("registrul agricol"); answered even when nothing names one.
    for (const message of unlikely) expect(classifier.likelihood(message), message).toBeGreaterThan(defaultRetrievalSettings.namedOutOfScopeLikelihood);
    for (const message of likely) expect(classifier.likelihood(message), message).toBeLessThan(defaultRetrievalSettings.outOfScopeLikelihood);
  });

  it('gives the same likelihoods every time it learns from the same examples', () => {
    const again = new OutOfScopeClassifier(examples);
    for (const message of ['Ce vreme o sa fie duminica?', 'kell az adóigazolás a közjegyzőhöz?']) expect(again.likelihood(message)).toBe(classifier.likelihood(message));
  });

  it('refuses nothing while a town hall has too few examples of either kind to learn from', () => {
    const jokes: ExampleQuestion[] = Array.from({ length: 150 }, (_unused, index) => ({ question: `spune-mi gluma numarul ${index}`, language: 'ro', expected: [] }));
    const fewAnswered: ExampleQuestion[] = Array.from({ length: 20 }, (_unused, index) => ({ question: `certificat de urbanism ${index}`, language: 'ro', expected: ['certificat-urbanism'] }));
    const learnt = new OutOfScopeClassifier([...jokes, ...fewAnswered]);
    expect(learnt.likelihood('spune-mi o gluma')).toBe(0);
    expect(learnt.likelihood('cat costa certificatul de urbanism?')).toBe(0);
  });

  it('does not learn that a language leans out of scope: the out-of-scope examples of a language with more of them count less', () => {
    const example = (language: ExampleQuestion['language'], outOfScope: boolean): ExampleQuestion => ({ question: 'x', language, expected: outOfScope ? [] : ['petitie'] });
    // Overall 30 out of scope against 60 in scope (1 : 2); English 20 against 20 (1 : 1), Romanian 10 against 40 (1 : 4).
    const made = [...Array.from({ length: 20 }, () => example('en', true)), ...Array.from({ length: 20 }, () => example('en', false)), ...Array.from({ length: 10 }, () => example('ro', true)), ...Array.from({ length: 40 }, () => example('ro', false))];
    const weights = languageBalance(made);
    expect(new Set(weights.slice(0, 20))).toEqual(new Set([0.5]));
    // In-scope examples, and the out-of-scope ones of a language with fewer of them, keep their full weight.
    expect(new Set(weights.slice(20))).toEqual(new Set([1]));
  });
});
