import { detectLanguage } from '../conversation/language-detection.ts';
import type { Language } from '../language.ts';

// The citizen reads one language. A 3B model asked in Hungarian often drifts into the Romanian of its
// sources, sometimes for a single sentence; both are caught here, on the answer's own words only:
// citations and text in brackets (an official Romanian name given in parentheses, as the Hungarian
// prompt allows) are left out, and short lines (list items, names) are too little to judge.

/** Below this many words a sentence is not judged on its own. */
const minimumWordsPerSentence = 5;
/** detectLanguage's margin; the same bar as the pipeline's language choice, a little higher for one sentence. */
const sentenceConfidence = 0.5;
const answerConfidence = 0.34;

function languageWords(text: string): string {
  return text.replace(/\[[^\]\n]*\]|\([^)\n]*\)/g, ' ');
}

function wordCount(text: string): number {
  return (text.match(/\p{L}+/gu) ?? []).length;
}

/** The other language a sentence is clearly written in, or undefined when it is the citizen's or unclear. */
export function sentenceInOtherLanguage(sentence: string, expected: Language): Language | undefined {
  const words = languageWords(sentence);
  if (wordCount(words) < minimumWordsPerSentence) return undefined;
  const guess = detectLanguage(words);
  return guess.language !== expected && guess.confidence >= sentenceConfidence ? guess.language : undefined;
}

export type AnswerLanguage = { verdict: 'expected' } | { verdict: 'unclear' } | { verdict: 'other'; language: Language };

/** What the text as a whole is written in: released only once it is clearly the citizen's language. */
export function answerLanguage(text: string, expected: Language): AnswerLanguage {
  const words = languageWords(text);
  if (wordCount(words) < 3) return { verdict: 'unclear' };
  const guess = detectLanguage(words);
  if (guess.confidence < answerConfidence) return { verdict: 'unclear' };
  return guess.language === expected ? { verdict: 'expected' } : { verdict: 'other', language: guess.language };
}
