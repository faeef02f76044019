import fs from 'node:fs';
import os from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { localDate } from '../tickets/deadlines.ts';
import type { CommandRegistrar } from './command-registrars.ts';
import { withDatabase } from './with-database.ts';

// `functionar documents verify FILE` (exit 0 authentic and unchanged, 1 not, 2 unreadable),
// `functionar documents revoke NUMBER --reason R` (audited on the request), and
// `functionar archive export --year YYYY --out DIR` (★ DESIGN §4).

function parseDocumentNumber(value: string): { number: number; year: number } {
  const match = /^(\d{1,9})(?:\/(\d{4}))?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('use the number of the outgoing register, e.g. 12 or 12/2026');
  return { number: Number(match[1]), year: match[2] ? Number(match[2]) : Number(localDate(new Date()).slice(0, 4)) };
}

function parseYear(value: string): number {
  if (!/^\d{4}$/.test(value)) throw new InvalidArgumentError('use a year such as 2026');
  return Number(value);
}

export const registerDocumentCommands: CommandRegistrar = (program: Command, environment) => {
  const documents = program.command('documents').description('documents the town hall issued (the outgoing register)');
  documents
    .command('verify')
    .description('is FILE a document issued here, unchanged, validly signed and not revoked? exit 0 yes, 1 no, 2 unreadable')
    .argument('<file>')
    .action(async (file: string) => {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch (error) {
        console.error(`UNREADABLE: ${(error as Error).message}`);
        process.exitCode = 2;
        return;
      }
      const { checkDocumentFile } = await import('../documents/document-file-check.ts');
      const { documentLabel } = await import('../documents/document-storage.ts');
      await withDatabase(environment, async (_config, database) => {
        const result = await checkDocumentFile(database, bytes);
        if (result.unreadable) {
          console.error(`UNREADABLE: ${file} is not a PDF`);
          process.exitCode = 2;
          return;
        }
        for (const line of result.lines) console.log(`${line.ok ? 'ok  ' : 'FAIL'} ${line.check.padEnd(10)} ${line.detail}`);
        console.log(result.authentic ? `AUTHENTIC: document ${result.document ? documentLabel(result.document) : ''} issued by the town hall, unchanged` : 'NOT AUTHENTIC (or revoked): see the lines above');
        process.exitCode = result.authentic ? 0 : 1;
      });
    });
  documents
    .command('revoke')
    .description('mark an issued document revoked (it stays in the register; /verify and documents verify say so)')
    .argument('<number>', 'the outgoing register number, N or N/YYYY', parseDocumentNumber)
    .requiredOption('--reason <text>', 'why (recorded and shown on the verification page)')
    .option('--clerk <name>', 'the clerk who decided it (recorded in the audit trail)')
    .action((reference: { number: number; year: number }, options: { reason: string; clerk?: string }) =>
      withDatabase(environment, async (config, database) => {
        const { findClerk } = await import('../tickets/clerk-directory.ts');
        const { createDocumentService } = await import('../documents/document-registry.ts');
        const { documentLabel } = await import('../documents/document-storage.ts');
        const clerk = options.clerk ? await findClerk(database, 'name', options.clerk) : undefined;
        if (options.clerk && !clerk) {
          console.error(`No clerk named "${options.clerk}".`);
          process.exitCode = 1;
          return;
        }
        const service = createDocumentService({ config, database, logger: { error: () => undefined }, finishInBackground: false });
        const actor = clerk
          ? { type: 'clerk' as const, id: String(clerk.id), channel: 'cli', clerkId: clerk.id }
          : { type: 'system' as const, id: `shell:${os.userInfo().username}`, channel: 'cli' };
        const revoked = await service.revoke(reference, options.reason.trim(), actor);
        console.log(`Document ${documentLabel(revoked)} (${revoked.title}) revoked: ${revoked.revokedReason}`);
      }),
    );

  const archive = program.command('archive').description('the archive (Legea 16/1996): registers and files per archive index entry');
  archive
    .command('export')
    .description("write the year's registers, the files per index entry with their lists (opis) and the inventory, as CSV and PDF")
    .requiredOption('--year <year>', 'the year, e.g. 2026', parseYear)
    .requiredOption('--out <dir>', 'the folder to write (created if missing)')
    .action((options: { year: number; out: string }) =>
      withDatabase(environment, async (config, database) => {
        const { exportArchive } = await import('../archive/archive-export.ts');
        const { loadNomenclator } = await import('../archive/nomenclator.ts');
        const { readTownHall } = await import('../receipts/town-hall-source.ts');
        const summary = await exportArchive(database, {
          year: options.year,
          outputDirectory: options.out,
          dataDirectory: config.dataDirectory,
          nomenclator: loadNomenclator(config.knowledgeDirectory),
          townHallName: readTownHall(config.knowledgeDirectory)?.name.ro ?? config.townHallName,
        });
        console.log(`Archive ${summary.year} written to ${summary.directory}: ${summary.tickets} requests (incoming register), ${summary.documents} documents (outgoing register)`);
        for (const entry of summary.entries) console.log(`  ${entry.id.padEnd(8)} ${String(entry.records).padStart(5)} records ${String(entry.pages).padStart(6)} pages  ${entry.folder}`);
      }),
    );
};
