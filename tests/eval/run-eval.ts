// `npm run eval`: what a citizen gets for each question of the evaluation set, offline (retrieval mode),
// through the same path as `functionar ask` — intent rules, town-hall facts, retrieval, answer cards.
// The language is the one the chat would choose for a first message with no browser or phone hint
// (`chooseLanguage`), not the question's label: a misread language is part of what the citizen gets.
//
// Three parts (see README.md beside this file): the tuning half, `knowledge/example-questions.jsonl`, may be
// read and tuned on; the bot answers a new message like the nearest of them, so the tuning half is scored
// in five parts, each answered with the examples of the other four; `validation.jsonl`
// is scored but never printed question by question, to choose between changes while tuning; `frozen.jsonl`
// is scored but never printed either, and only looked at to report, so its figures stay honest. Options:
//   --misses N   list at most N misses of the tuning half (default all)
//   --half H     tuning | validation | frozen | all (default all; `both` is the old name of all): score only
//                that part; `--half tuning` or `--half validation` while tuning, so the frozen figures are
//                not even seen
//   --json       also write the figures to tests/artifacts/eval-results.json (always written)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAnswering } from '../../src/answering.ts';
import { exampleQuestionsFile } from '../../src/knowledge/example-questions.ts';
import { answerQuestion, type AskLine } from '../../src/cli/ask.ts';
import { loadConfig } from '../../src/config.ts';
import { chooseLanguage } from '../../src/conversation/language-detection.ts';
import { isLanguage, type Language } from '../../src/language.ts';
import { createLogger } from '../../src/logger.ts';

const styles = ['original', 'short', 'informal', 'long', 'typos', 'hu-no-accents', 'mixed', 'life-event', 'two-part', 'town-hall', 'out-of-scope', 'smalltalk', 'jailbreak'] as const;
type Style = (typeof styles)[number];

export interface EvaluationQuestion {
  question: string;
  language: Language;
  style: Style;
  /** Acceptable first answers; empty = out of scope; ["town-hall"] = a fact of town-hall.md. */
  expected: string[];
  /** Two-part questions: the acceptable slugs of each part. */
  parts?: string[][];
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const halves = [
  { name: 'tuning', file: 'knowledge/example-questions.jsonl', showMisses: true },
  { name: 'validation', file: 'tests/eval/validation.jsonl', showMisses: false },
  { name: 'frozen', file: 'tests/eval/frozen.jsonl', showMisses: false },
] as const;

export function readEvaluationQuestions(file: string): EvaluationQuestion[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      const parsed = JSON.parse(line) as Partial<EvaluationQuestion>;
      if (typeof parsed.question !== 'string' || !isLanguage(parsed.language) || !Array.isArray(parsed.expected) || !styles.includes(parsed.style as Style)) {
        throw new Error(`${file}:${number}: expected {"question","language","style","expected":[...]}`);
      }
      return parsed as EvaluationQuestion;
    });
}

interface Tally {
  inScope: number;
  first: number;
  cited: number;
  wronglyRefused: number;
  clarified: number;
  misrouted: number;
  outOfScope: number;
  refused: number;
  twoPart: number;
  twoPartBoth: number;
  townHall: number;
  townHallAnswered: number;
  cutAnswers: number;
}

const emptyTally = (): Tally => ({
  inScope: 0,
  first: 0,
  cited: 0,
  wronglyRefused: 0,
  clarified: 0,
  misrouted: 0,
  outOfScope: 0,
  refused: 0,
  twoPart: 0,
  twoPartBoth: 0,
  townHall: 0,
  townHallAnswered: 0,
  cutAnswers: 0,
});

/** An answer cut mid-sentence ends a line with "…" (a list's pointer to the full procedure does not). */
const cutMidSentence = /\p{L}…\s*$|\p{L}…\n/mu;

