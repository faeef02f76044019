import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/database/connection.ts';
import { contacts, conversations, messages, tickets } from '../../src/database/schema.ts';
import { runRetention } from '../../src/gdpr/retention.ts';
import { computeIndicators, type Indicators } from '../../src/reports/indicators.ts';
import { runCli } from '../helpers/cli.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';
import { seedIndicatorDataset } from '../reports/seeded-dataset.ts';

let dataDirectory: string;
let database: DatabaseHandle;
let ids: ReturnType<typeof seedIndicatorDataset>;

beforeEach(() => {
  dataDirectory = temporaryDirectory();
  database = openDatabase(path.join(dataDirectory, 'functionar.db'));
  ids = seedIndicatorDataset(database.db);
});

afterEach(() => {
  database?.close();
  fs.rmSync(dataDirectory, { recursive: true, force: true });
});

/** What must not change when personal data is deleted: the figures, not the question texts. */
function figures(indicators: Indicators) {
  const { users, conversations: talks, tickets: registry, firstResponse, overdue, topProcedures, unanswered } = indicators;
  return { users, talks, registry, firstResponse, overdue, topProcedures, unansweredTotal: unanswered.total };
}

describe('the retention rule', () => {
  it('deletes idle conversations that led to no ticket, and keeps those of people with a ticket', () => {
    const summary = runRetention(database.db, { days: 180, now: new Date('2026-12-01T00:00:00.000Z') });
    expect(summary).toMatchObject({ conversations: 3, messages: 12, contacts: 3 });

    const remaining = database.db.select().from(conversations).all().map((row) => row.id).sort();
    expect(remaining).toEqual([ids.conversations.csaba, ids.conversations.dana, ids.conversations.newYear].sort());
    expect(database.db.select().from(messages).where(eq(messages.contactId, ids.contacts.bela)).all()).toEqual([]);
    expect(database.db.select().from(contacts).where(eq(contacts.id, ids.contacts.ana)).get()).toBeUndefined();
    // Tickets and the conversations that led to them are the registry's record.
    expect(database.db.select().from(tickets).all()).toHaveLength(5);
    expect(database.db.select().from(messages).where(eq(messages.contactId, ids.contacts.csaba)).all().length).toBeGreaterThan(0);

    expect(runRetention(database.db, { days: 180, now: new Date('2026-12-01T00:00:00.000Z') })).toMatchObject({ conversations: 0, messages: 0, contacts: 0 });
  });

  it("leaves every year's figures as they were: the deleted conversations still count", () => {
    const now = new Date('2026-12-01T00:00:00.000Z');
    const before = [2025, 2026].map((year) => figures(computeIndicators(database.db, { year, now })));
    runRetention(database.db, { days: 180, now });
    const after = [2025, 2026].map((year) => computeIndicators(database.db, { year, now }));
    expect(after.map(figures)).toEqual(before);
    expect(after[1]?.archived).toEqual({ users: 2, conversations: 2 });
    // Only numbers were kept: the texts of the deleted questions are gone.
    expect(after[1]?.unanswered.questions.map((question) => question.text)).toEqual(['cat costa parcarea in centru']);
  });

  it('keeps everything with RETENTION_DAYS=0', () => {
    expect(runRetention(database.db, { days: 0, now: new Date('2030-01-01T00:00:00.000Z') })).toMatchObject({ conversations: 0 });
    expect(database.db.select().from(conversations).all()).toHaveLength(6);
  });

  it('runs from the shell with `functionar retention run`', async () => {
    database.close();
    const result = await runCli(['retention', 'run'], { environment: { DATA_DIR: dataDirectory, RETENTION_DAYS: '180' } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Deleted [3-9] conversations \(\d+ messages\) idle since before .* \(RETENTION_DAYS=180\)\.$/m);
    database = openDatabase(path.join(dataDirectory, 'functionar.db'));
    expect(database.db.select().from(conversations).where(eq(conversations.id, ids.conversations.bela)).get()).toBeUndefined();
    expect(database.db.select().from(conversations).where(eq(conversations.id, ids.conversations.csaba)).get()).toBeDefined();
  });
});
