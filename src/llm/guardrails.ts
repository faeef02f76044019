import { isAbbreviationStop } from '../abbreviations.ts';
import type { RetrievedProcedure, TownHall } from '../knowledge/knowledge-base.ts';
import type { Language } from '../language.ts';
import { answerLanguage, sentenceInOtherLanguage } from './answer-language.ts';
import { removeUnknownCitations } from './citations.ts';
import { contactKinds, extractFactClaims, groundedFactKeys } from './fact-claims.ts';
import { createEchoDetector, type EchoDetector } from './instruction-echo.ts';
import { groundingTexts } from './source-rendering.ts';

// Checked on every sentence before the citizen sees it, because no prompt makes a small model reliable.
// A fact (amount, deadline, date, law, contact…) must be in the procedure the sentence cites — or, when
// the sentence cites none, in the procedure the question was matched to — not merely somewhere in what
// the model was shown: a deadline borrowed from the second procedure is as wrong as an invented one.

/** What an answer may repeat from knowledge/town-hall.md besides its sources. */
export type TownHallContacts = Pick<TownHall, 'phone' | 'email' | 'website' | 'address' | 'hours'>;

export type ViolationKind = 'unbacked-claim' | 'wrong-language' | 'instruction-echo' | 'no-content' | 'no-citation' | 'too-long' | 'empty-answer';

export interface Violation {
  kind: ViolationKind;
  detail: string;
}

/**
 * What an answer may say to a phone: about six lines of prose (≈ 40 characters a line in the bubble and
 * in Telegram/WhatsApp on a 360-pixel screen) plus a short list, in visible characters (citations not
 * counted). The prompt asks for that; this is where it is enforced.
 */
export const maxAnswerCharacters = 800;

export interface AnswerCheckContext {
  /** The procedures the model was shown, best first; the first one backs sentences that cite nothing. */
  candidates: readonly RetrievedProcedure[];
  language: Language;
  /** Contacts and opening hours an answer may repeat (knowledge/town-hall.md). */
  townHall?: TownHallContacts;
  /** The rendered instructions without the sources, to recognise an echo of them. */
  instructions?: string;
  maxCharacters?: number;
}

export interface AnswerChecker {
  readonly knownSlugs: ReadonlySet<string>;
  readonly maxCharacters: number;
  /** Problems of one complete sentence: unbacked claims, another language, an echo of the instructions. */
  checkSentence(sentence: string): Violation[];
  /** Problems only the whole answer shows: nothing but citations or punctuation, no citation, wrong language. */
  checkWhole(text: string): Violation[];
  /** The answer's text as the citizen sees it: citations removed, for length. */
  visibleLength(text: string): number;
}

export function createAnswerChecker(context: AnswerCheckContext): AnswerChecker {
  const knownSlugs = new Set(context.candidates.map((candidate) => candidate.procedure.slug));
  const top = context.candidates[0];
  const townHallKeys = groundedFactKeys(townHallTexts(context.townHall), contactKinds);
  const keysBySlug = new Map<string, Set<string>>();
  const keysOf = (candidate: RetrievedProcedure): Set<string> => {
    let keys = keysBySlug.get(candidate.procedure.slug);
    if (!keys) keysBySlug.set(candidate.procedure.slug, (keys = groundedFactKeys(groundingTexts(candidate))));
    return keys;
  };
  const echo: EchoDetector | undefined = context.instructions ? createEchoDetector(context.instructions) : undefined;
  const maxCharacters = context.maxCharacters ?? maxAnswerCharacters;

  const checkSentence = (sentence: string): Violation[] => {
    const violations: Violation[] = [];
    const seen = new Set<string>();
    for (const clause of clausesByCitation(sentence, knownSlugs)) {
      const backing = (clause.slugs ? heldTo(clause.slugs, context.candidates) : undefined) ?? top;
      for (const claim of extractFactClaims(clause.text)) {
        if (seen.has(claim.key)) continue;
        seen.add(claim.key);
        const backed = (backing !== undefined && keysOf(backing).has(claim.key)) || (contactKinds.has(claim.kind) && townHallKeys.has(claim.key));
        if (!backed) violations.push({ kind: 'unbacked-claim', detail: `${claim.kind} "${claim.text}" is not in ${backing ? `[${backing.procedure.slug}]` : 'any source'}` });
      }
    }
    const other = sentenceInOtherLanguage(sentence, context.language);
    if (other) violations.push({ kind: 'wrong-language', detail: `a sentence in ${other}, the citizen writes ${context.language}` });
    if (echo?.isEcho(sentence)) violations.push({ kind: 'instruction-echo', detail: 'the sentence repeats the instructions' });
    return violations;
  };

  const checkWhole = (text: string): Violation[] => {
    const citations = removeUnknownCitations(text, knownSlugs);
    const visible = citationFree(citations.text);
    if (visible.trim() === '' && citations.citedSlugs.length === 0) return [{ kind: 'empty-answer', detail: 'the answer is empty' }];
    if ((visible.match(/\p{L}{2,}/gu) ?? []).length < 2) return [{ kind: 'no-content', detail: 'the answer is only citations or punctuation' }];
    const violations: Violation[] = [];
    if (citations.citedSlugs.length === 0) violations.push({ kind: 'no-citation', detail: 'the answer cites no source' });
    const language = answerLanguage(visible, context.language);
    if (language.verdict === 'other') violations.push({ kind: 'wrong-language', detail: `the answer is in ${language.language}, the citizen writes ${context.language}` });
    if (visible.trim().length > maxCharacters) violations.push({ kind: 'too-long', detail: `${visible.trim().length} characters, at most ${maxCharacters}` });
    return violations;
  };

  return { knownSlugs, maxCharacters, checkSentence, checkWhole, visibleLength: (text) => citationFree(removeUnknownCitations(text, knownSlugs).text).trim().length };
}

