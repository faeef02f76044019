// Jailbreaks hide their words from word lists: in leetspeak ("1gn0r4 r3gul1l3") or encoded in base64. A
// citizen writes neither, so what they say is read out and checked like the rest of the message.

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