/** correct: the right procedure first, and for a two-part question both parts cited. */
function score(tally: Tally, question: EvaluationQuestion, line: AskLine): { correct: boolean } {
  if (cutMidSentence.test(line.answer)) tally.cutAnswers += 1;
  const refused = line.outcome === 'refused' || line.outcome === 'redirected' || line.intent === 'smalltalk';
  if (question.expected.length === 0) {
    tally.outOfScope += 1;
    // An answer that also names a procedure still tells the citizen where to go for the other authority's part;
    // a guessed fee or a bare yes asked beside a procedure is declined in so many words, the procedure answered.
    const pointedElsewhere = refused || line.alsoRedirected === true || line.declined === true;
    if (pointedElsewhere) tally.refused += 1;
    return { correct: pointedElsewhere };
  }
  tally.inScope += 1;
  const answered = line.outcome === 'answered';
  const slugs = answered ? line.sources.map((source) => source.slug) : [];
  const first = slugs.slice(0, 1).some((slug) => question.expected.includes(slug));
  const cited = slugs.some((slug) => question.expected.includes(slug));
  if (first) tally.first += 1;
  if (cited) tally.cited += 1;
  if (refused) tally.wronglyRefused += 1;
  if (line.outcome === 'clarify') tally.clarified += 1;
  if (!refused && line.outcome === 'other') tally.misrouted += 1;
  let bothParts = true;
  if (question.style === 'two-part' && question.parts) {
    tally.twoPart += 1;
    bothParts = question.parts.every((part) => slugs.some((slug) => part.includes(slug)));
    if (bothParts) tally.twoPartBoth += 1;
  }
  if (question.expected.includes('town-hall')) {
    tally.townHall += 1;
    if (first) tally.townHallAnswered += 1;
  }
  return { correct: first && bothParts };
}

const percent = (part: number, whole: number) => (whole === 0 ? '    – ' : `${((100 * part) / whole).toFixed(1).padStart(5)}%`);

function summarise(tally: Tally) {
  const rate = (part: number, whole: number) => (whole === 0 ? null : Number((part / whole).toFixed(4)));
  return {
    questions: tally.inScope + tally.outOfScope,
    correctFirst: rate(tally.first, tally.inScope),
    amongCited: rate(tally.cited, tally.inScope),
    wronglyRefused: rate(tally.wronglyRefused, tally.inScope),
    clarified: rate(tally.clarified, tally.inScope),
    misrouted: rate(tally.misrouted, tally.inScope),
    outOfScopeRefused: rate(tally.refused, tally.outOfScope),
    twoPartBothCited: rate(tally.twoPartBoth, tally.twoPart),
    townHallAnswered: rate(tally.townHallAnswered, tally.townHall),
    cutAnswers: tally.cutAnswers,
  };
}

function printTable(title: string, tallies: Map<string, Tally>): void {
  console.log(`\n${title}`);
  console.log('group          n   first   cited  refused(in) clarified misrouted  oos-refused  two-part-both  town-hall  cut');
  for (const [group, tally] of tallies) {
    console.log(
      [
        group.padEnd(12),
        String(tally.inScope + tally.outOfScope).padStart(4),
        percent(tally.first, tally.inScope),
        percent(tally.cited, tally.inScope),
        `  ${percent(tally.wronglyRefused, tally.inScope)}`,
        `  ${percent(tally.clarified, tally.inScope)}`,
        ` ${percent(tally.misrouted, tally.inScope)}`,
        `  ${percent(tally.refused, tally.outOfScope)} of ${String(tally.outOfScope).padStart(3)}`,
        `  ${percent(tally.twoPartBoth, tally.twoPart)} of ${String(tally.twoPart).padStart(2)}`,
        `  ${percent(tally.townHallAnswered, tally.townHall)}`,
        String(tally.cutAnswers).padStart(4),
      ].join(' '),
    );
  }
}

function describe(line: AskLine): string {
  const sources = line.sources.map((source) => source.slug).join(', ');
  return `${line.intent}/${line.outcome}${sources ? `: ${sources}` : ''}`;
}

/** Answers each question as the chat would, with the knowledge of a directory, offline. */
async function answerAll(questions: readonly EvaluationQuestion[], knowledgeDirectory: string): Promise<AskLine[]> {
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'functionar-eval-'));
  // A closed port: the evaluation measures the offline path, which must meet the targets on its own.
  const config = loadConfig({ DATA_DIR: dataDirectory, KNOWLEDGE_DIR: knowledgeDirectory, OLLAMA_HOST: 'http://127.0.0.1:9', LOG_LEVEL: 'silent' });
  const started = performance.now();
  const answering = await createAnswering(config, createLogger('silent', process.stderr));
  try {
    const knowledge = answering.knowledge;
    if (!knowledge) throw new Error('the knowledge base did not load');
    console.log(
      `${knowledge.procedures().length} procedures, embedder ${knowledge.embeddingName()}, ` +
        `Chroma ${knowledge.readiness().ready ? 'ready' : 'NOT ready'}, set up in ${Math.round(performance.now() - started)} ms, mode ${answering.mode()}`,
    );
    const answers: AskLine[] = [];
    for (const question of questions) answers.push(await answerQuestion(answering, config, question.question, chooseLanguage(question.question, null)));
    return answers;
  } finally {
    await answering.close();
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  }
}