export interface GuardrailResult {
  accepted: boolean;
  /** The answer with citations of unknown sources removed. */
  text: string;
  citedSlugs: string[];
  violations: string[];
  kinds: ViolationKind[];
}

/** The whole answer at once: every sentence, then the answer as a whole (used on complete answers and in tests). */
export function applyGuardrails(answer: string, candidates: readonly RetrievedProcedure[], context: Partial<AnswerCheckContext> = {}): GuardrailResult {
  const checker = createAnswerChecker({ language: 'ro', ...context, candidates });
  const citations = removeUnknownCitations(answer, checker.knownSlugs);
  const text = citations.text.trim();
  const found = [...splitSentences(text).flatMap((sentence) => checker.checkSentence(sentence)), ...checker.checkWhole(text)];
  return { accepted: found.length === 0, text, citedSlugs: citations.citedSlugs, violations: found.map((violation) => violation.detail), kinds: found.map((violation) => violation.kind) };
}

/** Sentences and lines, each with its trailing punctuation. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    if (isSentenceEnd(text, index)) {
      sentences.push(text.slice(start, index + 1));
      start = index + 1;
    }
  }
  if (start < text.length) sentences.push(text.slice(start));
  return sentences.filter((sentence) => sentence.trim() !== '');
}

/** A newline, or ". ! ? ; :" followed by whitespace (a full stop not after an abbreviation): where a fact ("150" … " lei") cannot continue. */
export function isSentenceEnd(text: string, index: number): boolean {
  const character = text[index];
  if (character === '\n') return true;
  if (character === undefined || !'.!?;:'.includes(character) || !/\s/.test(text[index + 1] ?? '')) return false;
  return !isAbbreviationStop(text, index);
}

interface Clause {
  text: string;
  /** The known slugs this clause is held to; undefined when the sentence cites nothing. */
  slugs?: string[];
}

/**
 * A sentence cut at its citations: the text before a citation is held to it (the prompt asks for the
 * citation at the end of what it supports), text after the last citation to that last one.
 */
function clausesByCitation(sentence: string, knownSlugs: ReadonlySet<string>): Clause[] {
  const clauses: Clause[] = [];
  let start = 0;
  let last: string[] | undefined;
  // Adjacent brackets ("[a] [b]", "[a, b]") are one group: the clause cites both.
  for (const match of sentence.matchAll(/(?:\[[a-z0-9][a-z0-9_,;\s-]*\]\s*)+/gi)) {
    const slugs = [...match[0].matchAll(/[a-z0-9][a-z0-9_-]*/gi)].map((slug) => slug[0].toLowerCase()).filter((slug) => knownSlugs.has(slug));
    if (slugs.length === 0) continue;
    clauses.push({ text: sentence.slice(start, match.index), slugs });
    start = match.index + match[0].length;
    last = slugs;
  }
  clauses.push({ text: sentence.slice(start), ...(last ? { slugs: last } : {}) });
  return clauses;
}

/** Citing several procedures never widens what may be said: the matched one when cited, else the first cited. */
function heldTo(slugs: readonly string[], candidates: readonly RetrievedProcedure[]): RetrievedProcedure | undefined {
  const top = candidates[0]?.procedure.slug;
  const slug = top !== undefined && slugs.includes(top) ? top : slugs[0];
  return candidates.find((candidate) => candidate.procedure.slug === slug);
}

function citationFree(text: string): string {
  return text.replace(/\s*\[[a-z0-9][a-z0-9_,;\s-]*\]/gi, '');
}

function townHallTexts(townHall: TownHallContacts | undefined): string[] {
  if (!townHall) return [];
  return [townHall.phone, townHall.email, townHall.website, townHall.address, ...townHall.hours.flatMap((hours) => [hours.open, hours.close])].filter((text) => text !== '');
}
