// A small model writes "treizeci de zile", "harminc napon" or "thirty days" as readily as "30 de zile";
// an invented deadline in words is as wrong as one in digits. This turns spelled-out numbers in folded
// text (lower case, no diacritics) into digits, so the fact extractors see one form only.
//
// Words that are also ordinary words ("o" = a/one, "noua" = new/nine, "egy" = a/one, "het" = seven/week,
// "one", "a") count as numbers only directly before a unit ("o luna", "egy het", "a month"), so
// "o cerere" stays a request and "ket het" stays two weeks.

const romanianValues: Record<string, number> = {
  zero: 0, unu: 1, una: 1, un: 1, o: 1, doi: 2, doua: 2, trei: 3, patru: 4, cinci: 5, sase: 6, sapte: 7, opt: 8, noua: 9,
  zece: 10, unsprezece: 11, unspe: 11, doisprezece: 12, douasprezece: 12, treisprezece: 13, paisprezece: 14, patrusprezece: 14,
  cincisprezece: 15, cinsprezece: 15, saisprezece: 16, saptesprezece: 17, optsprezece: 18, nouasprezece: 19,
  douazeci: 20, treizeci: 30, patruzeci: 40, cincizeci: 50, saizeci: 60, saptezeci: 70, optzeci: 80, nouazeci: 90,
};

const englishValues: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20,
  thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, a: 1, an: 1,
};

const hungarianUnits: Record<string, number> = { egy: 1, ketto: 2, ket: 2, harom: 3, negy: 4, ot: 5, hat: 6, het: 7, nyolc: 8, kilenc: 9 };
const hungarianTens: Record<string, number> = {
  tiz: 10, tizen: 10, husz: 20, huszon: 20, harminc: 30, negyven: 40, otven: 50, hatvan: 60, hetven: 70, nyolcvan: 80, kilencven: 90,
};
const hungarianNumber = new RegExp(
  String.raw`^(?:(${Object.keys(hungarianUnits).join('|')})?(ezer))?(?:(${Object.keys(hungarianUnits).join('|')})?(szaz))?(${Object.keys(hungarianTens).join('|')})?(${Object.keys(hungarianUnits).join('|')})?$`,
);

/** Numbers only when a unit follows, because they are also everyday words in one of the three languages. */
const ambiguousWords = new Set(['o', 'un', 'una', 'noua', 'egy', 'het', 'hat', 'ot', 'one', 'a', 'an']);
/** Units of the facts we check: time spans, money, percentages, working/calendar qualifiers. */
const unitWord = /^(?:zile|zi|days?|(?:munka)?nap[a-z]*|saptaman[a-z]*|weeks?|het[a-z]*|luni|luna|months?|honap[a-z]*|ani|an|years?|ev[a-z]*|ore|ora[a-z]*|hours?|lei|leu|ron|lej[a-z]*|euro|eur|forint[a-z]*|ft|huf|procent[a-z]*|percent|szazalek[a-z]*|working|business|calendar|de)$/;
/** English "a"/"an" before a Hungarian "nap" ("a napon", the day) is an article, so they need an English unit. */
const englishUnitWord = /^(?:days?|weeks?|months?|years?|hours?)$/;

interface Word {
  text: string;
  start: number;
  end: number;
}

interface ParsedNumber {
  value: number;
  /** Index of the first word after the number. */
  next: number;
}

/**
 * Reads "patruzeci si cinci", "o mie cinci sute", "one hundred and fifty", "forty-five": value words,
 * a ten joined to a unit (by "si" in Romanian, directly in English), and multipliers (hundred, thousand).
 * English "one hundred and fifty" is read as 100: rare in a town hall's answers, and safe (it fails the check).
 */
