import readline from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigurationError, loadConfig, readEnvironment, type Config } from '../config.ts';
import type { DatabaseHandle } from '../database/connection.ts';
import { isLanguage, type Language } from '../language.ts';
import { departmentIds, isDepartmentId, statusLabel } from '../tickets/ticket-labels.ts';
import { ticketStatuses, type TicketStatus } from '../tickets/ticket-states.ts';
import { AppError } from '../errors.ts';
import { extraCommandRegistrars } from './command-registrars.ts';
import { openCommandDatabase } from './with-database.ts';

// Each action loads what it needs when it runs (`await import`), so `--help` and a quick command such as
// `questions list` do not evaluate the answering, PDF, archive and channel code of the other commands.

function config(): Config {
  try {
    return loadConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigurationError) {
      for (const problem of error.problems) console.error(`configuration: ${problem}`);
      process.exit(78);
    }
    throw error;
  }
}

/** Opens the database for one command; it is closed only once the (awaited) work is over. */
async function withDatabase<T>(work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = await openCommandDatabase(config());
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

function parseLanguage(value: string): Language {
  if (!isLanguage(value)) throw new InvalidArgumentError('use ro, hu or en');
  return value;
}

function parseTicketArgument(value: string): { number: number; year: number } {
  const match = /^(\d{1,6})(?:\/(\d{4}))?$/.exec(value);
  if (!match) throw new InvalidArgumentError('use N or N/YYYY, e.g. 12/2026');
  return { number: Number(match[1]), year: match[2] ? Number(match[2]) : new Date().getFullYear() };
}

const program = new Command();
program.name('functionar').description('Funcționar Virtual — virtual clerk of the town hall').showHelpAfterError();

program
  .command('serve')
  .description('serve the bot core (same as npm start)')
  .action(async () => {
    const { runServer } = await import('../server.ts');
    await runServer();
  });

program
  .command('ingest')
  .description('index knowledge/ into Chroma (incremental)')
  .option('--rebuild', 'drop the index and embed everything again')
  .action(async (options: { rebuild?: boolean }) => {
    const { runIngestCommand } = await import('./ingest.ts');
    process.exitCode = await runIngestCommand(config(), Boolean(options.rebuild));
  });

program
  .command('ask')
  .description('answer one question in-process; with --json and no question, read one question per line from stdin')
  .argument('[question]')
  .option('--json', 'one JSON line per answer')
  .option('--lang <language>', 'ro, hu or en (default: detected)', parseLanguage)
  .action(async (question: string | undefined, options: { json?: boolean; lang?: Language }) => {
    const questions: string[] = [];
    if (question) questions.push(question);
    else {
      const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const line of lines) if (line.trim()) questions.push(line.trim());
    }
    if (questions.length === 0) {
      console.error('Give a question, or pipe questions on stdin (one per line).');
      process.exitCode = 2;
      return;
    }
    const { askQuestion } = await import('./ask.ts');
    await askQuestion(config(), questions, { json: Boolean(options.json), language: options.lang });
  });

const tickets = program.command('tickets').description('read tickets');
tickets
  .command('list')
  .option('--status <status>', `one of ${ticketStatuses.join(', ')}`)
  .action(async (options: { status?: string }) => {
    if (options.status && !ticketStatuses.includes(options.status as TicketStatus)) {
      console.error(`Unknown status "${options.status}"; use one of ${ticketStatuses.join(', ')}`);
      process.exitCode = 2;
      return;
    }
    const { listTickets, ticketLabel } = await import('../tickets/ticket-store.ts');
    const { formatDate } = await import('../tickets/deadlines.ts');
    await withDatabase(async ({ db }) => {
      const rows = await listTickets(db, { status: options.status });
      if (rows.length === 0) console.log('No tickets.');
      for (const ticket of rows) {
        console.log(
          `${ticketLabel(ticket).padEnd(10)} ${statusLabel(ticket.status, 'ro', 'staff').padEnd(24)} ${ticket.department.padEnd(18)} due ${formatDate(ticket.dueDate)}  ${ticket.channel.padEnd(9)} ${ticket.subject.slice(0, 60)}`,
        );
      }
    });
  });
