import fs from 'node:fs';
import { createAnswering, type Answering } from '../answering.ts';
import type { Config } from '../config.ts';
import { detectIntentByRules, wantsAnswerBeforeFiling } from '../conversation/intent-detection.ts';
import { detectLanguage } from '../conversation/language-detection.ts';
import { citizenTexts } from '../conversation/texts.ts';
import type { ProcedureAnswer } from '../conversation/procedure-answerer.ts';
import type { Language } from '../language.ts';
import { createLogger } from '../logger.ts';
import { openConfiguredDatabase } from '../database/connection.ts';
import { taughtAnswersFrom } from '../questions/unanswered-questions.ts';

export interface AskLine {
  question: string;
  language: Language;
  intent: 'procedure' | 'ticket' | 'status' | 'handover' | 'out_of_scope' | 'smalltalk';
  mode: 'llm' | 'retrieval';
  /** What the citizen got: an answer, a clarifying question, a refusal or redirect, or another intent's reply. */
  outcome: 'answered' | 'clarify' | 'refused' | 'redirected' | 'other';
  answer: string;
  sources: { slug: string; title: string; score: number }[];
  /** Answered, and pointed to another authority for what it also named (for the evaluation, like `outcome`). */
  alsoRedirected?: boolean;
  /** Answered, and declined what the question also demanded (a guessed fee, only yes or no). */
  declined?: boolean;
}

/** One answer per question, in-process, exactly as the chat would give it (without opening tickets). */
export async function askQuestion(config: Config, questions: string[], options: { json: boolean; language?: Language }): Promise<void> {
  // Logs go to stderr so stdout stays one JSON line per question.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  // What clerks taught is answered as in the chat; with no database yet (a fresh checkout) there is nothing taught.
  const database = config.databaseUrl || fs.existsSync(config.databasePath) ? await openConfiguredDatabase(config) : undefined;
  const answering = await createAnswering(config, logger, { taughtAnswers: database ? taughtAnswersFrom(database.db) : undefined });
  try {
    for (const question of questions) {
      const line = await answerQuestion(answering, config, question, options.language ?? detectLanguage(question).language);
      // The ★ contract of `ask --json` has exactly these keys; `outcome` is for the evaluation.
      const { outcome: _outcome, alsoRedirected: _alsoRedirected, declined: _declined, ...contractLine } = line;
      if (options.json) process.stdout.write(`${JSON.stringify(contractLine)}\n`);
      else {
        process.stdout.write(`${line.answer}\n`);
        if (line.sources.length > 0) process.stdout.write(`\n[${line.mode}] ${line.sources.map((source) => `${source.slug} (${source.score})`).join(', ')}\n`);
        if (questions.length > 1) process.stdout.write('\n---\n');
      }
    }
  } finally {
    await answering.close();
    await database?.close();
  }
}

/** Also the evaluation's path (tests/eval), so what is measured is what `ask` and the chat give. */
export async function answerQuestion(answering: Answering, config: Pick<Config, 'townHallName'>, question: string, language: Language): Promise<AskLine> {
  const texts = citizenTexts[language];
  const rule = detectIntentByRules(question);
  const fixed = (intent: AskLine['intent'], answer: string): AskLine => ({ question, language, intent, mode: answering.mode(), outcome: 'other', answer, sources: [] });
  switch (rule) {
    case 'smalltalk':
      return fixed('smalltalk', texts.welcome(config.townHallName));
    case 'ticket': {
      // As in the chat: a question about filing gets the procedure first, then the offer to file.
      const answered = answering.answerer && wantsAnswerBeforeFiling(question) ? await answering.answerer.answer(question, language, { history: [] }) : undefined;
      if (answered?.outcome === 'answered') return lineOf(question, language, answered, texts.fileOffer);
      // Another authority's business ("unde fac reclamație la Electrica?") is redirected, not filed here.
      if (answered?.outcome === 'redirected') return lineOf(question, language, answered);
      return fixed('ticket', `${texts.startRequest}\n${texts.askSubject}`);
    }
    case 'status':
      return fixed('status', texts.askTicketNumber);
    case 'handover':
      return fixed('handover', texts.ticketOffer);
    case 'clerk_command':
      return fixed('out_of_scope', texts.clerkCommandRefused);
    case 'cancel':
      return fixed('smalltalk', texts.nothingToCancel);
    default:
      break;
  }
  if (!answering.answerer) return fixed('procedure', texts.ticketOffer);
  return lineOf(question, language, await answering.answerer.answer(question, language, { history: [] }));
}

function lineOf(question: string, language: Language, answer: ProcedureAnswer, offer?: string): AskLine {
  return {
    question,
    language,
    intent: answer.intent,
    mode: answer.mode,
    outcome: answer.outcome,
    answer: offer ? `${answer.text}\n\n${offer}` : answer.text,
    sources: answer.sources.map((source) => ({ slug: source.slug, title: source.title, score: source.score ?? 0 })),
    ...(answer.alsoRedirected ? { alsoRedirected: true } : {}),
    ...(answer.declined ? { declined: true } : {}),
  };
}
