import { foldDiacritics } from '../language.ts';

// A message may ask two things ("bunicul a murit: ce acte trebuie, și cum deschidem succesiunea?").
// It is cut into the parts that ask something: sentences, and within a sentence the pieces joined by
// "și / és / and" when each piece asks on its own. Parts that only tell (greetings, family, context)
// are left out, so a story around one question is not taken for a second one.

const conjunction = /\s*(?:,\s*)?\b(?:si|iar|apoi|plus|es|illetve|valamint|meg|and|also|then)\b\s*/u;
/** Words that make a piece of a message a question, on folded text. */
const askingWords = new RegExp(
  String.raw`\b(?:ce|cum|unde|cand|cat|cata|cate|care|trebui\w*|trebe|pot|poate|putem|puteti|vreau|vrem|as vrea|doresc|as dori|am nevoie|mit|hogyan|hogy kell|hol|hova|mikor|mennyi\w*|meddig|melyik|kell\w*|lehet\w*|tud\w*|kerhet\w*|kaphat\w*|szeretn\w*|what|how|where|when|which|can|could|do|does|need|must|should|may|want|would like|like to)\b`,
  'u',
);
const minimumWords = 3;

/**
 * @param tellsRequest whether a sentence that asks nothing still makes a request by telling
 * ("the street light outside the church is out"): such a sentence is a part too.
 */
export function questionParts(message: string, tellsRequest: (sentence: string) => boolean = () => false): string[] {
  const parts: string[] = [];
  for (const sentence of sentencesOf(message)) {
    const folded = foldDiacritics(sentence);
    const pieces = folded.split(conjunction);
    // Split only into pieces that can stand alone ("acte și taxe" stays one part), in a sentence that asks.
    if (pieces.length > 1 && pieces.every(isClause) && pieces.some(isAsking)) parts.push(...pieces);
    else if (isAsking(folded) || (isClause(folded) && tellsRequest(sentence))) parts.push(folded);
  }
  return parts;
}

/** A message's sentences, trimmed, without empty ones. */
export function sentencesOf(message: string): string[] {
  return message
    .split(/[?!.;:\n]+/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}

function isClause(text: string): boolean {
  return text.split(/\s+/).filter(Boolean).length >= minimumWords;
}

function isAsking(text: string): boolean {
  return isClause(text) && askingWords.test(text);
}
