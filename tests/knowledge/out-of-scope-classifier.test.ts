import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { chunkProcedures } from '../../src/knowledge/chunking.ts';
import { ExampleQuestionIndex, exampleQuestionsFile, parseExampleQuestions, type ExampleQuestion } from '../../src/knowledge/example-questions.ts';
import { loadKnowledge } from '../../src/knowledge/knowledge-loader.ts';
import { createOfflineEmbedder } from '../../src/knowledge/offline-embedding.ts';
import { languageBalance, OutOfScopeClassifier } from '../../src/knowledge/out-of-scope-classifier.ts';
import { defaultRetrievalSettings, Retriever } from '../../src/knowledge/retrieval.ts';
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

describe('the first question after a start or a reload', () => {
  it('learns the likelihood before the vector query leaves, so that the learning cannot make Chroma look timed out', async () => {
    const knowledge = await loadKnowledge(realKnowledgeDirectory);
    const index = new ExampleQuestionIndex(examples);
    const prepare = vi.spyOn(index, 'prepare');
    const vectorSearch = vi.fn(async () => []);
    const retriever = new Retriever({ procedures: knowledge.procedures, chunks: chunkProcedures(knowledge.procedures), redirects: knowledge.outOfScope, lifeEvents: knowledge.lifeEvents, refusals: knowledge.refusals, townHall: knowledge.townHall, examples: index, embedder: createOfflineEmbedder() });
    const retrieval = await retriever.retrieve('Cât costă certificatul de urbanism pentru o casă?', 'ro', vectorSearch);
    expect(retrieval.candidates[0]?.procedure.slug).toBe('certificat-urbanism');
    expect(vectorSearch).toHaveBeenCalledTimes(1);
    expect(prepare).toHaveBeenCalled();
    expect(prepare.mock.invocationCallOrder[0]).toBeLessThan(vectorSearch.mock.invocationCallOrder[0]!);
  });
});
