import { languages, type Language, type Localized } from '../language.ts';
import { boundedEditDistance } from './edit-distance.ts';
import { analyze, stem } from './text-analysis.ts';

// Finds which curated keyword phrases a question contains ("pasaport", "carte de identitate",
// "építési engedély"), word order free, tolerant of typos and of the stemmer of another language.
// Used to recognise what another authority handles, and to weigh procedures' own keywords.

export interface KeywordMatch {
  owner: string;
  /** The keyword as written by the content author. */
  keyword: string;
  /** Number of content words in the keyword: longer phrases are stronger evidence. */
  size: number;
}

interface KeywordEntry {
  owner: string;
  keyword: string;
  language: Language;
  words: { token: string; stem: string }[];
}

interface QueryWord {
  token: string;
  stems: Record<Language, string>;
  /** A real word of the knowledge base is taken as typed, never as a typo of another one. */
  known: boolean;
}

export class KeywordMatcher {
  private readonly entries: KeywordEntry[] = [];

  /** @param isKnownWord whether a folded word occurs in the knowledge base as written. */
  constructor(
    owners: readonly { id: string; keywords: Localized<string[]> }[],
    private readonly isKnownWord: (token: string) => boolean = () => false,
  ) {
    for (const owner of owners) {
      for (const language of languages) {
        for (const keyword of owner.keywords[language]) {
          const words = analyze(keyword, language);
          if (words.length > 0) this.entries.push({ owner: owner.id, keyword, language, words });
        }
      }
    }
  }

  /** Best (longest) matching keyword per owner, best first. */
  match(question: string, language: Language): KeywordMatch[] {
    const queryWords: QueryWord[] = analyze(question, language).map(({ token }) => ({
      token,
      stems: { ro: stem(token, 'ro'), hu: stem(token, 'hu'), en: stem(token, 'en') },
      known: this.isKnownWord(token),
    }));
    if (queryWords.length === 0) return [];
    const best = new Map<string, KeywordMatch>();
    for (const entry of this.entries) {
      if (!entry.words.every((word) => queryWords.some((queryWord) => wordMatches(word, entry.language, queryWord)))) continue;
      const current = best.get(entry.owner);
      if (!current || entry.words.length > current.size) best.set(entry.owner, { owner: entry.owner, keyword: entry.keyword, size: entry.words.length });
    }
    return [...best.values()].sort((left, right) => right.size - left.size);
  }
}

function wordMatches(word: { token: string; stem: string }, language: Language, queryWord: QueryWord): boolean {
  if (queryWord.token === word.token) return true;
  // Abbreviations ("CI", "CAS", "AC") are only themselves: "casa" is not "CAS".
  if (word.token.length <= 3) return false;
  // Compared through the keyword's own stemmer: another language's stemmer makes false friends.
  const queryStem = queryWord.stems[language];
  if (queryStem === word.stem || queryStem === word.token) return true;
  // Agglutinated and inflected forms the stemmer misses: "nyugdíjazáshoz", "pașaportul".
  if (word.token.length >= 5 && queryWord.token.startsWith(word.token)) return true;
  // Long words may carry one typo ("pasapot"), unless what was typed is itself a known word.
  if (queryWord.known || word.token.length < 6 || queryWord.token[0] !== word.token[0]) return false;
  return boundedEditDistance(queryWord.token, word.token, 1) <= 1;
}
