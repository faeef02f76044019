// `npm run eval`: how well offline retrieval finds the right procedure for the questions in
// questions.jsonl, per language, for hybrid, lexical-only and vector-only retrieval.
// Options: --mode hybrid|lexical|vector (only one), --misses N (how many misses to list, default all).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { isLanguage, type Language } from '../../src/language.ts';
import { createKnowledgeBase } from '../../src/knowledge/create-knowledge-base.ts';
import { silentLogger } from '../../src/knowledge/knowledge-logger.ts';
import type { DetailedRetrieval, RetrievalMode } from '../../src/knowledge/retrieval.ts';

interface Question {
  question: string;
  language: Language;
  expected: string[];
}

interface Tally {
  inScope: number;
  top1: number;
  top3: number;
  falseRefusals: number;
  clarifications: number;
  outOfScope: number;
  refusals: number;
  redirects: number;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const emptyTally = (): Tally => ({ inScope: 0, top1: 0, top3: 0, falseRefusals: 0, clarifications: 0, outOfScope: 0, refusals: 0, redirects: 0 });

function readQuestions(file: string): Question[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, number }) => {
      const parsed = JSON.parse(line) as Partial<Question>;
      if (typeof parsed.question !== 'string' || !isLanguage(parsed.language) || !Array.isArray(parsed.expected)) {
        throw new Error(`${file}:${number}: expected {"question","language","expected":[...]}`);
      }
      return parsed as Question;
    });
}

function tallyOne(tally: Tally, question: Question, retrieval: DetailedRetrieval): { hit1: boolean; hit3: boolean } {
  const refused = retrieval.decision === 'out_of_scope';
  if (question.expected.length === 0) {
    tally.outOfScope += 1;
    if (refused) tally.refusals += 1;
    if (retrieval.redirect) tally.redirects += 1;
    return { hit1: refused, hit3: refused };
  }
  tally.inScope += 1;
  const slugs = refused ? [] : retrieval.candidates.map((candidate) => candidate.procedure.slug);
  const hit1 = slugs.slice(0, 1).some((slug) => question.expected.includes(slug));
  const hit3 = slugs.slice(0, 3).some((slug) => question.expected.includes(slug));
  if (hit1) tally.top1 += 1;
  if (hit3) tally.top3 += 1;
  if (refused) tally.falseRefusals += 1;
  if (retrieval.decision === 'clarify') tally.clarifications += 1;
  return { hit1, hit3 };
}

const percent = (part: number, whole: number) => (whole === 0 ? '   –  ' : `${((100 * part) / whole).toFixed(1).padStart(5)}%`);

function summarise(tally: Tally) {
  return {
    questions: tally.inScope + tally.outOfScope,
    top1: tally.inScope ? tally.top1 / tally.inScope : null,
    top3: tally.inScope ? tally.top3 / tally.inScope : null,
    falseRefusalRate: tally.inScope ? tally.falseRefusals / tally.inScope : null,
    clarificationRate: tally.inScope ? tally.clarifications / tally.inScope : null,
    outOfScopeRefusalRate: tally.outOfScope ? tally.refusals / tally.outOfScope : null,
    redirected: tally.redirects,
  };
}

function printTable(mode: string, tallies: Map<string, Tally>): void {
  console.log(`\n${mode}`);
  console.log('language  questions  top-1    top-3    false refusals  clarified  out-of-scope refused (redirected)');
  for (const [language, tally] of tallies) {
    console.log(
      `${language.padEnd(9)} ${String(tally.inScope + tally.outOfScope).padStart(9)}  ${percent(tally.top1, tally.inScope)}   ${percent(tally.top3, tally.inScope)}   ${percent(tally.falseRefusals, tally.inScope)}          ${percent(tally.clarifications, tally.inScope)}     ${percent(tally.refusals, tally.outOfScope)} of ${tally.outOfScope} (${tally.redirects})`,
    );
  }
}

async function main(): Promise<void> {
  const argumentsList = process.argv.slice(2);
  const modeIndex = argumentsList.indexOf('--mode');
  const onlyMode = modeIndex >= 0 ? (argumentsList[modeIndex + 1] as RetrievalMode) : undefined;
  const missesIndex = argumentsList.indexOf('--misses');
  const missLimit = missesIndex >= 0 ? Number(argumentsList[missesIndex + 1]) : Number.POSITIVE_INFINITY;
  const modes: RetrievalMode[] = onlyMode ? [onlyMode] : ['hybrid', 'lexical', 'vector'];

  const questions = readQuestions(path.join(root, 'tests/eval/questions.jsonl'));
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'functionar-eval-'));
  const config = loadConfig({ DATA_DIR: dataDirectory, KNOWLEDGE_DIR: path.join(root, 'knowledge'), LOG_LEVEL: 'silent' });
  const started = performance.now();
  const knowledgeBase = await createKnowledgeBase({ config, logger: silentLogger });
  const readiness = knowledgeBase.readiness();
  console.log(
    `${knowledgeBase.procedures().length} procedures, ${knowledgeBase.chunks().length} chunks, embedder ${knowledgeBase.embeddingName()}, ` +
      `Chroma ${readiness.ready ? 'ready' : `NOT ready (${readiness.reason})`}, set up in ${Math.round(performance.now() - started)} ms; ${questions.length} questions`,
  );
  for (const problem of knowledgeBase.problems().filter((entry) => entry.severity === 'error')) console.log(`  knowledge problem: ${problem.file}:${problem.line ?? '?'} ${problem.message}`);

  const results: Record<string, unknown> = {};
  try {
    for (const mode of modes) {
      const tallies = new Map<string, Tally>([['all', emptyTally()]]);
      const misses: string[] = [];
      for (const question of questions) {
        const retrieval = await knowledgeBase.retrieveDetailed(question.question, question.language, { mode });
        if (!tallies.has(question.language)) tallies.set(question.language, emptyTally());
        tallyOne(tallies.get('all')!, question, retrieval);
        const { hit1 } = tallyOne(tallies.get(question.language)!, question, retrieval);
        if (!hit1) {
          const got =
            retrieval.decision === 'out_of_scope'
              ? `out_of_scope${retrieval.redirect ? ` → ${retrieval.redirect.id}` : ''} (confidence ${retrieval.diagnostics.confidence.toFixed(2)})`
              : `${retrieval.decision}: ${retrieval.candidates
                  .slice(0, 3)
                  .map((candidate) => `${candidate.procedure.slug} ${candidate.score.toFixed(2)}`)
                  .join(', ')}`;
          misses.push(`  [${question.language}] ${question.question}\n      expected ${question.expected.length ? question.expected.join(' | ') : 'out of scope'}; got ${got}`);
        }
      }
      printTable(mode, tallies);
      results[mode] = Object.fromEntries([...tallies].map(([language, tally]) => [language, summarise(tally)]));
      if (mode === modes[0] && misses.length > 0) {
        console.log(`\nMisses at top-1 (${mode}):`);
        for (const miss of misses.slice(0, missLimit)) console.log(miss);
      }
    }
  } finally {
    await knowledgeBase.close();
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  }
  const artifacts = path.join(root, 'tests/artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, 'eval-results.json'), `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
