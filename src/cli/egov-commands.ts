import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../database/connection.ts';
import { AppError } from '../errors.ts';
import type { StorageScrubOutcome } from '../gdpr/storage-scrub.ts';
import { renderReport, reportFormats, type ReportFormat } from '../reports/report-formats.ts';
import type { CommandRegistrar } from './command-registrars.ts';
import { openCommandDatabase } from './with-database.ts';

// The e-government commands: indicators, personal data (export, erase, retention), open exports and
// registration receipts. Each opens the database itself, so they work while the server runs.

/** Opens the database for one command; it is closed only once the (awaited) work is over. */
async function withDatabase<T>(config: Config, work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = await openCommandDatabase(config);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

function reportError(error: unknown): void {
  if (!(error instanceof AppError)) throw error;
  console.error(error.message);
  process.exitCode = error.statusCode === 404 ? 1 : 2;
}

function reportScrub(outcome: StorageScrubOutcome): void {
  const done =
    outcome.engine === 'sqlite'
      ? `Database file rebuilt (${outcome.freePagesCleared} free pages cleared) and WAL emptied`
      : `PostgreSQL tables rewritten from their live rows (${outcome.tablesRewritten} tables, VACUUM FULL)`;
  console.log(`${done}: erased data is gone from the files; backups taken from now on are clean, older backups still hold it.`);
}

function parseYear(value: string): number {
  if (!/^\d{4}$/.test(value)) throw new InvalidArgumentError('use a year such as 2026');
  return Number(value);
}

function parseFormat(value: string): ReportFormat {
  if (!(reportFormats as readonly string[]).includes(value)) throw new InvalidArgumentError(`use ${reportFormats.join(', ')}`);
  return value as ReportFormat;
}

async function procedureTitles(config: Config): Promise<(slug: string) => string | undefined> {
  const { loadKnowledge } = await import('../knowledge/knowledge-loader.ts');
  try {
    const knowledge = await loadKnowledge(config.knowledgeDirectory);
    const titles = new Map(knowledge.procedures.map((procedure) => [procedure.slug, procedure.title.ro]));
    return (slug) => titles.get(slug);
  } catch {
    return () => undefined;
  }
}

export const registerEgovCommands: CommandRegistrar = (program: Command, environment) => {
  program
    .command('report')
    .description('indicators of the funded project for a year (users per channel against the 540 target, tickets, response times…)')
    .option('--year <year>', 'calendar year (default: this year)', parseYear)
    .option('--format <format>', `${reportFormats.join(' | ')} (default md)`, parseFormat, 'md' as ReportFormat)
    .action(async (options: { year?: number; format: ReportFormat }) => {
      const config = environment.config();
      const { computeIndicators } = await import('../reports/indicators.ts');
      const { localDate } = await import('../tickets/deadlines.ts');
      const titleOf = await procedureTitles(config);
      const year = options.year ?? Number(localDate(new Date()).slice(0, 4));
      await withDatabase(config, async ({ db }) => {
        process.stdout.write(renderReport(await computeIndicators(db, { year, titleOf }), options.format));
      });
    });

  const gdpr = program.command('gdpr').description("a person's data: export (GDPR art. 15/20) and erasure (art. 17)");
  gdpr
    .command('export')
    .description('write everything stored about a contact (JSON + attachments + receipts) to a ZIP file')
    .requiredOption('--contact <id>', 'contact id, channel:id (whatsapp:+40740123456) or ticket:N/YYYY')
    .option('--out <file>', 'ZIP file to write (default: gdpr-export-contact-<id>.zip)')
    .action(async (options: { contact: string; out?: string }) => {
      const config = environment.config();
      const { findContactBySelector } = await import('../gdpr/contact-selector.ts');
      const { buildPersonalDataZip } = await import('../gdpr/personal-data-export.ts');
      await withDatabase(config, async ({ db }) => {
        try {
          const contact = await findContactBySelector(db, options.contact);
          const { zip, data } = await buildPersonalDataZip(db, config.dataDirectory, contact.id, config.townHallName);
          const file = path.resolve(options.out ?? `gdpr-export-contact-${contact.id}.zip`);
          fs.writeFileSync(file, zip, { mode: 0o600 });
          console.log(
            `Wrote ${file}: contact ${contact.id} (${contact.channel}), ${data.messages.length} messages, ${data.deliveries.length} deliveries, ${data.tickets.length} tickets, ${data.files.filter((entry) => entry.path).length} files.`,
          );
        } catch (error) {
          reportError(error);
        }
      });
    });
  gdpr
    .command('erase')
    .description("anonymise a contact: names, phones, e-mails, texts and files go; the tickets' registry record stays (archive law)")
    .requiredOption('--contact <id>', 'contact id, channel:id (whatsapp:+40740123456) or ticket:N/YYYY')
    .action(async (options: { contact: string }) => {
      const config = environment.config();
      const { findContactBySelector } = await import('../gdpr/contact-selector.ts');
      const { archiveIndexForErasure } = await import('../gdpr/document-erasure.ts');
      const { eraseContact } = await import('../gdpr/erasure.ts');
      const { scrubStorage } = await import('../gdpr/storage-scrub.ts');
      await withDatabase(config, async (database) => {
        const { db } = database;
        try {
          const contact = await findContactBySelector(db, options.contact);
          const summary = await eraseContact(db, config.dataDirectory, contact.id, new Date(), { nomenclator: archiveIndexForErasure(config.knowledgeDirectory) });
          console.log(
            `Contact ${summary.contactId} anonymised: ${summary.messages} messages and ${summary.tickets} tickets cleared of personal data, ${summary.filesDeleted} files deleted. The tickets' numbers, dates, type, department and status are kept${summary.documentsKept > 0 ? `; ${summary.documentsKept} issued documents stay in the archive (retention term running)` : ''}.`,
          );
          reportScrub(await scrubStorage(database));
        } catch (error) {
          reportError(error);
        }
      });
    });
  gdpr
    .command('scrub')
    .description('rebuild the database file and empty its WAL so nothing erased is left in free space (run by `gdpr erase`)')
    .action(async () => {
      const config = environment.config();
      const { scrubStorage } = await import('../gdpr/storage-scrub.ts');
      await withDatabase(config, async (database) => {
        try {
          reportScrub(await scrubStorage(database));
        } catch (error) {
          reportError(error);
        }
      });
    });

  program
    .command('retention')
    .description('apply the retention rule (RETENTION_DAYS)')
    .command('run')
    .description('delete conversations without a ticket idle for more than RETENTION_DAYS (the server also does it daily)')
    .action(async () => {
      const config = environment.config();
      if (config.retentionDays <= 0) {
        console.log('RETENTION_DAYS=0: conversations are kept; nothing deleted.');
        return;
      }
      const { runRetention } = await import('../gdpr/retention.ts');
      await withDatabase(config, async ({ db }) => {
        const summary = await runRetention(db, { days: config.retentionDays });
        console.log(
          `Deleted ${summary.conversations} conversations (${summary.messages} messages) idle since before ${summary.cutoff} and ${summary.contacts} contacts left without data (RETENTION_DAYS=${config.retentionDays}).`,
        );
      });
    });

  program
    .command('receipt')
    .description('registration receipts (confirmare de înregistrare)')
    .command('verify <file>')
    .description('check a receipt PDF: its code was issued here, its SHA-256 is the one recorded, its signature verifies; exit 1 if not')
    .action(async (file: string) => {
      const config = environment.config();
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(path.resolve(file));
      } catch (error) {
        console.error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        process.exitCode = 2;
        return;
      }
      const { checkReceiptFile } = await import('../receipts/receipt-file-check.ts');
      await withDatabase(config, async ({ db }) => {
        const check = await checkReceiptFile(db, bytes);
        console.log(`Receipt ${path.basename(file)}${check.ticket ? ` (request ${check.ticket})` : ''}`);
        for (const line of check.lines) console.log(`  ${line.ok ? 'ok  ' : 'FAIL'} ${line.check.padEnd(9)} ${line.detail}`);
        if (check.authentic) {
          console.log('AUTHENTIC AND UNCHANGED: this is the receipt the town hall issued.');
        } else {
          console.log('NOT VERIFIED: this file is not, or is no longer, the receipt the town hall issued.');
          process.exitCode = 1;
        }
      });
    });

  program
    .command('export')
    .description('write tickets, ticket events and messages as CSV and JSON (schema: docs/export-schema.md)')
    .requiredOption('--out <directory>', 'directory to write into (created if missing)')
    .option('--without-personal-data', 'leave out names, contacts, texts and event details (for publishing statistics)')
    .option('--masked-texts', 'with --without-personal-data: keep texts, with CNPs, phones, e-mails and names masked (for a contractor)')
    .action(async (options: { out: string; withoutPersonalData?: boolean; maskedTexts?: boolean }) => {
      const config = environment.config();
      const { writeOpenExport } = await import('../exports/open-export.ts');
      await withDatabase(config, async ({ db }) => {
        const summary = await writeOpenExport(db, path.resolve(options.out), { withPersonalData: !options.withoutPersonalData, maskTexts: options.maskedTexts ?? false });
        for (const file of summary.files) console.log(`${file.name.padEnd(20)} ${String(file.rows).padStart(7)} rows  sha256 ${file.sha256}`);
        console.log(`Export written to ${summary.directory} (manifest.json lists the files).`);
      });
    });
};
