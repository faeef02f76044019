import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeywordMatcher, KeywordVocabulary } from '../../src/knowledge/keyword-matcher.ts';
import { loadKnowledge } from '../../src/knowledge/knowledge-loader.ts';
import { PhraseMatcher } from '../../src/knowledge/phrase-matcher.ts';

// The words that refuse a message as chit-chat or as an attempt to steer the assistant must not occur in the
// questions citizens ask about real procedures: matched through another language's stemmer, "recept" (a
// recipe) was "recepție" (a building's acceptance), "foci" (football) "lemne de foc", "politika" "poliție".
// Checked against the in-scope questions of the tuning half, which may be read.

const root = path.resolve(import.meta.dirname, '../..');

describe('words that refuse a message', () => {
  it('occur in no in-scope question of the tuning half', async () => {
    const loaded = await loadKnowledge(path.join(root, 'knowledge'));
    const refusals = loaded.refusals!;
    const questions = fs
      .readFileSync(path.join(root, 'knowledge/example-questions.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { question: string; language: 'ro' | 'hu' | 'en'; expected: string[] })
      .filter((question) => question.expected.length > 0);
    const keywords = new KeywordMatcher(
      [
        { id: 'chitchat', keywords: refusals.chitchat },
        { id: 'manipulation', keywords: refusals.manipulation },
      ],
      { vocabulary: new KeywordVocabulary(() => true), typos: false },
    );
    const phrases = new PhraseMatcher({
      ro: [...refusals.chitchatPhrases.ro, ...refusals.manipulationPhrases.ro],
      hu: [...refusals.chitchatPhrases.hu, ...refusals.manipulationPhrases.hu],
      en: [...refusals.chitchatPhrases.en, ...refusals.manipulationPhrases.en],
    });
    const found = questions.flatMap((question) =>
      [...keywords.match(question.question, question.language).map((match) => match.keyword), ...phrases.matchAll(question.question)].map((word) => `${word} ← ${question.question}`),
    );
    expect(questions.length).toBeGreaterThan(1000);
    expect(found).toEqual([]);
  });
});
