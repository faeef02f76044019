// "Legea nr. 123", "art. 474", "str. Principală", Hungarian "sz. törvény", "ill.": a full stop after these
// does not end a sentence; nor does the one after a Hungarian ordinal ("472. cikk", "2015. március 31.") when the
// text goes on in lower case. Shared by the model-answer checks (which must not part a claim from its
// number) and the answer cards (which must not shorten a field to "în limitele art.").

const abbreviations = new Set([
  'nr', 'art', 'alin', 'lit', 'pct', 'str', 'bl', 'ap', 'sc', 'jud', 'mun', 'com', 'tel', 'fax', 'dl', 'dna', 'dr', 'ing', 'prof',
  'ex', 'cca', 'aprox', 'sz', 'ill', 'vö', 'kb', 'no', 'vs', 'approx', 'st', 'ca',
]);

/** Whether the full stop at `index` closes an abbreviation rather than a sentence. */
export function isAbbreviationStop(text: string, index: number): boolean {
  if (text[index] !== '.') return false;
  if (/\d/u.test(text[index - 1] ?? '') && /^\s+\p{Ll}/u.test(text.slice(index + 1, index + 4))) return true;
  const word = /(\p{L}+)$/u.exec(text.slice(Math.max(0, index - 12), index))?.[1];
  return word !== undefined && abbreviations.has(word.toLowerCase());
}
