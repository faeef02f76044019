import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { firstRow, inTransaction, returnedRow, type Database, type Executor } from '../database/connection.ts';
import { unansweredQuestions, type UnansweredQuestionRow } from '../database/schema.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { foldDiacritics, type Language } from '../language.ts';
import { maskPersonalData } from '../privacy/masking.ts';
import { recordEvent, type Actor } from '../tickets/ticket-store.ts';

// Questions the bot could not answer (issue 14): every flat refusal and every clarifying question is
// kept once per phrasing and language, masked, with a count, so clerks see what citizens ask that the
// knowledge base misses. A clerk teaches a phrasing a procedure (or marks it out of scope); from then on
// that phrasing is answered that way, read from the database at answer time, so it holds at once in
// every process and survives `ingest` and restarts.

export type UnansweredOutcome = 'refused' | 'clarified';

/** What a clerk taught a phrasing: a procedure, or that the town hall does not handle it. */
export type TaughtAnswer = { kind: 'procedure'; slug: string } | { kind: 'out_of_scope' };

export interface UnansweredQuestion {
  id: number;
  text: string;
  language: string;
  outcome: string;
  count: number;
  firstAskedAt: string;
  lastAskedAt: string;
  taught: TaughtAnswer | undefined;
  taughtAt: string | null;
}

/** The longest text kept: a question, not a letter (the chat allows 4000 characters). */
const maximumTextLength = 500;

