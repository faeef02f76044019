import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstRow, type DatabaseHandle } from '../../src/database/connection.ts';
import { contacts, conversations, messages, tickets } from '../../src/database/schema.ts';
import { runRetention } from '../../src/gdpr/retention.ts';
import { computeIndicators, type Indicators } from '../../src/reports/indicators.ts';
import { runCli } from '../helpers/cli.ts';
import { openTestDatabase } from '../helpers/test-database.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';
import { seedIndicatorDataset } from '../reports/seeded-dataset.ts';

let dataDirectory: string;
let database: DatabaseHandle;
let ids: Awaited<ReturnType<typeof seedIndicatorDataset>>;

beforeEach(async () => {
  dataDirectory = temporaryDirectory();
  database = await openTestDatabase(dataDirectory);
  ids = await seedIndicatorDataset(database.db);
});

afterEach(async () => {
  await database?.close();
  fs.rmSync(dataDirectory, { recursive: true, force: true });
});

/** What must not change when personal data is deleted: the figures, not the question texts. */
function figures(indicators: Indicators) {
  const { users, conversations: talks, tickets: registry, firstResponse, overdue, topProcedures, unanswered } = indicators;
  return { users, talks, registry, firstResponse, overdue, topProcedures, unansweredTotal: unanswered.total };
}

describe('the retention rule', () => {
  it('deletes idle conversations that led to no ticket, and keeps those of people with a ticket', async () => {
    const summary = await runRetention(database.db, { days: 180, now: new Date('2026-12-01T00:00:00.000Z') });
    expect(summary).toMatchObject({ conversations: 3, messages: 12, contacts: 3 });

    const remaining = (await database.db.select().from(conversations)).map((row) => row.id).sort();
    expect(remaining).toEqual([ids.conversations.csaba, ids.conversations.dana, ids.conversations.newYear].sort());
    expect(await database.db.select().from(messages).where(eq(messages.contactId, ids.contacts.bela))).toEqual([]);
    expect(await firstRow(database.db.select().from(contacts).where(eq(contacts.id, ids.contacts.ana)))).toBeUndefined();
    // Tickets and the conversations that led to them are the registry's record.
    expect(await database.db.select().from(tickets)).toHaveLength(5);
    expect((await database.db.select().from(messages).where(eq(messages.contactId, ids.contacts.csaba))).length).toBeGreaterThan(0);

    expect(await runRetention(database.db, { days: 180, now: new Date('2026-12-01T00:00:00.000Z') })).toMatchObject({ conversations: 0, messages: 0, contacts: 0 });
  });

  it("leaves every year's figures as they were: the deleted conversations still count", async () => {
    const now = new Date('2026-12-01T00:00:00.000Z');
    const before = [figures(await computeIndicators(database.db, { year: 2025, now })), figures(await computeIndicators(database.db, { year: 2026, now }))];
    await runRetention(database.db, { days: 180, now });
    const after = [await computeIndicators(database.db, { year: 2025, now }), await computeIndicators(database.db, { year: 2026, now })];
    expect(after.map(figures)).toEqual(before);
    expect(after[1]?.archived).toEqual({ users: 2, conversations: 2 });
    // Only numbers were kept: the texts of the deleted questions are gone.
    expect(after[1]?.unanswered.questions.map((question) => question.text)).toEqual(['cat costa parcarea in centru']);
  });

  it('keeps everything with RETENTION_DAYS=0', async () => {
    expect(await runRetention(database.db, { days: 0, now: new Date('2030-01-01T00:00:00.000Z') })).toMatchObject({ conversations: 0 });
    expect(await database.db.select().from(conversations)).toHaveLength(6);
  });

  it('runs from the shell with `functionar retention run`', async () => {
    await database.close();
    const result = await runCli(['retention', 'run'], { environment: { DATA_DIR: dataDirectory, RETENTION_DAYS: '180' } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Deleted [3-9] conversations \(\d+ messages\) idle since before .* \(RETENTION_DAYS=180\)\.$/m);
    database = await openTestDatabase(dataDirectory);
    expect(await firstRow(database.db.select().from(conversations).where(eq(conversations.id, ids.conversations.bela)))).toBeUndefined();
    expect(await firstRow(database.db.select().from(conversations).where(eq(conversations.id, ids.conversations.csaba)))).toBeDefined();
  });
});
