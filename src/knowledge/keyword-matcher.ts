import { foldDiacritics, languages, perLanguage, type Language, type Localized } from '../language.ts';
import { RecentResults } from '../recent-results.ts';
import { boundedEditDistance } from './edit-distance.ts';
import { tellingsOf } from './question-parts.ts';
import { analyze, stem, tokenize } from './text-analysis.ts';

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
  /** Positions of its words in the vocabulary, one per word of the phrase. */
  wordPositions: number[];
}

/** One distinct word of the keywords, in the language of the keyword it belongs to. */
interface KeywordWord {
  token: string;
  stem: string;
  language: Language;
  /** Written in capitals in the keywords ("APIA", "ONRC"): an abbreviation, matched only as itself. */
  exact?: boolean;
}

export interface QueryWord {
  token: string;
  stems: Record<Language, string>;
  /** A real word of the knowledge base is taken as typed, never as a typo of another one. */
  known: boolean;
  /** The question's language: only a Hungarian question's words are read as Hungarian compounds. */
  language?: Language;
}

/**
 * The words of every keyword list of a knowledge base (procedures, other authorities, life events, chit-chat,
 * the town hall's topics), looked up together: one message is read by all of those lists, often sentence by
 * sentence, and reading a word (its stems, longer forms, compounds, typos) once serves them all.
 */
export class KeywordVocabulary {
  private readonly words: KeywordWord[] = [];
  /** Position in `words` by language and text. */
  private readonly positionsByWord = new Map<string, number>();
  /**
   * Lookups for every way a question word can match a keyword word (see `wordMatches`): by text
   * (same word, the question's stem written in full, a longer form), by stem, and for typos by first
   * letter and length. The candidates they give are then checked with `wordMatches` itself.
   */
  private readonly wordsByToken = new Map<string, number[]>();
  private readonly wordsByStem = new Map<string, number[]>();
  private readonly wordsByInitialAndLength = new Map<string, number[]>();
  /** Per reading (typos or not) and language, keyed by the word itself: a key built per word cost more than the lookup. */
  private readonly matchesByToken: Record<'typos' | 'exact', Record<Language, RecentResults<string, readonly number[]>>> = {
    typos: perLanguage(() => new RecentResults(rememberedTokens)),
    exact: perLanguage(() => new RecentResults(rememberedTokens)),
  };
  /** The last texts read, with the words each sentence matched: every list asks about the same message. */
  private readonly recentTexts = new RecentResults<string, readonly ReadonlySet<number>[]>(rememberedTexts);

  /** @param isKnownWord whether a folded word occurs in the knowledge base as written. */
  constructor(private readonly isKnownWord: (token: string) => boolean = () => false) {}

  position(word: { token: string; stem: string; exact?: boolean }, language: Language): number {
    const key = `${language}:${word.exact ? '=' : ''}${word.token}`;
    const known = this.positionsByWord.get(key);
    if (known !== undefined) return known;
    const position = this.words.length;
    this.words.push({ ...word, language });
    this.positionsByWord.set(key, position);
    const file = (index: Map<string, number[]>, key: string) => {
      const positions = index.get(key) ?? [];
      positions.push(position);
      index.set(key, positions);
    };
    file(this.wordsByToken, word.token);
    // Found by the prefixes of a question word, like the word itself: "jövedelmünkről" starts with "jövedelm".
    const elided = language === 'hu' && !word.exact ? elidedStem(word.token) : undefined;
    if (elided !== undefined) file(this.wordsByToken, elided);
    file(this.wordsByStem, `${language}:${word.stem}`);
    file(this.wordsByInitialAndLength, `${word.token[0]}:${word.token.length}`);
    // Words added after a message was read may match it: what was remembered is forgotten.
    for (const byLanguage of Object.values(this.matchesByToken)) for (const remembered of Object.values(byLanguage)) remembered.clear();
    this.recentTexts.clear();
    return position;
  }

  /** Per sentence (or for the whole text), the keyword words its words stand for. */
  matchedWords(sentences: readonly string[], language: Language, typos: boolean): readonly ReadonlySet<number>[] {
    return this.recentTexts.get(`${typos ? 't' : 'n'}${language}${sentences.join('\u0000')}`, () =>
      sentences.map((sentence) => {
        const words = new Set<number>();
        for (const { token } of analyze(sentence, language)) for (const position of this.wordsMatching(token, language, typos)) words.add(position);
        return words;
      }),
    );
  }

