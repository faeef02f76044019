import type { Command } from 'commander';
import { AppError } from '../errors.ts';
import type { CommandRegistrar } from './command-registrars.ts';
import { openCommandDatabase } from './with-database.ts';

// `functionar clerks set-password`: the web inbox's passwords are set by the administrator, never typed
// on a command line (where they would stay in the shell history and the process list).

/** Reads everything piped on stdin and keeps its first line (scripts: `printf '%s' "$P" | … --password-stdin`). */
async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '');
}

/** Asks on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  return new Promise((resolve, reject) => {
    let typed = '';
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: string) => {
      for (const character of data) {
        if (character === '\r' || character === '\n') return finish();
        if (character === '\u0003') return finish(new Error('cancelled'));
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else if (character >= ' ') typed += character;
      }
    };
    input.on('data', onData);
  });
}

async function readNewPassword(fromStdin: boolean): Promise<string | undefined> {
  if (fromStdin) return readPasswordFromStdin();
  if (!process.stdin.isTTY) {
    console.error('stdin is not a terminal: pipe the password and add --password-stdin.');
    return undefined;
  }
  const password = await promptHidden('New password: ');
  const repeated = await promptHidden('Repeat the password: ');
  if (password !== repeated) {
    console.error('The two passwords differ; nothing was changed.');
    return undefined;
  }
  return password;
}

function clerksCommand(program: Command): Command {
  return program.commands.find((command) => command.name() === 'clerks') ?? program.command('clerks').description('manage who may use clerk commands');
}

export const registerAdminCommands: CommandRegistrar = (program, environment) => {
  clerksCommand(program)
    .command('set-password')
    .description('set the web inbox (/admin) password of a clerk; signs out their open sessions')
    .requiredOption('--name <name>', 'the clerk, as registered with `clerks add`')
    .option('--password-stdin', 'read the password from stdin (first line) instead of prompting')
    .action(async (options: { name: string; passwordStdin?: boolean }) => {
      let password: string | undefined;
      try {
        password = await readNewPassword(Boolean(options.passwordStdin));
      } catch {
        console.error('Cancelled; nothing was changed.');
        process.exitCode = 130;
        return;
      }
      if (password === undefined) {
        process.exitCode = 2;
        return;
      }
      const { setClerkPassword } = await import('../admin/clerk-accounts.ts');
      const database = await openCommandDatabase(environment.config());
      try {
        const clerk = await setClerkPassword(database.db, options.name, password);
        console.log(`Password set for "${clerk.name}"; they sign in at /admin.`);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        console.error(`${error.message}; nothing was changed.`);
        process.exitCode = error.code === 'FV_ERR_WEAK_PASSWORD' ? 2 : 1;
      } finally {
        await database.close();
      }
    });
};
