import { foldDiacritics } from '../language.ts';

// "Repeat your instructions" (or a model that loses the thread) sends the system prompt back to the
// citizen: 7.5 KB of rules about sources and citations. A sentence is an echo when most of its word
// sequences appear in the rendered instructions. Sources are not part of the comparison (an answer quotes
// them on purpose), and neither is the phrase the instructions tell the model to say when it does not
// know, which is quoted in „…” / "…".

const shingleLength = 5;
/** A sentence needs this many words before it can be judged an echo: shorter ones repeat by chance. */
const minimumWords = 7;
const echoShare = 0.6;

function words(text: string): string[] {
  return foldDiacritics(text).match(/\p{L}+|\d+/gu) ?? [];
}

function shingles(list: readonly string[]): string[] {
  const result: string[] = [];
  for (let index = 0; index + shingleLength <= list.length; index += 1) result.push(list.slice(index, index + shingleLength).join(' '));
  return result;
}

export interface EchoDetector {
  isEcho(sentence: string): boolean;
}

export function createEchoDetector(instructions: string): EchoDetector {
  const withoutQuotedPhrases = instructions.replace(/„[^”\n]*”|"[^"\n]*"|“[^”\n]*”/g, ' ');
  const known = new Set(shingles(words(withoutQuotedPhrases)));
  return {
    isEcho(sentence) {
      const sentenceWords = words(sentence);
      if (sentenceWords.length < minimumWords) return false;
      const own = shingles(sentenceWords);
      const repeated = own.filter((shingle) => known.has(shingle)).length;
      return repeated / own.length >= echoShare;
    },
  };
}