  /**
   * The keyword words a question word stands for. It depends on the word alone, and a retrieval asks about
   * the same words many times (the message, its sentences, its parts): remembered.
   */
  private wordsMatching(token: string, language: Language, typos: boolean): readonly number[] {
    return this.matchesByToken[typos ? 'typos' : 'exact'][language].get(token, () => this.wordsMatchingAnew(token, language, typos));
  }

  private wordsMatchingAnew(token: string, language: Language, typos: boolean): readonly number[] {
    const queryWord: QueryWord = {
      token,
      stems: { ro: stem(token, 'ro'), hu: stem(token, 'hu'), en: stem(token, 'en') },
      // A word that may not be read as a typo is treated as known: taken as typed.
      known: !typos || this.isKnownWord(token),
      language,
    };
    const matched = new Set<number>();
    for (const position of this.candidateWords(queryWord)) {
      const word = this.words[position]!;
      if (!matched.has(position) && wordMatches(word, word.language, queryWord)) matched.add(position);
    }
    return [...matched];
  }

  /** Every keyword word `queryWord` could match, and a few it does not. */
  private *candidateWords(queryWord: QueryWord): Generator<number> {
    const { token } = queryWord;
    yield* this.wordsByToken.get(token) ?? [];
    for (const language of languages) {
      yield* this.wordsByStem.get(`${language}:${queryWord.stems[language]}`) ?? [];
      yield* this.wordsByToken.get(queryWord.stems[language]) ?? [];
    }
    for (let length = longerFormMinimum; length < token.length; length += 1) yield* this.wordsByToken.get(token.slice(0, length)) ?? [];
    for (let start = compoundModifierMinimum; queryWord.language === 'hu' && start + compoundHeadMinimum <= token.length; start += 1) {
      for (let end = start + compoundHeadMinimum; end <= token.length; end += 1) yield* this.wordsByToken.get(token.slice(start, end)) ?? [];
    }
    if (queryWord.known) return;
    for (let length = token.length - 1; length <= token.length + 1; length += 1) yield* this.wordsByInitialAndLength.get(`${token[0]}:${length}`) ?? [];
  }
}

export interface KeywordMatcherOptions {
  /** Shared by the lists of one knowledge base; by default the matcher has its own. */
  vocabulary?: KeywordVocabulary;
  /** Whether a misspelled word may match: off for lists that refuse ("scorul" is not "socrul"). */
  typos?: boolean;
  /** In a long message, a keyword's words must come in one sentence (see `match`). */
  withinSentence?: boolean;
}

export class KeywordMatcher {
  private readonly entries: KeywordEntry[] = [];
  /** Per vocabulary position of one of this list's words, the entries holding it, ascending. */
  private readonly entriesByWord = new Map<number, number[]>();
  private readonly vocabulary: KeywordVocabulary;
  private readonly typos: boolean;
  private readonly withinSentence: boolean;
  private readonly recentMatches = new RecentResults<string, readonly KeywordMatch[]>(rememberedTexts);

  constructor(owners: readonly { id: string; keywords: Localized<string[]> }[], options: KeywordMatcherOptions = {}) {
    this.vocabulary = options.vocabulary ?? new KeywordVocabulary();
    this.typos = options.typos ?? true;
    this.withinSentence = options.withinSentence ?? false;
    for (const owner of owners) {
      for (const language of languages) {
        for (const keyword of owner.keywords[language]) {
          const words = analyzeKeyword(keyword, language);
          if (words.length > 0) this.addEntry(owner.id, keyword, language, words);
        }
      }
    }
  }

  private addEntry(owner: string, keyword: string, language: Language, words: { token: string; stem: string; exact?: boolean }[]): void {
    const position = this.entries.length;
    const wordPositions = words.map((word) => this.vocabulary.position(word, language));
    for (const wordPosition of new Set(wordPositions)) {
      const entries = this.entriesByWord.get(wordPosition) ?? [];
      entries.push(position);
      this.entriesByWord.set(wordPosition, entries);
    }
    this.entries.push({ owner, keyword, wordPositions });
  }

  /**
   * Best (longest) matching keyword per owner, best first. A keyword's words may come in any order; in a
   * long message, in one sentence and on one side of a "but / while": "numele meu e Vasile… Am lângă casă un
   * loc" does not say "casa pe numele lui", while "Meghalt apám. Otthon." still tells a death at home.
   */
  match(question: string, language: Language): readonly KeywordMatch[] {
    // A retrieval asks one list about the same text several times (the message, then per part and per step).
    return this.recentMatches.get(`${language}:${question}`, () => this.matchAnew(question, language));
  }

