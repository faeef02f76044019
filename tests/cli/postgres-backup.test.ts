import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { startTestApp } from '../helpers/test-app.ts';
import { freshPostgresDatabase, testPostgresAdminUrl } from '../helpers/test-database.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';
import { expectInstallation, expectNextTicketNumber, fillInstallation, installationEnvironment, rowCounts, type InstallationRecords } from './town-hall-installation.ts';

// A town hall on PostgreSQL backs up with `functionar backup FILE` while the server runs (pg_dump, custom
// format) and restores with PostgreSQL's own pg_restore into a new database: every row comes back, and an app
// on the restored database tells citizens what it told them before. `functionar restore` (SQLite's) refuses
// and says how. (Runs in the `postgres` project, which provides the server.)

let dataDirectory: string;
let databaseUrl: string;
let records: InstallationRecords;
let backupFile: string;

function functionar(args: string[], url: string) {
  return runCli(args, { environment: { DATA_DIR: dataDirectory, DATABASE_URL: url } });
}

describe.skipIf(!testPostgresAdminUrl())('functionar backup on PostgreSQL, restored with pg_restore', () => {
  beforeAll(async () => {
    dataDirectory = temporaryDirectory();
    backupFile = path.join(dataDirectory, 'functionar.pgdump');
    databaseUrl = (await freshPostgresDatabase()) ?? '';
    const app = await startTestApp({ ...installationEnvironment, DATABASE_URL: databaseUrl }, { dataDirectory });
    try {
      expect(app.app.functionar.database.engine).toBe('postgres');
      records = await fillInstallation(app);
      // Online: the server keeps running while pg_dump reads its snapshot.
      const backup = await functionar(['backup', backupFile], databaseUrl);
      expect(backup.status, backup.stderr).toBe(0);
      expect(backup.stdout).toContain(`Backup written to ${backupFile}`);
    } finally {
      await app.close();
    }
  }, 120_000);

  afterAll(() => {
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('restores into a new database with every row, and the app on it tells the citizen the same story', async () => {
    expect(fs.readFileSync(backupFile).subarray(0, 5).toString()).toBe('PGDMP');
    const restored = (await freshPostgresDatabase()) ?? '';
    const restore = spawnSync('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${restored}`, backupFile], { encoding: 'utf8', timeout: 60_000 });
    expect(restore.status, restore.stderr).toBe(0);

    const original = await rowCounts(databaseUrl);
    expect(original).toMatchObject({ tickets: 2, receipts: 1, open311_requests: 1 });
    expect(await rowCounts(restored)).toEqual(original);

    const app = await startTestApp({ ...installationEnvironment, DATABASE_URL: restored }, { dataDirectory });
    try {
      await expectInstallation(app, records);
      // The sequences came back with the rows: new rows do not collide and the numbering continues.
      await expectNextTicketNumber(app, records);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('functionar restore refuses on PostgreSQL and points to pg_restore, changing nothing', async () => {
    const before = await rowCounts(databaseUrl);
    const refused = await functionar(['restore', backupFile], databaseUrl);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^FV_ERR_RESTORE_POSTGRES: .*pg_restore --no-owner/m);
    expect(await rowCounts(databaseUrl)).toEqual(before);
    expect(fs.existsSync(path.join(dataDirectory, 'functionar.db'))).toBe(false);
  });
});
