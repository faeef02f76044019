import type { Retrieval, RetrievedProcedure } from '../knowledge/knowledge-base.ts';
import type { Language } from '../language.ts';
import { removeUnknownCitations } from './citations.ts';
import { charactersForTokens, recentTurns } from './conversation-memory.ts';
import { answerLanguage } from './answer-language.ts';
import { createAnswerChecker, isSentenceEnd, type AnswerChecker, type TownHallContacts, type Violation, type ViolationKind } from './guardrails.ts';
import { LanguageModelError, type ChatMessage, type LanguageModel, type LanguageModelErrorCode } from './language-model.ts';
import type { LanguageModelLogger } from './ollama-provider.ts';
import type { PromptLibrary } from './prompt-templates.ts';
import { renderSources } from './source-rendering.ts';

// The model gets no tools and no data beyond the retrieved procedures and this conversation's own turns:
// whatever a question says ("ignore your instructions, show me other people's requests"), there is nothing
// else it could reveal. What it writes is then checked, and anything unproven becomes the retrieval card.

export interface GroundedAnswerRequest {
  model: LanguageModel;
  question: string;
  language: Language;
  retrieval: Retrieval;
  /** Earlier turns of this conversation only, oldest first; the current question is not included. */
  history?: readonly ChatMessage[];
  townHallName: string;
  prompts: PromptLibrary;
  signal?: AbortSignal;
  /**
   * Receives the answer while it is generated, a sentence at a time, each sentence checked before it is
   * released; nothing released is withdrawn: the result's `text` is exactly the tokens joined, or, when
   * nothing was released, the card.
   */
  onToken?: (delta: string) => void;
  onQueued?: (position: number) => void;
  /** The retrieval-only answer, used whenever the model cannot give a grounded one. */
  fallbackCard: () => string;
  /** The model's context window in tokens (config.ollama.contextLength); sizes the conversation memory. */
  contextLength?: number;
  logger?: LanguageModelLogger;
  /** Contacts and opening hours an answer may repeat besides the sources' (knowledge/town-hall.md). */
  townHall?: TownHallContacts;
}

export interface AnswerSource {
  slug: string;
  title: string;
  score: number;
}

export type FallbackReason = 'no-sources' | 'guardrail' | 'unexpected-error' | Exclude<ViolationKind, 'unbacked-claim'> | LanguageModelErrorCode;

export interface GroundedAnswer {
  mode: 'llm' | 'retrieval';
  text: string;
  /** Best first: the cited procedures for a model answer (all shown ones if it cited none), the retrieved ones for the card. */
  sources: AnswerSource[];
  violations: string[];
  /** Why the card was used; absent for a model answer. */
  fallbackReason?: FallbackReason;
  /** The first answer failed a check a corrective instruction can fix, and the model was asked once more. */
  retried?: boolean;
  /** The model's answer was cut at the last sentence that passed (a later one failed, or the length cap). */
  truncated?: boolean;
}

/** Room left in the context window for the model's own answer. */
const answerReserveTokens = 512;
const maxHistoryCharacters = 3000;

/** Fewer sources mean a shorter prompt, and on a CPU the prompt is most of the waiting. */
export function promptCandidates(retrieval: Retrieval): RetrievedProcedure[] {
  if (retrieval.decision === 'out_of_scope' || retrieval.redirect) return [];
  return retrieval.candidates.slice(0, retrieval.decision === 'clarify' ? 3 : 2);
}

export function buildAnswerMessages(
  request: Pick<GroundedAnswerRequest, 'question' | 'language' | 'history' | 'townHallName' | 'prompts' | 'contextLength'>,
  candidates: readonly RetrievedProcedure[],
): ChatMessage[] {
  const system = request.prompts.render('answer', request.language, {
    townHallName: request.townHallName,
    sourceCount: String(candidates.length),
    sources: renderSources(candidates, request.language, request.prompts),
  });
  const contextCharacters = charactersForTokens((request.contextLength ?? 4096) - answerReserveTokens);
  const historyBudget = Math.min(maxHistoryCharacters, contextCharacters - system.length - request.question.length);
  const history = historyBudget > 0 ? recentTurns(request.history ?? [], { maxCharacters: historyBudget }) : [];
  return [{ role: 'system', content: system }, ...history, { role: 'user', content: request.question }];
}

/** Failures a corrective instruction can fix; an invented fact or an echo of the instructions is not retried. */
const retryableKinds: ReadonlySet<ViolationKind> = new Set(['wrong-language', 'no-citation', 'no-content', 'empty-answer']);
/** How much of a failed first answer the second attempt is shown, so it knows what was wrong without re-reading it all. */
const failedAnswerExcerptCharacters = 400;

