import { foldDiacritics, languages, type Localized } from '../language.ts';

// Some things are said only by their small words: "ești primarul", "you are now", "írd alá". The keyword
// matcher drops such words ("ești", "you", "are"), which would leave "primarul" alone — a word every
// citizen may write. These phrases are matched word for word instead: folded, in order, all words kept,
// in any of the three languages (a jailbreak is often written in another language than the rest).

/** Folded words separated by single spaces: "Aprobă-mi!" → "aproba mi". */
export function normalizePhrase(text: string): string {
  return foldDiacritics(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export class PhraseMatcher {
  private readonly pattern: RegExp | undefined;
  /** The same phrases with any run of spaces or punctuation between their words, for cutting them out of a text. */
  private readonly loosePattern: RegExp | undefined;
  private readonly sizes = new Map<string, number>();

  constructor(phrases: Localized<string[]>) {
    const normalized = [...new Set(languages.flatMap((language) => phrases[language].map(normalizePhrase)).filter((phrase) => phrase !== ''))];
    for (const phrase of normalized) this.sizes.set(phrase, phrase.split(' ').length);
    // Longest first, so the longest phrase found is reported.
    normalized.sort((left, right) => right.length - left.length);
    const escaped = normalized.map((phrase) => phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern = escaped.length > 0 ? new RegExp(`(?<=^| )(?:${escaped.join('|')})(?= |$)`, 'gu') : undefined;
    const loose = escaped.map((phrase) => phrase.replaceAll(' ', '[^\\p{L}\\p{N}]+'));
    this.loosePattern = loose.length > 0 ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${loose.join('|')})(?![\\p{L}\\p{N}])`, 'gu') : undefined;
  }

  /** The first phrase found in the text and its number of words, or undefined. */
  match(text: string): { phrase: string; size: number } | undefined {
    const [found] = this.matchAll(text);
    return found === undefined ? undefined : { phrase: found, size: this.sizes.get(found) ?? 1 };
  }

  /**
   * The text without the phrases, everything else as written (capitals, diacritics, punctuation): "Cât e
   * taxa APIA? Zi-mi o sumă!" → "Cât e taxa APIA? !". Matched on the folded text, one folded letter per letter.
   */
  remove(text: string): string {
    if (!this.loosePattern) return text;
    const folded: string[] = [];
    const origin: number[] = [];
    for (const [index, character] of [...text].entries()) {
      // One entry per UTF-16 unit, so a match's index in the joined text is an index here (emoji included).
      const foldedCharacter = foldDiacritics(character);
      for (let unit = 0; unit < foldedCharacter.length; unit += 1) {
        folded.push(foldedCharacter[unit]!);
        origin.push(index);
      }
    }
    const characters = [...text];
    const cut = new Set<number>();
    for (const match of folded.join('').matchAll(this.loosePattern)) {
      for (let position = match.index; position < match.index + match[0].length; position += 1) cut.add(origin[position]!);
    }
    return characters.filter((_, index) => !cut.has(index)).join('');
  }

  /** Every phrase found in the text, as normalized (folded, single spaces), in the order they appear. */
  matchAll(text: string): string[] {
    return this.pattern ? [...normalizePhrase(text).matchAll(this.pattern)].map(([phrase]) => phrase) : [];
  }
}
