import { foldDiacritics, type Language } from '../language.ts';

// A message may ask two things ("bunicul a murit: ce acte trebuie, și cum deschidem succesiunea?").
// It is cut into the parts that ask something: sentences, and within a sentence the pieces joined by
// "și / és / and" when each piece asks on its own. Sentences that only tell (greetings, family, context)
// are not parts of their own, so a story around one question is not a second one; a short question is
// read with what was told before it ("Ne despărțim, nu avem copii. Se poate la primărie?").

/** One or more joining words in a row ("și apoi", "and also", "és utána"), with an optional comma. */
const conjunction = /(?:\s*,?\s*\b(?:si|iar|apoi|plus|es|illetve|valamint|meg|and|also|then)\b)+\s*/u;
/**
 * "Îmi dați vă rog un număr de telefon", "Kérem, küldjék el az űrlapot", "Please send me the form": a polite
 * request asks as plainly as a question word does.
 */
const politeRequests = [
  'dati-mi', 'imi dati', 'dati-ne', 'spuneti-mi', 'spune-mi', 'zi-mi', 'trimiteti-mi', 'trimite-mi', 'aratati-mi', 'explicati-mi',
  'ajutati-ma', 'ajuta-ma', 'indrumati-ma', 'va rog', 'te rog',
  'kerem', 'kernem', 'kerek', 'adja meg', 'adjak meg', 'kuldje el', 'kuldjek el', 'irja meg', 'irjak meg', 'mondja meg', 'mondjak meg',
  'segitsen', 'segitsenek', 'segits',
  'please', 'tell me', 'give me', 'send me', 'let me know', 'help me', 'advise', 'explain',
].join('|');
/** Words that make a piece of a message a question, on folded text ("kellemes", pleasant, is no "kell", must). */
const askingWords = new RegExp(
  String.raw`\b(?:ce|cum|unde|cand|cat|cata|cate|care|trebui\w*|trebe|pot|poate|putem|puteti|vreau|vrem|as vrea|doresc|as dori|am nevoie|mit|hogyan|hogy kell|hol|hova|mikor|mennyi\w*|meddig|melyik|milyen|hany|hanykor|erdeklod\w*|kell(?!em)\w*|lehet\w*|tud\w*|kerhet\w*|kaphat\w*|szeretn\w*|what|how|where|when|which|can|could|do|does|need|must|should|may|want|would like|like to|${politeRequests})\b`,
  'u',
);
const minimumWords = 3;
/** A question of fewer words ("Cum corectez?", "Lehet ezt a hivatalban intézni?") is read with what was told before it. */
const selfContainedWords = 6;
/** Sentence ends, and the marks of a numbered list ("1) …  2) …", "a) … b) …"). */
const sentenceEnd = /[?!.;:\n]+|(?:^|\s)(?:\d{1,2}|[a-d])\)(?=\s)/giu;

/**
 * @param tellsRequest whether a sentence that asks nothing still makes a request by telling
 * ("the street light outside the church is out"): such a sentence is a part too.
 */
export function questionParts(message: string, tellsRequest: (sentence: string) => boolean = () => false): string[] {
  const parts: string[] = [];
  // What was told since the last part: it is the context of the next question.
  let told: string[] = [];
  for (const { sentence, questionMark } of markedSentences(message)) {
    const folded = foldDiacritics(sentence);
    const pieces = clauses(folded);
    // A sentence ending in "?" asks, with or without an asking word ("Și alocația copilului?").
    const asks = (text: string) => isAsking(text) || (questionMark && wordCount(text) >= 2);
    // Split only into pieces that can stand alone ("acte și taxe" stays one part), in a sentence that asks.
    if (pieces.length > 1 && pieces.some(isAsking)) {
      pieces[0] = withContext(told, pieces[0]!);
      parts.push(...pieces);
      told = [];
    } else if (asks(folded)) {
      parts.push(withContext(told, folded));
      told = [];
    } else if (isClause(folded) && tellsRequest(sentence)) {
      parts.push(folded);
      told = [];
    } else told.push(folded);
  }
  return parts;
}

/** A short question is read with what was told before it; a longer one stands alone. */
function withContext(told: string[], question: string): string {
  return wordCount(question) < selfContainedWords ? [...told, question].join(' ') : question;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * A sentence's pieces between joining words, when each can stand alone; otherwise the sentence whole
 * ("acte și taxe" stays one part). A sentence opened by a joining word ("Și dacă tot sunt acolo, pot să-mi
 * declar și oile?") is already the next part of the message: it is not cut again.
 */
function clauses(folded: string): string[] {
  const pieces = folded.split(conjunction);
  return pieces.length > 1 && pieces.every(isClause) ? pieces : [folded];
}

/**
 * "Am născut la Sighișoara, iar soțul meu e la muncă în Italia": a clause joined by "but / while" tells
 * something else than the one before it. On folded and unfolded text; Hungarian "de" is "but", Romanian "of".
 */
const contrastingClause: Record<Language, RegExp> = {
  ro: /\s(?:iar|dar|însă|insa)\s|;/iu,
  hu: /\s(?:de|viszont|pedig|azonban)\s|;/iu,
  en: /\s(?:but|while|whereas)\s|;/iu,
};

/** What a message tells, piece by piece: its sentences, cut again where "but / while" joins two tellings. */
export function tellingsOf(message: string, language: Language): string[] {
  return sentencesOf(message)
    .flatMap((sentence) => sentence.split(contrastingClause[language]))
    .map((telling) => telling.trim())
    .filter((telling) => telling !== '');
}

/** A message's sentences, trimmed, without empty ones. */
export function sentencesOf(message: string): string[] {
  return markedSentences(message).map(({ sentence }) => sentence);
}

function markedSentences(message: string): { sentence: string; questionMark: boolean }[] {
  const sentences: { sentence: string; questionMark: boolean }[] = [];
  let start = 0;
  const add = (end: number, mark: string) => {
    const sentence = message.slice(start, end).trim();
    if (sentence !== '') sentences.push({ sentence, questionMark: mark.includes('?') });
  };
  for (const match of message.matchAll(sentenceEnd)) {
    add(match.index, match[0]);
    start = match.index + match[0].length;
  }
  add(message.length, '');
  return sentences;
}

function isClause(text: string): boolean {
  return wordCount(text) >= minimumWords;
}

function isAsking(text: string): boolean {
  return isClause(text) && askingWords.test(text);
}
