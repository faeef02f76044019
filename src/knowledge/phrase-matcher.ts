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
  private readonly pattern: RegExp | undefined;
  private readonly sizes = new Map<string, number>();

  constructor(phrases: Localized<string[]>) {
    const normalized = [...new Set(languages.flatMap((language) => phrases[language].map(normalizePhrase)).filter((phrase) => phrase !== ''))];
    for (const phrase of normalized) this.sizes.set(phrase, phrase.split(' ').length);
    // Longest first, so the longest phrase found is reported.
    normalized.sort((left, right) => right.length - left.length);
    const escaped = normalized.map((phrase) => phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern = escaped.length > 0 ? new RegExp(`(?<=^| )(?:${escaped.join('|')})(?= |$)`, 'gu') : undefined;
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
    if (!this.pattern) return text;
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
    for (const match of normalized.matchAll(this.pattern)) {
      // From the first letter of the phrase to its last, with whatever separated its words.
      for (let position = origin[match.index]!; position <= origin[match.index + match[0].length - 1]!; position += 1) cut.add(position);
    }
    return characters.filter((_, index) => !cut.has(index)).join('');
  }

  /** Every phrase found in the text, as normalized (folded, single spaces), in the order they appear. */
  matchAll(text: string): string[] {
    return this.pattern ? [...normalizePhrase(text).matchAll(this.pattern)].map(([phrase]) => phrase) : [];
  }
}
