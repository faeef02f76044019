import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConfiguredDatabase, type DatabaseHandle } from '../../src/database/connection.ts';
import { runRetention } from '../../src/gdpr/retention.ts';
import { computeIndicators } from '../../src/reports/indicators.ts';
import { openTestDatabase, postgresDatabaseFor, testPostgresAdminUrl } from '../helpers/test-database.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';
import { seedIndicatorDataset } from '../reports/seeded-dataset.ts';

// Every instance applies the retention rule once a day on its own clock (issue #20). Two runs at the same
// moment, from two instances' connections, delete each idle conversation once and count it once into the
// yearly figures: each batch takes the retention job lock and reads what the previous batch left.
// PostgreSQL only: two connections to one SQLite file in one process block each other (better-sqlite3
// waits for the file lock synchronously); on SQLite the server and `functionar retention run` are processes.

let dataDirectory: string;
const handles: DatabaseHandle[] = [];

beforeEach(() => {
  dataDirectory = temporaryDirectory();
});

afterEach(async () => {
  for (const handle of handles.splice(0)) await handle.close();
  fs.rmSync(dataDirectory, { recursive: true, force: true });
});

describe('the retention rule run by two instances at once', () => {
  it.runIf(testPostgresAdminUrl() !== undefined)('deletes and counts each idle conversation once', async () => {
    const first = await openTestDatabase(dataDirectory);
    handles.push(first);
    const second = await openConfiguredDatabase({ databasePath: '', databaseUrl: await postgresDatabaseFor(dataDirectory) });
    handles.push(second);
    await seedIndicatorDataset(first.db);
    const now = new Date('2026-12-01T00:00:00.000Z');

    const summaries = await Promise.all([runRetention(first.db, { days: 180, now }), runRetention(second.db, { days: 180, now })]);
    expect(summaries[0]!.conversations + summaries[1]!.conversations).toBe(3);
    expect(summaries[0]!.messages + summaries[1]!.messages).toBe(12);

    // The same figures as one run gives (tests/gdpr/retention.test.ts): nothing counted twice into the archive.
    const after = await computeIndicators(first.db, { year: 2026, now });
    expect(after.archived).toEqual({ users: 2, conversations: 2 });
  });
});
