import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/database/connection.ts';
import { computeIndicators, median, percentile } from '../../src/reports/indicators.ts';
import { runCli } from '../helpers/cli.ts';
import { openTestDatabase } from '../helpers/test-database.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';
import { seedIndicatorDataset, seededYear } from './seeded-dataset.ts';

let dataDirectory: string;
let database: DatabaseHandle;
const now = new Date('2026-07-01T10:00:00.000Z');

function functionar(args: string[]) {
  return runCli(args, { environment: { DATA_DIR: dataDirectory } });
}

beforeAll(async () => {
  dataDirectory = temporaryDirectory();
  database = await openTestDatabase(dataDirectory);
  await seedIndicatorDataset(database.db);
});

afterAll(async () => {
  await database?.close();
  fs.rmSync(dataDirectory, { recursive: true, force: true });
});

describe('the yearly indicators of the funded project', () => {
  it('count distinct users per channel against the 540 target, new and returning', async () => {
    const indicators = await computeIndicators(database.db, { year: seededYear, now });
    expect(indicators.users).toEqual({
      total: 5,
      target: 540,
      targetShare: 0.009,
      byChannel: { webchat: 2, open311: 1, telegram: 1, whatsapp: 1 },
      newUsers: 4,
      returningUsers: 1,
    });
  });

  it('split conversations into answered by the assistant and handed to a clerk', async () => {
    expect((await computeIndicators(database.db, { year: seededYear, now })).conversations).toEqual({ total: 4, answeredByAssistant: 2, handedToClerk: 2 });
  });

  it('break tickets down by status, department, type and channel', async () => {
    expect((await computeIndicators(database.db, { year: seededYear, now })).tickets).toEqual({
      total: 5,
      byStatus: { inchis: 2, in_lucru: 1, nou: 1, rezolvat: 1 },
      byDepartment: { registratura: 3, secretariat: 1, urbanism: 1 },
      byType: { sesizare: 2, cerere: 1, handover: 1, petitie: 1 },
      byChannel: { telegram: 2, whatsapp: 2, open311: 1 },
    });
  });

  it('give the median and 90th percentile of the time to the first clerk answer, and the overdue share', async () => {
    const indicators = await computeIndicators(database.db, { year: seededYear, now });
    // Answers after 2 h, 10 h, 30 h and 960 h; one ticket still waits.
    expect(indicators.firstResponse).toEqual({ answered: 4, waiting: 1, medianHours: 20, p90Hours: 960 });
    // Answered after its due date: the handover; open past its due date: the Open311 report.
    expect(indicators.overdue).toEqual({ count: 2, share: 0.4, answeredLate: 1, openPastDue: 1 });
  });

  it('rank the procedures people asked about and list the questions the bot could not answer', async () => {
    const indicators = await computeIndicators(database.db, { year: seededYear, now, titleOf: (slug) => (slug === 'autorizatie-construire' ? 'Autorizație de construire' : undefined) });
    expect(indicators.topProcedures).toEqual([
      { slug: 'autorizatie-construire', title: 'Autorizație de construire', count: 3 },
      { slug: 'certificat-urbanism', title: 'certificat-urbanism', count: 2 },
      { slug: 'ajutor-incalzire', title: 'ajutor-incalzire', count: 1 },
    ]);
    expect(indicators.unanswered).toEqual({
      total: 3,
      questions: [
        { text: 'Unde fac pașaport?', count: 2, reason: 'out_of_scope' },
        { text: 'cat costa parcarea in centru', count: 1, reason: 'no_answer' },
      ],
    });
  });

  it("count by the town hall's calendar: 00:30 on 1 January is the new year", async () => {
    expect((await computeIndicators(database.db, { year: 2027, now })).users).toMatchObject({ total: 1, byChannel: { webchat: 1 }, newUsers: 1 });
    expect((await computeIndicators(database.db, { year: 2025, now })).users).toMatchObject({ total: 2, byChannel: { telegram: 1, webchat: 1 }, newUsers: 2, returningUsers: 0 });
  });

  it('use nearest-rank percentiles and the usual median', () => {
    expect(median([1, 2, 3])).toBe(2);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentile([], 0.9)).toBeNull();
  });
});

describe('functionar report', () => {
  it('prints the indicators as JSON, CSV and a Markdown document', async () => {
    const json = await functionar(['report', '--year', '2026', '--format', 'json']);
    expect(json.status, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as Awaited<ReturnType<typeof computeIndicators>>;
    expect(parsed.users.total).toBe(5);
    expect(parsed.tickets.byStatus).toEqual({ inchis: 2, in_lucru: 1, nou: 1, rezolvat: 1 });
    // Titles come from the real knowledge base.
    expect(parsed.topProcedures[0]).toMatchObject({ slug: 'autorizatie-construire', count: 3, title: expect.stringMatching(/[Aa]utoriza/) });

    const csv = await functionar(['report', '--year', '2026', '--format', 'csv']);
    expect(csv.status, csv.stderr).toBe(0);
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toBe('indicator,key,value');
    expect(lines).toContain('users_total,,5');
    expect(lines).toContain('users_by_channel,webchat,2');
    expect(lines).toContain('first_response_median_hours,,20');
    expect(lines).toContain('unanswered_question_out_of_scope,Unde fac pașaport?,2');

    const markdown = await functionar(['report', '--year', '2026']);
    expect(markdown.status, markdown.stderr).toBe(0);
    expect(markdown.stdout).toContain('# Indicatori Funcționar Virtual — 2026');
    expect(markdown.stdout).toContain('**5** utilizatori distincți din ținta de 540 pe an');
    expect(markdown.stdout).toContain('Mediana: 20 h; percentila 90: 960 h');

  });
});
