import { tokenize } from './text-analysis.ts';

// Jailbreaks hide their words from word lists: in leetspeak ("1gn0r4 r3gul1l3"), letter by letter
// ("i g n o r e"), backwards, in ROT13, in Cyrillic letters or encoded in base64. A citizen writes none of
// these, so what they say is read out and checked like the rest of the message.

const leetLetters: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
/** A word of four or more letters, digits and the symbols leetspeak uses. */
const wordWithSymbols = /(?<![\p{L}\p{N}@$])[\p{L}\p{N}@$]{4,}(?![\p{L}\p{N}@$])/gu;
/** A run of base64 long enough to hide a sentence: 24 characters or more, padding included. */
const base64Run = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])/g;

/** The message with leetspeak words read as letters; undefined when it has none. */
export function withoutLeetspeak(text: string): string | undefined {
  let changed = false;
  const read = text.replace(wordWithSymbols, (word) => {
    // Letters with digits or symbols standing for some of them; numbers, phone numbers and dates have no letter.
    if (!/\p{L}/u.test(word) || !/[013457@$]/u.test(word)) return word;
    changed = true;
    return [...word].map((character) => leetLetters[character] ?? character).join('');
  });
  return changed ? read : undefined;
}

/** Sentences hidden in base64 runs of the message: decoded text that reads as words. */
export function decodedBase64(text: string): string[] {
  const decoded: string[] = [];
  for (const [run] of text.matchAll(base64Run)) {
    // A random identifier (a link's token) decodes to bytes, not to words with spaces between them.
    const candidate = Buffer.from(run, 'base64').toString('utf8');
    const readable = [...candidate].filter((character) => /[\p{L}\p{N}\s.,!?'"-]/u.test(character)).length;
    if (candidate.includes(' ') && readable >= 0.9 * [...candidate].length) decoded.push(candidate);
  }
  return decoded;
}

/** Four or more single letters in a row, spaced out: "i g n o r a". */
const spacedLetters = /(?<!\p{L})\p{L}(?:[ .\-_]\p{L}){3,}(?!\p{L})/gu;
const cyrillicToLatin: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zs', з: 'z', и: 'i', й: 'j', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p',
  р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'cs', ш: 's', щ: 's', ъ: '', ы: 'i', ь: '', э: 'e', ю: 'ju', я: 'ja', і: 'i', ї: 'i', є: 'e',
};

function rot13(text: string): string {
  return text.replace(/[a-z]/giu, (letter) => {
    const base = letter <= 'Z' ? 65 : 97;
    return String.fromCharCode(((letter.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/**
 * Other readings of a message that may hide an attempt to steer the assistant: leetspeak read as letters,
 * spaced-out letters joined, Cyrillic letters written in Latin ones and, when most of its words are no
 * words at all, the message backwards and in ROT13. Only these readings are checked against the refusal
 * lists, never answered.
 * @param isWord whether a folded word is a word the assistant knows.
 */
export function hiddenReadings(text: string, isWord: (token: string) => boolean = () => false): string[] {
  const readings: string[] = [];
  const leet = withoutLeetspeak(text);
  if (leet !== undefined) readings.push(leet);
  const joined = text.replace(spacedLetters, (run) => run.replace(/[ .\-_]/gu, ''));
  if (joined !== text) readings.push(joined);
  if (/\p{Script=Cyrillic}/u.test(text)) readings.push([...text.toLowerCase()].map((letter) => cyrillicToLatin[letter] ?? letter).join(''));
  const words = tokenize(text);
  if (words.filter(isWord).length * 2 < words.length) readings.push([...text].reverse().join(''), rot13(text));
  return readings;
}