tickets
  .command('show')
  .argument('<number>', 'N or N/YYYY', parseTicketArgument)
  .action(async (reference: { number: number; year: number }) => {
    const { findTicket } = await import('../tickets/ticket-store.ts');
    const { ticketDetails } = await import('../tickets/ticket-details.ts');
    const { renderTicketDetails } = await import('../tickets/clerk-command-texts.ts');
    const { renderThread } = await import('../tickets/thread-text.ts');
    await withDatabase(async ({ db }) => {
      const ticket = await findTicket(db, reference);
      if (!ticket) {
        console.error(`Ticket ${reference.number}/${reference.year} does not exist.`);
        process.exitCode = 1;
        return;
      }
      const details = await ticketDetails(db, ticket);
      // The whole thread follows (full hashes, every message): the chat's capped one is left out of the details.
      console.log(renderTicketDetails(ticket, details.thread?.length ? { ...details, thread: [], conversation: [] } : details, 'ro'));
      // The thread in order: the citizen's messages, the clerks' replies and the bot's, in Bucharest time.
      console.log(renderThread(details.thread ?? [], config().deadlines.timeZone));
    });
  });

const clerks = program.command('clerks').description('manage who may use clerk commands');
clerks
  .command('add')
  .requiredOption('--name <name>', 'unique name, used by `command --clerk` and `/aloca`')
  .requiredOption('--department <department>', departmentIds.join(' | '))
  .option('--telegram <id>', 'Telegram numeric user id')
  .option('--teams <id>', 'Teams AAD object id')
  .option('--whatsapp <phone>', 'WhatsApp number, e.g. +40740123456')
  .option('--editor', 'may edit and publish procedures and the town hall\'s knowledge in /admin')
  .action(async (options: { name: string; department: string; telegram?: string; teams?: string; whatsapp?: string; editor?: boolean }) => {
    if (!isDepartmentId(options.department)) {
      console.error(`Unknown department "${options.department}"; use one of ${departmentIds.join(', ')}`);
      process.exitCode = 2;
      return;
    }
    const { addClerk } = await import('../tickets/clerk-directory.ts');
    await withDatabase(async ({ db }) => {
      try {
        const clerk = await addClerk(db, { name: options.name, department: options.department, telegramId: options.telegram, teamsId: options.teams, whatsapp: options.whatsapp, editor: options.editor === true });
        console.log(`Clerk "${clerk.name}" added (id ${clerk.id}, ${clerk.department}${clerk.editor ? ', editor' : ''}).`);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        console.error(error.message);
        process.exitCode = 1;
      }
    });
  });
clerks.command('list').action(async () => {
  const { listClerks } = await import('../tickets/clerk-directory.ts');
  await withDatabase(async ({ db }) => {
    const rows = await listClerks(db);
    if (rows.length === 0) console.log('No clerks yet: add one with `functionar clerks add --name … --department …`.');
    for (const clerk of rows) {
      const identities = [clerk.telegramId && `telegram ${clerk.telegramId}`, clerk.teamsId && `teams ${clerk.teamsId}`, clerk.whatsapp && `whatsapp ${clerk.whatsapp}`].filter(Boolean);
      console.log(`${clerk.name.padEnd(24)} ${clerk.department.padEnd(18)} ${(clerk.editor ? 'editor' : '').padEnd(7)} ${identities.join(', ')}`);
    }
  });
});

program
  .command('command')
  .description('run a clerk reply command from the shell, e.g. "/raspunde 12 Actele sunt gata"')
  .requiredOption('--clerk <name>', 'a registered clerk name')
  .argument('<text>')
  .action(async (text: string, options: { clerk: string }) => {
    const { ClerkCommandRunner } = await import('../tickets/clerk-command-runner.ts');
    const { createLogger } = await import('../logger.ts');
    const { createDocumentService, useDocumentServiceFactory } = await import('../documents/document-registry.ts');
    // "/emite …" registers the document through this service; the running server makes and sends it.
    useDocumentServiceFactory((database) =>
      createDocumentService({ config: config(), database, logger: { error: (details, message) => console.error(message, details) }, finishInBackground: false }),
    );
    await withDatabase(async ({ db }) => {
      // The running server's outbox delivers what this queues (it polls every OUTBOX_POLL_MS).
      const runner = new ClerkCommandRunner(db, createLogger('silent'), () => undefined);
      const outcome = await runner.run({ kind: 'name', value: options.clerk, channel: 'cli' }, text);
      console.log(outcome.text);
      if (!outcome.ok) process.exitCode = 1;
    });
  });

program
  .command('backup')
  .description('consistent online copy of the database (safe while the server runs)')
  .argument('<file>')
  .action(async (file: string) => {
    const { backupDatabase } = await import('../database/backup.ts');
    const database = await openCommandDatabase(config());
    try {
      await backupDatabase(database, file);
      console.log(`Backup written to ${file}`);
    } finally {
      await database.close();
    }
  });

for (const registerCommands of extraCommandRegistrars) registerCommands(program, { config });

await program.parseAsync(process.argv);
