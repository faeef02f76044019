import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { languages, type Language } from '../../src/language.ts';
import { chunkProcedures, chunkRedirects, type KnowledgeChunk } from '../../src/knowledge/chunking.ts';
import { analyzeKeyword, KeywordMatcher, KeywordVocabulary, wordMatches, type KeywordMatch, type QueryWord } from '../../src/knowledge/keyword-matcher.ts';
import { loadKnowledge, type LoadedKnowledge } from '../../src/knowledge/knowledge-loader.ts';
import { LexicalIndex, type QueryTerm } from '../../src/knowledge/lexical-index.ts';
import { analyze, stem } from '../../src/knowledge/text-analysis.ts';
import { repositoryRoot } from '../faults/server-process.ts';

// The lexical index and the keyword matcher answer from precomputed postings and lookups so that
// their cost follows the question, not the size of the knowledge base. These tests hold them to the
// plain definitions, computed here by scanning everything: same scores, same matches.

/**
 * An even sample of the example questions, every kind and language among them: the comparison checks an
 * algorithm against its definition, and a full scan per question costs seconds of CPU that grew with each
 * batch of examples (a minute for all 3 000 on a two-core machine).
 */
const sampledQuestions = 800;

const exampleQuestions = fs
  .readFileSync(path.join(repositoryRoot, 'knowledge/example-questions.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as { question: string; language: string })
  .filter((entry): entry is { question: string; language: Language } => (languages as readonly string[]).includes(entry.language));
const sampleStep = Math.max(1, Math.floor(exampleQuestions.length / sampledQuestions));
const evaluationQuestions = exampleQuestions.filter((_, index) => index % sampleStep === 0);

/**
 * The reference definitions scan everything for each of the evaluation's questions (and their misspelled
 * twins): seconds of CPU that grow with the evaluation set, and more on a loaded machine.
 */
const fullScanTimeoutMs = 120_000;

/** Typed in a hurry: a swapped pair of letters and a dropped one in every longer word. */
function misspell(question: string): string {
  return question.replace(/\p{L}{6,}/gu, (word) => `${word[0]}${word[2]}${word[1]}${word.slice(3, -2)}${word.slice(-1)}`);
}

const questions = [...evaluationQuestions, ...evaluationQuestions.map(({ question, language }) => ({ question: misspell(question), language }))];

/** BM25 straight from its definition, over every chunk. */
function bm25ByScan(chunks: readonly KnowledgeChunk[]): (queryTerms: readonly QueryTerm[]) => Map<string, number> {
  const documents = chunks.map((chunk) => {
    const weights = new Map<string, number>();
    let length = 0;
    for (const field of chunk.fields) {
      for (const { stem: term } of analyze(field.text, chunk.language)) {
        weights.set(term, (weights.get(term) ?? 0) + field.weight);
        length += 1;
      }
    }
    return { chunk, weights, length };
  });
  const averageLength = documents.reduce((sum, document) => sum + document.length, 0) / documents.length;
  const idf = (term: string) => {
    const frequency = documents.filter((document) => document.weights.has(term)).length;
    return Math.log(1 + (documents.length - frequency + 0.5) / (frequency + 0.5));
  };
  return (queryTerms) => {
    const scores = new Map<string, number>();
    for (const document of documents) {
      let score = 0;
      for (const queryTerm of queryTerms) {
        let best = 0;
        for (const [term, trust] of queryTerm.readings) {
          const weight = document.weights.get(term);
          if (weight === undefined) continue;
          const normalised = (weight * 2.2) / (weight + 1.2 * (1 - 0.6 + (0.6 * document.length) / averageLength));
          best = Math.max(best, trust * idf(term) * normalised);
        }
        score += best;
      }
      if (score > 0) scores.set(document.chunk.id, score);
    }
    return scores;
  };
}

const analyzedKeywords = new Map<string, ReturnType<typeof analyzeKeyword>>();
function analyzedKeyword(keyword: string, language: Language): ReturnType<typeof analyzeKeyword> {
  const key = `${language}:${keyword}`;
  if (!analyzedKeywords.has(key)) analyzedKeywords.set(key, analyzeKeyword(keyword, language));
  return analyzedKeywords.get(key)!;
}

/** Every keyword whose every word a question word stands for; the longest per owner. */
function keywordsByScan(owners: readonly { id: string; keywords: Record<Language, string[]> }[], question: string, language: Language, isKnownWord: (token: string) => boolean): KeywordMatch[] {
  const queryWords: QueryWord[] = analyze(question, language).map(({ token }) => ({
    token,
    stems: { ro: stem(token, 'ro'), hu: stem(token, 'hu'), en: stem(token, 'en') },
    known: isKnownWord(token),
    language,
  }));
  const best = new Map<string, KeywordMatch>();
  for (const owner of owners) {
    for (const keywordLanguage of languages) {
      for (const keyword of owner.keywords[keywordLanguage]) {
        const words = analyzedKeyword(keyword, keywordLanguage);
        if (words.length === 0 || !words.every((word) => queryWords.some((queryWord) => wordMatches(word, keywordLanguage, queryWord)))) continue;
        const current = best.get(owner.id);
        if (!current || words.length > current.size) best.set(owner.id, { owner: owner.id, keyword, size: words.length });
      }
    }
  }
  return [...best.values()].sort((left, right) => right.size - left.size);
}

describe('lexical scoring on the real knowledge base, against a full scan', () => {
  let knowledge: LoadedKnowledge;
  let chunks: KnowledgeChunk[];
  let index: LexicalIndex;

  beforeAll(async () => {
    knowledge = await loadKnowledge(path.join(repositoryRoot, 'knowledge'));
    chunks = [...chunkProcedures(knowledge.procedures), ...chunkRedirects(knowledge.outOfScope)];
    index = new LexicalIndex(chunks);
  });

  it(`scores every chunk as BM25 defines it, for ${questions.length} questions (half of them misspelled)`, () => {
    let compared = 0;
    // Gathered and asserted once: an expect per chunk score made this test slow under load, not stricter.
    const differences: string[] = [];
    const scan = bm25ByScan(chunks);
    for (const { question, language } of questions) {
      const queryTerms = index.queryTerms(question, language);
      const expected = scan(queryTerms);
      const actual = new Map(index.scoreChunks(queryTerms).map(({ chunk, score }) => [chunk.id, score]));
      const actualIds = [...actual.keys()].sort().join(' ');
      const expectedIds = [...expected.keys()].sort().join(' ');
      if (actualIds !== expectedIds) differences.push(`${question}: chunks ${actualIds} ≠ ${expectedIds}`);
      // toBeCloseTo(score, 9): closer than half of 10⁻⁹.
      for (const [id, score] of expected) {
        const got = actual.get(id);
        if (got === undefined || Math.abs(got - score) >= 5e-10) differences.push(`${question} / ${id}: ${String(got)} ≠ ${score}`);
      }
      compared += expected.size;
    }
    expect(differences).toEqual([]);
    // The comparison is not vacuous: most questions share words with many chunks.
    expect(compared).toBeGreaterThan(questions.length * 20);
  }, fullScanTimeoutMs);

  it('scores the same question the same way twice (the scratch space is left clean)', () => {
    const queryTerms = index.queryTerms('ce acte imi trebuie pentru autorizatie de construire', 'ro');
    const first = index.scoreChunks(queryTerms);
    index.scoreChunks(index.queryTerms('Mit kell vinni az építési engedélyhez?', 'hu'));
    expect(index.scoreChunks(queryTerms)).toEqual(first);
  });

  it('finds the same keywords of procedures and of other authorities as a full scan', () => {
    const isKnownWord = (token: string) => index.hasWord(token);
    const owners = [
      knowledge.procedures.map((procedure) => ({ id: procedure.slug, keywords: procedure.keywords })),
      knowledge.outOfScope.map((redirect) => ({ id: redirect.id, keywords: redirect.keywords })),
    ];
    let matched = 0;
    for (const ownerList of owners) {
      const matcher = new KeywordMatcher(ownerList, { vocabulary: new KeywordVocabulary(isKnownWord) });
      for (const { question, language } of questions) {
        const expected = keywordsByScan(ownerList, question, language, isKnownWord);
        expect(matcher.match(question, language), question).toEqual(expected);
        matched += expected.length;
      }
    }
    expect(matched).toBeGreaterThan(questions.length / 2);
  }, fullScanTimeoutMs);
});
