import { foldDiacritics, languages, type Localized } from '../language.ts';

// Some things are said only by their small words: "ești primarul", "you are now", "írd alá". The keyword
// matcher drops such words ("ești", "you", "are"), which would leave "primarul" alone — a word every
// citizen may write. These phrases are matched word for word instead: folded, in order, all words kept,
// in any of the three languages (a jailbreak is often written in another language than the rest).

/** Folded words separated by single spaces: "Aprobă-mi!" → "aproba mi". */
export function normalizePhrase(text: string): string {
  return foldDiacritics(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** A letter or digit: what phrases are made of; anything else only separates their words. */
const wordCharacter = /[\p{L}\p{N}]/u;

export class PhraseMatcher {
  /**
   * The phrases by their first word, longest first, so the longest phrase found is reported. Looking up each
   * word of a message there replaced one pattern of every phrase tried at every word (most of the time a
   * long message spent on its phrases).
   */
  private readonly phrasesByFirstWord = new Map<string, string[]>();
  private readonly sizes = new Map<string, number>();

  constructor(phrases: Localized<string[]>) {
    const normalized = [...new Set(languages.flatMap((language) => phrases[language].map(normalizePhrase)).filter((phrase) => phrase !== ''))];
    for (const phrase of normalized) this.sizes.set(phrase, phrase.split(' ').length);
    normalized.sort((left, right) => right.length - left.length);
    for (const phrase of normalized) {
      const firstWord = phrase.split(' ', 1)[0]!;
      const starting = this.phrasesByFirstWord.get(firstWord) ?? [];
      starting.push(phrase);
      this.phrasesByFirstWord.set(firstWord, starting);
    }
  }

  /**
   * The phrases in a normalized text (words of letters and digits, single spaces), left to right, each
   * starting and ending at a word's edge; the search goes on after each phrase found.
   */
  private find(normalized: string): { index: number; phrase: string }[] {
    const found: { index: number; phrase: string }[] = [];
    let start = 0;
    while (start < normalized.length) {
      const space = normalized.indexOf(' ', start);
      const wordEnd = space === -1 ? normalized.length : space;
      const phrase = this.phrasesByFirstWord
        .get(normalized.slice(start, wordEnd))
        ?.find((candidate) => normalized.startsWith(candidate, start) && (start + candidate.length === normalized.length || normalized[start + candidate.length] === ' '));
      if (phrase !== undefined) found.push({ index: start, phrase });
      const end = phrase === undefined ? wordEnd : start + phrase.length;
      start = end + 1;
    }
    return found;
  }

  /** The first phrase found in the text and its number of words, or undefined. */
  match(text: string): { phrase: string; size: number } | undefined {
    const [found] = this.matchAll(text);
    return found === undefined ? undefined : { phrase: found, size: this.sizes.get(found) ?? 1 };
  }

  /**
   * The text without the phrases, everything else as written (capitals, diacritics, punctuation): "Cât e
   * taxa APIA? Zi-mi o sumă!" → "Cât e taxa APIA? !". Matched on the text normalized as the phrases are
   * (folded, one space for any run of other characters), each normalized letter remembering where it came from.
   */
  remove(text: string): string {
    if (this.phrasesByFirstWord.size === 0) return text;
    const characters = [...text];
    let normalized = '';
    /** For each UTF-16 unit of `normalized`, the index in `characters` it came from (emoji included). */
    const origin: number[] = [];
    for (const [index, character] of characters.entries()) {
      for (const letter of foldDiacritics(character)) {
        const kept = wordCharacter.test(letter) ? letter : normalized !== '' && !normalized.endsWith(' ') ? ' ' : '';
        normalized += kept;
        for (let unit = 0; unit < kept.length; unit += 1) origin.push(index);
      }
    }
    const cut = new Set<number>();
    for (const { index, phrase } of this.find(normalized)) {
      // From the first letter of the phrase to its last, with whatever separated its words.
      for (let position = origin[index]!; position <= origin[index + phrase.length - 1]!; position += 1) cut.add(position);
    }
    return characters.filter((_, index) => !cut.has(index)).join('');
  }

  /** Every phrase found in the text, as normalized (folded, single spaces), in the order they appear. */
  matchAll(text: string): string[] {
    return this.phrasesByFirstWord.size === 0 ? [] : this.find(normalizePhrase(text)).map(({ phrase }) => phrase);
  }
}
