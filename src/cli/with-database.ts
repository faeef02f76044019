import type { Database, DatabaseHandle } from '../database/connection.ts';
import { AppError } from '../errors.ts';
import type { Config } from '../config.ts';
import type { CommandEnvironment } from './command-registrars.ts';

/**
 * Opens the configured database. Its code (drizzle, the drivers, the schema) is loaded here, when a command
 * needs it, so that `--help` and the commands that never touch the database start without it.
 */
export async function openCommandDatabase(config: Pick<Config, 'databasePath' | 'databaseUrl'>): Promise<DatabaseHandle> {
  const { openConfiguredDatabase } = await import('../database/connection.ts');
  return openConfiguredDatabase(config);
}

/**
 * Opens the database for one command and closes it afterwards. A coded error is what the person at the
 * terminal needs to read: one line on stderr and exit status 1, not a stack trace.
 */
export async function withDatabase(environment: CommandEnvironment, work: (config: Config, database: Database) => Promise<void> | void): Promise<void> {
  const config = environment.config();
  const database = await openCommandDatabase(config);
  try {
    await work(config, database.db);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}