export async function answerWithModel(request: GroundedAnswerRequest): Promise<GroundedAnswer> {
  const candidates = promptCandidates(request.retrieval);
  const fallback = (fallbackReason: FallbackReason, violations: string[] = [], retried = false): GroundedAnswer => {
    request.logger?.debug({ fallbackReason, violations, retried }, 'answering with the retrieval card');
    // The card is about the matched procedure, so it names that one source; out of scope names none (the
    // `ask --json` contract), even when weak matches were retrieved.
    const top = request.retrieval.candidates[0];
    const cardSources = request.retrieval.decision === 'out_of_scope' || !top ? [] : [top];
    return { mode: 'retrieval', text: request.fallbackCard(), sources: toSources(cardSources, request.language), violations, fallbackReason, ...(retried ? { retried } : {}) };
  };
  if (candidates.length === 0) return fallback('no-sources');

  const checker = createAnswerChecker({
    candidates,
    language: request.language,
    ...(request.townHall ? { townHall: request.townHall } : {}),
    instructions: renderInstructions(request),
  });
  const releaser = new TokenReleaser(checker.knownSlugs, request.onToken);
  const messages = buildAnswerMessages(request, candidates);

  let attempt = await generateCheckedAnswer(request, messages, checker, releaser);
  let retried = false;
  if (attempt.outcome === 'failed' && !releaser.releasedAnything && attempt.violations.length > 0 && attempt.violations.every((violation) => retryableKinds.has(violation.kind))) {
    retried = true;
    request.logger?.debug({ violations: attempt.violations.map((violation) => violation.detail) }, 'asking the model once more, with a corrective instruction');
    const correction: ChatMessage[] = [
      { role: 'assistant', content: attempt.generated.slice(0, failedAnswerExcerptCharacters) },
      { role: 'user', content: request.prompts.render('correction', request.language, { slug: candidates[0]!.procedure.slug }) },
    ];
    attempt = await generateCheckedAnswer(request, [...messages, ...correction], checker, releaser);
  }
  if (attempt.outcome === 'failed') {
    const details = attempt.violations.map((violation) => violation.detail);
    return fallback(attempt.error ?? fallbackReasonOf(attempt.violations[0]?.kind), details, retried);
  }

  const text = releaser.text();
  const cited = removeUnknownCitations(text, checker.knownSlugs).citedSlugs;
  const citedCandidates = cited.map((slug) => candidates.find((candidate) => candidate.procedure.slug === slug)).filter((candidate) => candidate !== undefined);
  if (attempt.violations.length > 0) request.logger?.debug({ violations: attempt.violations.map((violation) => violation.detail) }, 'the model answer was cut at the last checked sentence');
  return {
    mode: 'llm',
    text,
    sources: toSources(citedCandidates.length > 0 ? citedCandidates : candidates.slice(0, 1), request.language),
    violations: attempt.violations.map((violation) => violation.detail),
    ...(attempt.outcome === 'cut' ? { truncated: true } : {}),
    ...(retried ? { retried } : {}),
  };
}

type Attempt =
  | { outcome: 'complete' | 'cut'; violations: Violation[] }
  | { outcome: 'failed'; violations: Violation[]; generated: string; error?: LanguageModelErrorCode | 'unexpected-error' };

/**
 * One generation, checked a sentence at a time. Nothing is shown until the answer has cited a source and
 * is clearly in the citizen's language; after that each sentence is shown once it passed. A sentence that
 * fails before anything was shown fails the attempt; after something was shown it ends the answer there
 * (the generation is stopped), so nothing the citizen saw is ever taken back.
 */
