import { openConfiguredDatabase, type Database } from '../database/connection.ts';
import { AppError } from '../errors.ts';
import type { Config } from '../config.ts';
import type { CommandEnvironment } from './command-registrars.ts';

/**
 * Opens the database for one command and closes it afterwards. A coded error is what the person at the
 * terminal needs to read: one line on stderr and exit status 1, not a stack trace.
 */
export async function withDatabase(environment: CommandEnvironment, work: (config: Config, database: Database) => Promise<void> | void): Promise<void> {
  const config = environment.config();
  const database = await openConfiguredDatabase(config);
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