/** The tuning half is cut into this many parts, each answered with the example questions of the others. */
const folds = 5;

/**
 * The tuning half is the knowledge base's example questions, so each question would find itself there: it is
 * scored in five parts, each answered with the example questions of the other four only.
 */
async function crossValidated(questions: readonly EvaluationQuestion[], knowledgeDirectory: string): Promise<AskLine[]> {
  const answers: AskLine[] = [];
  for (let fold = 0; fold < folds; fold += 1) {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'functionar-eval-knowledge-'));
    try {
      fs.cpSync(knowledgeDirectory, directory, { recursive: true });
      const inFold = (index: number) => index % folds === fold;
      const others = questions.filter((_question, index) => !inFold(index));
      fs.writeFileSync(path.join(directory, exampleQuestionsFile), others.map((question) => `${JSON.stringify(question)}\n`).join(''));
      const held = [...questions.keys()].filter(inFold);
      const heldAnswers = await answerAll(
        held.map((index) => questions[index]!),
        directory,
      );
      for (const [position, index] of held.entries()) answers[index] = heldAnswers[position]!;
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  }
  return answers;
}

async function main(): Promise<void> {
  const argumentsList = process.argv.slice(2);
  const missesIndex = argumentsList.indexOf('--misses');
  const missLimit = missesIndex >= 0 ? Number(argumentsList[missesIndex + 1]) : Number.POSITIVE_INFINITY;
  const halfIndex = argumentsList.indexOf('--half');
  const halfChoice = halfIndex >= 0 ? argumentsList[halfIndex + 1] : 'all';
  const everyHalf = halfChoice === 'all' || halfChoice === 'both';
  if (!everyHalf && !halves.some((half) => half.name === halfChoice)) {
    throw new Error(`--half must be tuning, validation, frozen or all (got ${String(halfChoice)})`);
  }
  const chosenHalves = halves.filter((half) => everyHalf || half.name === halfChoice);

  const knowledgeDirectory = path.join(root, 'knowledge');
  const results: Record<string, unknown> = {};
  for (const half of chosenHalves) {
    const questions = readEvaluationQuestions(path.join(root, half.file));
    const answers = half.name === 'tuning' ? await crossValidated(questions, knowledgeDirectory) : await answerAll(questions, knowledgeDirectory);
    const byLanguage = new Map<string, Tally>([['all', emptyTally()]]);
    const byStyle = new Map<string, Tally>();
    const misses: string[] = [];
    for (const [index, question] of questions.entries()) {
      const line = answers[index]!;
      for (const [map, key] of [
        [byLanguage, 'all'],
        [byLanguage, question.language],
        [byStyle, question.style],
      ] as const) {
        if (!map.has(key)) map.set(key, emptyTally());
      }
      score(byLanguage.get('all')!, question, line);
      score(byLanguage.get(question.language)!, question, line);
      const { correct } = score(byStyle.get(question.style)!, question, line);
      if (half.showMisses && !correct) {
        const expected = question.parts ? question.parts.map((part) => part.join('|')).join(' + ') : question.expected.join(' | ') || 'out of scope';
        misses.push(`  [${question.language} ${question.style}] ${question.question}\n      expected ${expected}; got ${describe(line)}`);
      }
    }
    console.log(`\n=== ${half.name} half: ${questions.length} questions (${half.file}) ===`);
    printTable('per language', byLanguage);
    printTable('per style', new Map([...byStyle].sort(([left], [right]) => left.localeCompare(right))));
    results[half.name] = {
      perLanguage: Object.fromEntries([...byLanguage].map(([group, tally]) => [group, summarise(tally)])),
      perStyle: Object.fromEntries([...byStyle].map(([group, tally]) => [group, summarise(tally)])),
    };
    if (misses.length > 0) {
      console.log(`\nMisses (${half.name} half, ${misses.length}):`);
      for (const miss of misses.slice(0, missLimit)) console.log(miss);
    }
  }
  const artifacts = path.join(root, 'tests/artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, 'eval-results.json'), `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