function spelledNumber(
  words: readonly Word[],
  index: number,
  values: Readonly<Record<string, number>>,
  multipliers: Readonly<Record<string, number>>,
  joiner: string,
): ParsedNumber | undefined {
  let total = 0;
  let segment = 0;
  let consumed = index;
  let last: 'none' | 'value' | 'ten' | 'multiplier' = 'none';
  for (let position = index; position < words.length; position += 1) {
    const word = words[position]!.text;
    const value = values[word];
    const multiplier = multipliers[word];
    if (value !== undefined && (last === 'none' || last === 'multiplier' || (last === 'ten' && value < 10 && joiner === ''))) {
      if (last !== 'none' && (word === 'a' || word === 'an' || word === 'o' || word === 'un')) break;
      segment += value;
      last = value >= 20 && value % 10 === 0 ? 'ten' : 'value';
    } else if (multiplier !== undefined && (last === 'value' || last === 'ten')) {
      if (multiplier >= 1000) {
        total += (segment || 1) * multiplier;
        segment = 0;
      } else segment = (segment || 1) * multiplier;
      last = 'multiplier';
    } else if (joiner !== '' && word === joiner && last === 'ten' && (values[words[position + 1]?.text ?? ''] ?? 10) < 10) {
      segment += values[words[position + 1]!.text]!;
      position += 1;
      last = 'value';
    } else break;
    consumed = position + 1;
  }
  return consumed > index ? { value: total + segment, next: consumed } : undefined;
}

const romanianMultipliers = { suta: 100, sute: 100, mie: 1000, mii: 1000 };
const englishMultipliers = { hundred: 100, thousand: 1000 };

function romanianNumber(words: readonly Word[], index: number): ParsedNumber | undefined {
  return spelledNumber(words, index, romanianValues, romanianMultipliers, 'si');
}

function englishNumber(words: readonly Word[], index: number): ParsedNumber | undefined {
  return spelledNumber(words, index, englishValues, englishMultipliers, '');
}

function hungarianWordNumber(words: readonly Word[], index: number): ParsedNumber | undefined {
  const match = hungarianNumber.exec(words[index]!.text);
  if (!match || match[0] === '') return undefined;
  const [, thousandsCount, thousands, hundredsCount, hundreds, tens, units] = match;
  const value =
    (thousands ? (hungarianUnits[thousandsCount ?? ''] ?? 1) * 1000 : 0) +
    (hundreds ? (hungarianUnits[hundredsCount ?? ''] ?? 1) * 100 : 0) +
    (hungarianTens[tens ?? ''] ?? 0) +
    (hungarianUnits[units ?? ''] ?? 0);
  return { value, next: index + 1 };
}

/** Replaces spelled-out numbers in folded text with digits; everything else is left as it was. */
export function spellNumbersAsDigits(folded: string): string {
  const words: Word[] = [...folded.matchAll(/[a-z]+/g)].map((match) => ({ text: match[0], start: match.index, end: match.index + match[0].length }));
  let result = '';
  let copiedUpTo = 0;
  for (let index = 0; index < words.length; ) {
    const parsed = [romanianNumber(words, index), englishNumber(words, index), hungarianWordNumber(words, index)]
      .filter((candidate): candidate is ParsedNumber => candidate !== undefined)
      .sort((left, right) => right.next - left.next)[0];
    if (!parsed || !joinedBySpaces(folded, words, index, parsed.next)) {
      index += 1;
      continue;
    }
    const following = words[parsed.next]?.text ?? '';
    const single = parsed.next === index + 1 ? words[index]!.text : undefined;
    const needsUnit = single !== undefined && ambiguousWords.has(single);
    const unitFollows = (single === 'a' || single === 'an' ? englishUnitWord : unitWord).test(following) && joinedBySpaces(folded, words, parsed.next - 1, parsed.next + 1);
    if (needsUnit && !unitFollows) {
      index += 1;
      continue;
    }
    result += folded.slice(copiedUpTo, words[index]!.start) + String(parsed.value);
    copiedUpTo = words[parsed.next - 1]!.end;
    index = parsed.next;
  }
  return result + folded.slice(copiedUpTo);
}

/** "forty-five" and "douazeci si cinci" are one number; "cinci, sase" or "5. doi" are not. */
function joinedBySpaces(text: string, words: readonly Word[], from: number, to: number): boolean {
  for (let index = from; index + 1 < to && index + 1 < words.length; index += 1) {
    if (!/^[\s-]+$/.test(text.slice(words[index]!.end, words[index + 1]!.start))) return false;
  }
  return true;
}