  private matchAnew(question: string, language: Language): readonly KeywordMatch[] {
    const sentences = this.withinSentence && tokenize(question).length > sentenceBoundWords ? tellingsOf(question, language) : [question];
    const matchedSentences = this.vocabulary.matchedWords(sentences, language, this.typos);
    // Only entries with a matched word can match; in their original order, so ties resolve as written.
    const candidates = new Set<number>();
    for (const matched of matchedSentences) for (const position of matched) for (const entry of this.entriesByWord.get(position) ?? []) candidates.add(entry);
    if (candidates.size === 0) return [];
    const best = new Map<string, KeywordMatch>();
    for (const position of [...candidates].sort((left, right) => left - right)) {
      const entry = this.entries[position]!;
      if (!matchedSentences.some((matched) => entry.wordPositions.every((wordPosition) => matched.has(wordPosition)))) continue;
      const current = best.get(entry.owner);
      if (!current || entry.wordPositions.length > current.size) best.set(entry.owner, { owner: entry.owner, keyword: entry.keyword, size: entry.wordPositions.length });
    }
    return [...best.values()].sort((left, right) => right.size - left.size);
  }
}

const longerFormMinimum = 5;
const compoundHeadMinimum = 4;
const compoundModifierMinimum = 3;
/** From this many words a message is long enough to tell unrelated things in different sentences. */
const sentenceBoundWords = 14;
/** Distinct question words remembered per vocabulary; a town hall's questions use far fewer. */
const rememberedTokens = 20_000;
/** Texts whose matched words are remembered: one message, its sentences and its parts. */
const rememberedTexts = 64;

/** A keyword's words; those written in capitals ("APIA", "ONRC") are abbreviations, matched only as themselves. */
export function analyzeKeyword(keyword: string, language: Language): { token: string; stem: string; exact?: boolean }[] {
  const capitals = new Set(
    keyword
      .split(/[^\p{L}\p{N}]+/u)
      .filter((word) => word.length >= 2 && /\p{L}/u.test(word) && word === word.toUpperCase())
      .map((word) => foldDiacritics(word)),
  );
  return analyze(keyword, language).map((word) => (capitals.has(word.token) ? { ...word, exact: true } : word));
}

/** Folded Hungarian nouns of this shape drop their last vowel before an ending ("jövedelem", "kérelem", "bizalom"). */
const elidingWord = /^(.{3,}[bcdfghjklmnprstvz])[aeo]([lmr])$/u;

/** The form a Hungarian word takes before a vowel ending when its last vowel drops ("jovedelem" → "jovedelm"), if it does. */
function elidedStem(token: string): string | undefined {
  const match = elidingWord.exec(token);
  return match ? `${match[1]}${match[2]}` : undefined;
}

/** Whether a question word stands for one word of a keyword; exported for the tests' full scan. */
export function wordMatches(word: { token: string; stem: string; exact?: boolean }, language: Language, queryWord: QueryWord): boolean {
  if (queryWord.token === word.token) return true;
  if (word.exact) return false;
  // A short Hungarian word is inflected like any other ("házat", "házunk" are a "ház"): same stem, in a
  // Hungarian question. A stem of two letters ("adó" → "ad") would take in "adja" (gives) too.
  if (language === 'hu' && queryWord.language === 'hu' && word.stem.length >= 3 && queryWord.stems.hu === word.stem) return true;
  // Abbreviations ("CI", "CAS", "AC") are only themselves: "casa" is not "CAS".
  if (word.token.length <= 3) return false;
  // Compared through the keyword's own stemmer: another language's stemmer makes false friends.
  const queryStem = queryWord.stems[language];
  if (queryStem === word.stem || queryStem === word.token) return true;
  // Agglutinated and inflected forms the stemmer misses: "nyugdíjazáshoz", "pașaportul".
  if (word.token.length >= longerFormMinimum && queryWord.token.startsWith(word.token)) return true;
  // A Hungarian word whose last vowel drops before an ending: "jövedelem" → "jövedelmünkről", "kérelem" → "kérelmet".
  if (language === 'hu' && queryWord.language === 'hu') {
    const elided = elidedStem(word.token);
    if (elided !== undefined && queryWord.token.startsWith(elided)) return true;
  }
  // A Hungarian compound holds the word it is after its first part, before its endings ("kisteherautóját" is an
  // "autó", "termőföldet" a "föld").
  if (language === 'hu' && queryWord.language === 'hu' && word.token.length >= compoundHeadMinimum && queryWord.token.indexOf(word.token, compoundModifierMinimum) > 0) return true;
  // Long words may carry one typo ("pasapot"), unless what was typed is itself a known word.
  if (queryWord.known || word.token.length < 6 || queryWord.token[0] !== word.token[0]) return false;
  return boundedEditDistance(queryWord.token, word.token, 1) <= 1;
}
