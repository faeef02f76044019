import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openDatabase } from '../../src/database/connection.ts';
import { copyToPostgres, type CopyProgress } from '../../src/database/copy-to-postgres.ts';
import { openPostgresDatabase } from '../../src/database/postgres-connection.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestApp } from '../helpers/test-app.ts';
import { freshPostgresDatabase, testPostgresAdminUrl } from '../helpers/test-database.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';
import { expectInstallation, expectNextTicketNumber, fillInstallation, installationEnvironment, rowCounts, type InstallationRecords } from './town-hall-installation.ts';

// A town hall that started on the embedded SQLite moves to PostgreSQL to run several instances: the
// administrator stops the server, runs `functionar migrate --to postgres://…`, puts the printed
// DATABASE_URL in .env and starts again. Citizens find their requests, answers and receipts as they were,
// and the next request gets the next number. (Runs in the `postgres` project, which provides the server.)

let dataDirectory: string;
let records: InstallationRecords;

/** The real CLI on the SQLite installation of `dataDirectory` (DATABASE_URL explicitly unset). */
function functionar(args: string[]) {
  return runCli(args, { environment: { DATA_DIR: dataDirectory, DATABASE_URL: '' } });
}

describe.skipIf(!testPostgresAdminUrl())('functionar migrate --to postgres://…', () => {
  beforeAll(async () => {
    dataDirectory = temporaryDirectory();
    // DATABASE_URL empty: this installation is on SQLite even though the project provides PostgreSQL.
    const sqliteApp = await startTestApp({ ...installationEnvironment, DATABASE_URL: '' }, { dataDirectory });
    try {
      expect(sqliteApp.app.functionar.database.engine).toBe('sqlite');
      records = await fillInstallation(sqliteApp);
    } finally {
      // The server is stopped before the move, as the documentation asks.
      await sqliteApp.close();
    }
  }, 120_000);

  afterAll(() => {
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  });

  let target: string;

  it('copies every table, says what to put in .env, and the app on PostgreSQL tells the citizen the same story', async () => {
    target = (await freshPostgresDatabase()) ?? '';
    const migrated = await functionar(['migrate', '--to', target]);
    expect(migrated.status, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/^ {2}tickets\s+2$/m);
    expect(migrated.stdout).toMatch(/^ {2}receipts\s+1$/m);
    expect(migrated.stdout).toMatch(/^ {2}open311_requests\s+1$/m);
    expect(migrated.stdout).toMatch(/^ {2}number_sequences\s+\d+$/m);
    expect(migrated.stdout).toContain(`Next ticket number: 3/${records.petitionLabel.split('/')[1]}`);
    expect(migrated.stdout).toContain(`  DATABASE_URL=${target}\n`);
    expect(migrated.stdout).toContain(`DATA_DIR=${dataDirectory}`);
    // Every table of the schema is in the summary, with the same count as in PostgreSQL.
    const counts = await rowCounts(target);
    for (const [table, count] of Object.entries(counts)) expect(migrated.stdout).toMatch(new RegExp(`^ {2}${table}\\s+${count}$`, 'm'));

    const postgresApp = await startTestApp({ ...installationEnvironment, DATABASE_URL: target }, { dataDirectory });
    try {
      expect(postgresApp.app.functionar.database.engine).toBe('postgres');
      await expectInstallation(postgresApp, records);
      await expectNextTicketNumber(postgresApp, records);
    } finally {
      await postgresApp.close();
    }
  }, 120_000);

  it('refuses a PostgreSQL database that already holds records, writing nothing', async () => {
    const before = await rowCounts(target);
    const refused = await functionar(['migrate', '--to', target]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^FV_ERR_MIGRATE_TARGET_NOT_EMPTY: The PostgreSQL database already holds records \(.*tickets: 3/m);
    expect(refused.stdout).not.toContain('DATABASE_URL=');
    expect(await rowCounts(target)).toEqual(before);
  });

  it('leaves nothing behind when the copy fails half-way, so running it again after the fix works', async () => {
    // A target that rejects the Open311 rows (copied late, after the tickets), as a misconfigured database would.
    const failing = (await freshPostgresDatabase()) ?? '';
    await (await openPostgresDatabase(failing)).close();
    const client = new pg.Client({ connectionString: failing });
    await client.connect();
    try {
      await client.query('alter table open311_requests add constraint reject_all check (false) not valid');
      const failed = await functionar(['migrate', '--to', failing]);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toMatch(/^FV_ERR_MIGRATE_COPY_FAILED: Copying open311_requests failed after 0 rows: .*reject_all.*Nothing was written/m);
      expect(Object.values(await rowCounts(failing)).every((count) => count === 0)).toBe(true);

      await client.query('alter table open311_requests drop constraint reject_all');
      const again = await functionar(['migrate', '--to', failing]);
      expect(again.status, again.stderr).toBe(0);
      expect(await rowCounts(failing)).toMatchObject({ tickets: 2, open311_requests: 1 });
    } finally {
      await client.end();
    }
  });

  it('copies in batches, reporting progress per table, with the same result as one batch', async () => {
    const source = openDatabase(path.join(dataDirectory, 'functionar.db'));
    const target = await openPostgresDatabase((await freshPostgresDatabase()) ?? '');
    const progress: CopyProgress[] = [];
    try {
      const outcome = await copyToPostgres(source, target, { batchSize: 2, onProgress: (step) => progress.push(step) });
      const messages = outcome.tables.find((table) => table.table === 'messages')?.rows ?? 0;
      expect(messages).toBeGreaterThan(4);
      expect(progress.filter((step) => step.table === 'messages').map((step) => step.copied)).toEqual(Array.from({ length: Math.ceil(messages / 2) }, (_, batch) => Math.min(messages, (batch + 1) * 2)));
      expect(await rowCounts(target.url)).toEqual(Object.fromEntries(outcome.tables.map((table) => [table.table, table.rows])));
    } finally {
      source.close();
      await target.close();
    }
  });

  it('refuses a target that is not a PostgreSQL URL, and a data directory without a database', async () => {
    const notPostgres = await functionar(['migrate', '--to', 'mysql://root@localhost/functionar']);
    expect(notPostgres.status).toBe(1);
    expect(notPostgres.stderr).toMatch(/FV_ERR_MIGRATE_TARGET_URL/);

    const empty = temporaryDirectory();
    try {
      const missing = await runCli(['migrate', '--to', (await freshPostgresDatabase()) ?? ''], { environment: { DATA_DIR: empty, DATABASE_URL: '' } });
      expect(missing.status).toBe(1);
      expect(missing.stderr).toMatch(/FV_ERR_MIGRATE_SOURCE_MISSING/);
      expect(fs.existsSync(`${empty}/functionar.db`)).toBe(false);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses while the server runs on the SQLite database, since what it writes meanwhile would be left behind', async () => {
    const serving = await startTestApp({ ...installationEnvironment, DATABASE_URL: '' }, { dataDirectory });
    try {
      const refused = await functionar(['migrate', '--to', (await freshPostgresDatabase()) ?? '']);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/^FV_ERR_MIGRATE_SOURCE_IN_USE: .* is in use: stop the server/m);
    } finally {
      await serving.close();
    }
  });
});
