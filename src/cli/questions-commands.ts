import { InvalidArgumentError, type Command } from 'commander';
import type { UnansweredQuestion } from '../questions/unanswered-questions.ts';
import type { CommandRegistrar } from './command-registrars.ts';
import { openCommandDatabase, withDatabase } from './with-database.ts';

// `functionar questions list [--json]` and `functionar questions teach ID SLUG | --out-of-scope` (★ DESIGN §4):
// the questions the bot could not answer, most asked first, and teaching one. The running server sees a
// teaching at once: it reads what was taught from the shared database at answer time.

function parseId(value: string): number {
  if (!/^\d{1,12}$/.test(value)) throw new InvalidArgumentError('use the number shown by `questions list`');
  return Number(value);
}

function status(question: UnansweredQuestion): string {
  if (!question.taught) return question.outcome;
  return question.taught.kind === 'procedure' ? `→ ${question.taught.slug}` : '→ out of scope';
}

export const registerQuestionsCommands: CommandRegistrar = (program: Command, environment) => {
  const questions = program.command('questions').description('questions the bot could not answer (refused or clarified), and teaching it');
  questions
    .command('list')
    .description('most asked first: id, text (masked), language, count, last asked')
    .option('--json', 'one JSON array: id, text, language, count, lastAskedAt, outcome, taughtSlug, taughtOutOfScope')
    .action(async (options: { json?: boolean }) => {
      const { listUnansweredQuestions } = await import('../questions/unanswered-questions.ts');
      const database = await openCommandDatabase(environment.config());
      try {
        const rows = await listUnansweredQuestions(database.db);
        if (options.json) {
          const items = rows.map((row) => ({
            id: row.id,
            text: row.text,
            language: row.language,
            count: row.count,
            lastAskedAt: row.lastAskedAt,
            outcome: row.outcome,
            taughtSlug: row.taught?.kind === 'procedure' ? row.taught.slug : null,
            taughtOutOfScope: row.taught?.kind === 'out_of_scope',
          }));
          process.stdout.write(`${JSON.stringify(items)}\n`);
          return;
        }
        if (rows.length === 0) console.log('No unanswered questions.');
        for (const row of rows) console.log(`${String(row.id).padStart(5)}  ${String(row.count).padStart(4)}×  ${row.language}  ${row.lastAskedAt.slice(0, 16)}  ${status(row).padEnd(24)} ${row.text.slice(0, 80)}`);
      } finally {
        await database.close();
      }
    });
  questions
    .command('teach')
    .description('answer this phrasing from now on with the procedure SLUG, or say it is not the town hall\'s (--out-of-scope)')
    .argument('<id>', 'the id shown by `questions list`', parseId)
    .argument('[slug]', 'a procedure slug (knowledge/procedures/<slug>.md)')
    .option('--out-of-scope', 'answer this phrasing as out of scope')
    .action(async (id: number, slug: string | undefined, options: { outOfScope?: boolean }) => {
      if (Boolean(slug) === Boolean(options.outOfScope)) {
        console.error('Give either a procedure slug or --out-of-scope.');
        process.exitCode = 2;
        return;
      }
      const { loadKnowledge } = await import('../knowledge/knowledge-loader.ts');
      const { teachQuestion } = await import('../questions/unanswered-questions.ts');
      const knownSlugs = new Set((await loadKnowledge(environment.config().knowledgeDirectory)).procedures.map((procedure) => procedure.slug));
      await withDatabase(environment, async (_config, database) => {
        const taught = await teachQuestion(database, { id, taught: slug ? { kind: 'procedure', slug } : { kind: 'out_of_scope' }, clerkId: null, channel: 'cli', knownSlugs }, new Date());
        console.log(slug ? `Question ${taught.id} ("${taught.text}") is answered with ${slug} from now on.` : `Question ${taught.id} ("${taught.text}") is answered as out of scope from now on.`);
      });
    });
};