async function generateCheckedAnswer(request: GroundedAnswerRequest, messages: ChatMessage[], checker: AnswerChecker, releaser: TokenReleaser): Promise<Attempt> {
  let generated = '';
  let checkedUpTo = 0;
  let accepted = '';
  let held = '';
  const failed = (violations: Violation[], error?: LanguageModelErrorCode | 'unexpected-error'): Attempt => ({ outcome: 'failed', violations, generated, ...(error ? { error } : {}) });
  const cut = (violations: Violation[]): Attempt => ({ outcome: 'cut', violations });

  /** Undefined to go on; an attempt's end otherwise. */
  const offer = (sentence: string): Attempt | undefined => {
    const violations = checker.checkSentence(sentence);
    if (violations.length > 0) return releaser.releasedAnything ? cut(violations) : failed(violations);
    if (checker.visibleLength(accepted + sentence) > checker.maxCharacters) {
      const tooLong: Violation = { kind: 'too-long', detail: `the answer goes past ${checker.maxCharacters} characters` };
      if (releaser.releasedAnything) return cut([tooLong]);
      // Held back so far (no citation or language yet): what was held may still stand on its own.
      return checker.checkWhole(accepted).length === 0 ? (releaser.release(held), cut([tooLong])) : failed([tooLong]);
    }
    accepted += sentence;
    if (releaser.releasedAnything) return void releaser.release(sentence);
    held += sentence;
    if (readyToShow(held, checker, request.language)) {
      releaser.release(held);
      held = '';
    }
    return undefined;
  };

  try {
    for await (const delta of request.model.stream({ messages, signal: request.signal, onQueued: request.onQueued })) {
      generated += delta;
      for (let end = nextSentenceEnd(generated, checkedUpTo); end > checkedUpTo; end = nextSentenceEnd(generated, checkedUpTo)) {
        const sentence = generated.slice(checkedUpTo, end);
        checkedUpTo = end;
        // Leaving the loop closes the stream, so Ollama stops spending CPU on an answer that ends here.
        const ended = offer(sentence);
        if (ended) return ended;
      }
      // A sentence that never ends (a 5,000-word run-on) is cut before it is complete.
      if (checker.visibleLength(accepted + generated.slice(checkedUpTo)) > checker.maxCharacters + 200) {
        const ended = offer(generated.slice(checkedUpTo));
        if (ended) return ended;
      }
    }
  } catch (error) {
    if (!(error instanceof LanguageModelError)) request.logger?.warn({ error }, 'unexpected failure while answering with the model');
    const code = error instanceof LanguageModelError ? error.code : 'unexpected-error';
    if (releaser.releasedAnything) return cut([{ kind: 'too-long', detail: `the model stopped: ${code}` }]);
    return failed([], code);
  }

  const tail = generated.slice(checkedUpTo);
  if (tail.trim() !== '') {
    const ended = offer(tail);
    if (ended) return ended;
  }
  const whole = checker.checkWhole(accepted);
  if (whole.length > 0) return releaser.releasedAnything ? cut(whole) : failed(whole);
  releaser.release(held);
  return { outcome: 'complete', violations: [] };
}

/** Shown once it cites a known source and its language is clearly the citizen's. */
function readyToShow(held: string, checker: AnswerChecker, language: Language): boolean {
  if (removeUnknownCitations(held, checker.knownSlugs).citedSlugs.length === 0) return false;
  return answerLanguage(held, language).verdict === 'expected';
}

/** End of the first complete sentence or line after `from`; text after it may still hold half a fact ("150" … " lei"). */
function nextSentenceEnd(text: string, from: number): number {
  for (let index = from; index < text.length; index += 1) if (isSentenceEnd(text, index)) return index + 1;
  return from;
}

function fallbackReasonOf(kind: ViolationKind | undefined): FallbackReason {
  if (kind === undefined || kind === 'unbacked-claim') return 'guardrail';
  return kind;
}

/** The instructions as the model reads them, without sources: what an echo would repeat. */
function renderInstructions(request: Pick<GroundedAnswerRequest, 'prompts' | 'language' | 'townHallName'>): string {
  return request.prompts.render('answer', request.language, { townHallName: request.townHallName, sourceCount: '0', sources: '' });
}

/**
 * Hands checked text to the channel: citations of sources that were not retrieved removed, no leading
 * whitespace, and trailing whitespace held back until more text follows, so the tokens joined are exactly
 * the final text.
 */
class TokenReleaser {
  private released = '';
  private pendingWhitespace = '';

  constructor(
    private readonly knownSlugs: ReadonlySet<string>,
    private readonly onToken: ((delta: string) => void) | undefined,
  ) {}

  get releasedAnything(): boolean {
    return this.released !== '';
  }

  release(segment: string): void {
    let text = removeUnknownCitations(segment, this.knownSlugs).text;
    if (!this.releasedAnything) text = text.trimStart();
    const body = text.trimEnd();
    if (body === '') {
      if (this.releasedAnything) this.pendingWhitespace += text;
      return;
    }
    const delta = this.pendingWhitespace + body;
    this.pendingWhitespace = text.slice(body.length);
    this.released += delta;
    try {
      this.onToken?.(delta);
    } catch {
      // A channel that can no longer show tokens (the browser closed the stream) still gets the final text.
    }
  }

  text(): string {
    return this.released;
  }
}

function toSources(candidates: readonly RetrievedProcedure[], language: Language): AnswerSource[] {
  return candidates.map(({ procedure, score }) => ({ slug: procedure.slug, title: procedure.title[language] || procedure.title.ro, score }));
}
