import fs from 'node:fs';
import type { DatabaseHandle } from '../database/connection.ts';
import type { CopyProgress, NextNumber } from '../database/copy-to-postgres.ts';
import { AppError } from '../errors.ts';
import type { CommandRegistrar } from './command-registrars.ts';
import { openCommandDatabase } from './with-database.ts';

// `functionar migrate --to postgres://…` (★ DESIGN §4): copies the configured SQLite installation into an
// empty PostgreSQL database (src/database/copy-to-postgres.ts) and says what to change in .env. The SQLite
// file is only read; it stays as it was, a backup of the moment of the move.

function checkedTarget(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('FV_ERR_MIGRATE_TARGET_URL', `"${url}" is not a URL; use postgres://user:password@host:5432/database`, 400);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new AppError('FV_ERR_MIGRATE_TARGET_URL', `--to must be a PostgreSQL URL (postgres://user:password@host:5432/database), not ${parsed.protocol}//…`, 400);
  }
  return url;
}

/** The URL for the summary: the password stays out of the terminal's scrollback except on the .env line. */
function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

async function openTarget(databasePath: string, url: string): Promise<DatabaseHandle> {
  try {
    return await openCommandDatabase({ databasePath, databaseUrl: url });
  } catch (error) {
    throw new AppError('FV_ERR_MIGRATE_TARGET_UNREACHABLE', `Cannot open ${withoutPassword(url)}: ${(error as Error).message}. Create the database first (createdb) and check the URL.`, 503, { cause: error });
  }
}

/** What a running server writes after the copy's snapshot would be lost (numbers told to citizens included). */
async function ensureServerStopped(databasePath: string): Promise<void> {
  const { ensureNotInUse, RestoreError } = await import('../database/restore.ts');
  try {
    ensureNotInUse(databasePath);
  } catch (error) {
    if (!(error instanceof RestoreError)) throw error;
    throw new AppError('FV_ERR_MIGRATE_SOURCE_IN_USE', `${error.message}: what it wrote after the copy would not be in PostgreSQL.`, 409);
  }
}

/** Large tables report every tenth of the way, on stderr, so stdout stays the summary. */
function progressReporter(): (progress: CopyProgress) => void {
  const reported = new Map<string, number>();
  return ({ table, copied, total }) => {
    if (total < 10_000) return;
    const tenth = Math.floor((copied * 10) / total);
    if ((reported.get(table) ?? 0) >= tenth) return;
    reported.set(table, tenth);
    console.error(`  ${table}: ${copied} / ${total}`);
  };
}

export const registerMigrateCommands: CommandRegistrar = (program, environment) => {
  program
    .command('migrate')
    .description('copy this SQLite installation into an empty PostgreSQL database (stop the server first)')
    .requiredOption('--to <url>', 'the PostgreSQL database, postgres://user:password@host:5432/database')
    .action(async (options: { to: string }) => {
      const { databasePath, dataDirectory, deadlines } = environment.config();
      const { timeZone } = deadlines;
      let source: DatabaseHandle | undefined;
      let target: DatabaseHandle | undefined;
      try {
        const url = checkedTarget(options.to);
        if (!fs.existsSync(databasePath)) throw new AppError('FV_ERR_MIGRATE_SOURCE_MISSING', `No SQLite database at ${databasePath} (DATA_DIR / DATABASE_PATH): nothing to migrate.`, 404);
        await ensureServerStopped(databasePath);
        const { openDatabase } = await import('../database/connection.ts');
        // Opening migrates the SQLite file to the current schema, so its columns are PostgreSQL's columns.
        source = openDatabase(databasePath);
        target = await openTarget(databasePath, url);
        if (source.engine !== 'sqlite' || target.engine !== 'postgres') throw new AppError('FV_ERR_MIGRATE_ENGINES', 'migrate copies SQLite into PostgreSQL only.', 400);
        console.log(`Copying ${databasePath} into ${withoutPassword(url)} …`);
        const { copyToPostgres } = await import('../database/copy-to-postgres.ts');
        const outcome = await copyToPostgres(source, target, { onProgress: progressReporter() });

        const width = Math.max(...outcome.tables.map((table) => table.table.length));
        console.log('Copied (rows per table, counts checked on both):');
        for (const { table, rows } of outcome.tables) console.log(`  ${table.padEnd(width)}  ${rows}`);
        const { localDate } = await import('../tickets/deadlines.ts');
        const year = Number(localDate(new Date(), timeZone).slice(0, 4));
        const next = (register: NextNumber['register']) => `${outcome.nextNumbers.find((entry) => entry.register === register && entry.year === year)?.next ?? 1}/${year}`;
        console.log(`Next ticket number: ${next('tickets')}; next outgoing document number: ${next('documents')} (the same as on SQLite).`);
        console.log('');
        console.log('To run on PostgreSQL, change .env:');
        console.log(`  DATABASE_URL=${url}`);
        console.log(`Keep DATA_DIR=${dataDirectory}: attachments, receipts, issued documents and channel sessions stay files there;`);
        console.log('every instance must share that directory (or have a copy of it).');
        console.log(`${databasePath} is left as it was; keep it as the backup of this moment. Then start the server again.`);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        console.error(`${error.code}: ${error.message}`);
        process.exitCode = 1;
      } finally {
        await source?.close();
        await target?.close();
      }
    });
};
