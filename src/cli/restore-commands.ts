import path from 'node:path';
import type { CommandRegistrar } from './command-registrars.ts';

// `functionar restore FILE`: puts a `functionar backup` copy back in place of the database, refusing while
// the server runs (src/database/restore.ts says why copying the file by hand is not enough).

export const registerRestoreCommands: CommandRegistrar = (program, environment) => {
  program
    .command('restore')
    .description('replace the database with a `functionar backup` copy (stop the server first)')
    .argument('<file>')
    .action(async (file: string) => {
      const { databasePath, databaseUrl } = environment.config();
      const { restoreDatabase, restoredUnansweredIntent, RestoreError } = await import('../database/restore.ts');
      try {
        // A PostgreSQL backup (pg_dump's custom format) goes back with PostgreSQL's own tool, into a new database.
        if (databaseUrl) {
          throw new RestoreError(
            'FV_ERR_RESTORE_POSTGRES',
            'functionar restore puts back an SQLite backup; this installation is on PostgreSQL (DATABASE_URL). Restore a `functionar backup` file with pg_restore: stop every instance, createdb a new database, run `pg_restore --no-owner --exit-on-error --dbname=postgres://…/new FILE`, point DATABASE_URL at it and start again (docs/scaling-out.md).',
          );
        }
        const outcome = await restoreDatabase(path.resolve(file), databasePath);
        console.log(`Restored ${databasePath} from ${file}: ${outcome.restored.tickets} tickets, ${outcome.restored.messages} messages.`);
        const { deliveriesToCheck, unansweredMessages } = outcome.held;
        console.log(
          `${deliveriesToCheck} deliveries the backup had pending are marked "to check" and will not be sent again (they may have been delivered after the backup was taken); clerks see them on the ticket and next to the reply.`,
        );
        console.log(
          `${unansweredMessages.length} citizens' messages the backup had not answered are marked "${restoredUnansweredIntent}" and will not be answered again automatically; a clerk should read them:`,
        );
        for (const message of unansweredMessages) {
          console.log(`  message ${message.id} · ${message.channel} · contact ${message.contactId}${message.ticketId ? ` · ticket id ${message.ticketId}` : ''} · received ${message.createdAt}`);
        }
        if (outcome.previous) console.log(`The database it replaced is kept as ${outcome.previous}.`);
        console.log('Start the server again (npm start); migrations newer than the backup are applied at start.');
      } catch (error) {
        if (!(error instanceof RestoreError)) throw error;
        console.error(`${error.code}: ${error.message}`);
        process.exitCode = 1;
      }
    });
};