/** The phrasing's key: folded, punctuation removed, spaces collapsed ("Cât costă?!" = "cat costa"). */
export function normalizeQuestion(text: string): string {
  return foldDiacritics(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Masked first, so neither the kept text nor its key ever holds a CNP, a phone number or an e-mail. */
function maskedQuestion(question: string): { text: string; normalized: string } {
  const text = maskPersonalData(question.trim()).slice(0, maximumTextLength);
  return { text, normalized: normalizeQuestion(text) };
}

function taughtOf(row: UnansweredQuestionRow): TaughtAnswer | undefined {
  if (row.taughtOutOfScope) return { kind: 'out_of_scope' };
  return row.taughtSlug ? { kind: 'procedure', slug: row.taughtSlug } : undefined;
}

function toQuestion(row: UnansweredQuestionRow): UnansweredQuestion {
  return {
    id: row.id,
    text: row.text,
    language: row.language,
    outcome: row.outcome,
    count: row.count,
    firstAskedAt: row.firstAskedAt,
    lastAskedAt: row.lastAskedAt,
    taught: taughtOf(row),
    taughtAt: row.taughtAt,
  };
}

/** Counts one more asking of this phrasing (a new row the first time). */
export async function recordUnansweredQuestion(executor: Executor, question: string, language: Language, outcome: UnansweredOutcome, now: Date): Promise<void> {
  const { text, normalized } = maskedQuestion(question);
  if (!normalized) return;
  const timestamp = now.toISOString();
  await executor
    .insert(unansweredQuestions)
    .values({ text, normalized, language, outcome, count: 1, firstAskedAt: timestamp, lastAskedAt: timestamp })
    .onConflictDoUpdate({
      target: [unansweredQuestions.language, unansweredQuestions.normalized],
      set: { count: sql`${unansweredQuestions.count} + 1`, outcome, lastAskedAt: timestamp },
    });
}

/** Most asked first; among equals, the most recently asked. */
export async function listUnansweredQuestions(executor: Executor): Promise<UnansweredQuestion[]> {
  const rows = await executor.select().from(unansweredQuestions).orderBy(desc(unansweredQuestions.count), desc(unansweredQuestions.lastAskedAt), desc(unansweredQuestions.id));
  return rows.map(toQuestion);
}

export async function findUnansweredQuestion(executor: Executor, id: number): Promise<UnansweredQuestion | undefined> {
  const row = await firstRow(executor.select().from(unansweredQuestions).where(eq(unansweredQuestions.id, id)));
  return row ? toQuestion(row) : undefined;
}

/** What was taught for this phrasing, if anything: one indexed row read, so every process sees a teaching at once. */
export async function taughtAnswerFor(executor: Executor, question: string, language: Language): Promise<TaughtAnswer | undefined> {
  const { normalized } = maskedQuestion(question);
  if (!normalized) return undefined;
  const row = await firstRow(
    executor
      .select()
      .from(unansweredQuestions)
      .where(and(eq(unansweredQuestions.language, language), eq(unansweredQuestions.normalized, normalized))),
  );
  return row ? taughtOf(row) : undefined;
}

export interface TeachRequest {
  id: number;
  taught: TaughtAnswer;
  /** The clerk signed in to /admin; null from the command line. */
  clerkId: number | null;
  /** Where the teaching came from, for the audit: 'web' (the inbox) or 'cli'. */
  channel: 'web' | 'cli';
  /** The procedures that exist now: a slug must be one of them. */
  knownSlugs: ReadonlySet<string>;
}

/**
 * Links a phrasing to a procedure or marks it out of scope, and records who did it in the audit trail
 * (ticket_events with no ticket, kind `question_taught`), in one transaction.
 */
export async function teachQuestion(database: Database, request: TeachRequest, now: Date): Promise<UnansweredQuestion> {
  if (request.taught.kind === 'procedure' && !request.knownSlugs.has(request.taught.slug)) {
    throw new ValidationError('FV_ERR_UNKNOWN_PROCEDURE', `There is no procedure with the slug "${request.taught.slug}".`);
  }
  return inTransaction(database, async (transaction) => {
    const existing = await firstRow(transaction.select().from(unansweredQuestions).where(eq(unansweredQuestions.id, request.id)));
    if (!existing) throw new NotFoundError('FV_ERR_QUESTION_NOT_FOUND', `There is no unanswered question with id ${request.id}.`);
    const timestamp = now.toISOString();
    const slug = request.taught.kind === 'procedure' ? request.taught.slug : null;
    const outOfScope = request.taught.kind === 'out_of_scope';
    const updated = await returnedRow(
      transaction
        .update(unansweredQuestions)
        .set({ taughtSlug: slug, taughtOutOfScope: outOfScope, taughtByClerkId: request.clerkId, taughtAt: timestamp })
        .where(eq(unansweredQuestions.id, request.id))
        .returning(),
    );
    const actor: Actor = request.clerkId === null ? { type: 'system', id: 'cli', channel: 'cli' } : { type: 'clerk', id: String(request.clerkId), channel: request.channel };
    await recordEvent(transaction, null, 'question_taught', actor, now, {
      questionId: request.id,
      language: existing.language,
      ...(slug ? { slug } : { outOfScope: true }),
      ...(existing.taughtSlug || existing.taughtOutOfScope ? { previous: existing.taughtSlug ?? 'out_of_scope' } : {}),
    });
    return toQuestion(updated);
  });
}

/** The answerer's view: what was taught for a phrasing (undefined when nothing was, or there is no database). */
export interface TaughtAnswers {
  lookup(question: string, language: Language): Promise<TaughtAnswer | undefined>;
}

export function taughtAnswersFrom(database: Database): TaughtAnswers {
  return { lookup: (question, language) => taughtAnswerFor(database, question, language) };
}

/** What the answerer said, as far as keeping the question goes. */
export interface AnswerOutcome {
  outcome: 'answered' | 'clarify' | 'refused' | 'redirected';
  /** Chit-chat and attempts to steer the assistant are refused too, but are not town-hall questions. */
  refusal?: 'chitchat' | 'manipulation';
}

/** Keeps a flat refusal or a clarifying question; answers, redirects to another authority, chit-chat and manipulation are not kept. */
export async function recordIfUnanswered(executor: Executor, question: string, language: Language, answer: AnswerOutcome, now = new Date()): Promise<void> {
  if (answer.outcome === 'clarify') await recordUnansweredQuestion(executor, question, language, 'clarified', now);
  else if (answer.outcome === 'refused' && !answer.refusal) await recordUnansweredQuestion(executor, question, language, 'refused', now);
}

/**
 * Erasure: the questions a person asked leave the list of questions the bot could not answer, taught
 * ones included (the phrasing is the person's words; a clerk teaches it again if it comes back).
 */
export async function forgetQuestionsAskedIn(executor: Executor, texts: readonly string[]): Promise<number> {
  const keys = [...new Set(texts.map((text) => maskedQuestion(text).normalized).filter((key) => key !== ''))];
  if (keys.length === 0) return 0;
  const forgotten = await executor.delete(unansweredQuestions).where(inArray(unansweredQuestions.normalized, keys)).returning({ id: unansweredQuestions.id });
  return forgotten.length;
}
