import pg from 'pg';
import { expect } from 'vitest';
import { tablesInForeignKeyOrder } from '../../src/database/copy-to-postgres.ts';
import { eventually, type TestApp } from '../helpers/test-app.ts';
import { openWebchatSession, sayInWebchat } from '../channels/webchat/webchat-session.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';

// A small town hall's records, made through the app's HTTP interface as people make them — a citizen's petition
// on the web chat with its receipt, a clerk's answer, a pothole reported by a city app over Open311 — and the
// checks that, after the records moved (migrate, backup and pg_restore), the citizen's story is still all there.

const publicUrl = 'https://asistent.balauseri.ro';
const open311Key = 'fixmystreet-test-key-0123456789';

/** What the app needs for the records below: a public URL (receipt links) and an Open311 client. */
export const installationEnvironment = { PUBLIC_URL: publicUrl, OPEN311_API_KEYS: `fixmystreet=${open311Key}` };

export interface InstallationRecords {
  sessionId: string;
  /** The petition's registration number, "N/YYYY". */
  petitionLabel: string;
  receiptPath: string;
  receiptBytes: Buffer;
  open311RequestId: string;
  open311Label: string;
}

const clerk = { kind: 'name' as const, value: 'Ana Pop', channel: 'cli' };
const clerkAnswer = 'Propunerea intră pe ordinea de zi a consiliului local.';

async function say(testApp: TestApp, sessionId: string, text: string): Promise<string> {
  return (await sayInWebchat<{ text: string }>(testApp.app, sessionId, text)).map((reply) => reply.text).join('\n');
}

/** A citizen files a petition on the web chat; returns the confirmation. */
async function filePetition(testApp: TestApp, sessionId: string, subject: string): Promise<string> {
  await say(testApp, sessionId, 'vreau sa depun o petitie');
  await say(testApp, sessionId, subject);
  await say(testApp, sessionId, 'Maria Ionescu');
  await say(testApp, sessionId, 'maria@example.ro');
  return say(testApp, sessionId, 'da');
}

function labelIn(text: string): string {
  const label = /(\d+\/\d{4})/.exec(text)?.[1];
  expect(label, text).toBeDefined();
  return label ?? '';
}

async function history(testApp: TestApp, sessionId: string): Promise<{ from: string; text: string }[]> {
  const response = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
  expect(response.statusCode).toBe(200);
  return (response.json() as { messages: { from: string; text: string }[] }).messages;
}

export async function fillInstallation(testApp: TestApp): Promise<InstallationRecords> {
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });

  const sessionId = await openWebchatSession(testApp.app);
  const confirmation = await filePetition(testApp, sessionId, 'Solicit amenajarea unui loc de joaca in satul Dumitreni');
  const petitionLabel = labelIn(/numărul (\d+\/\d{4})/.exec(confirmation)?.[0] ?? confirmation);
  const receiptPath = (/(https:\/\/\S+\/receipt\.pdf)/.exec(confirmation)?.[1] ?? '').slice(publicUrl.length);
  expect(receiptPath, confirmation).toMatch(/^\/api\/webchat\/receipts\//);
  const receipt = await testApp.app.inject({ method: 'GET', url: receiptPath });
  expect(receipt.statusCode, receipt.body).toBe(200);

  const answered = await testApp.app.functionar.clerkCommands.run(clerk, `/raspunde ${petitionLabel} ${clerkAnswer}`);
  expect(answered.ok, answered.text).toBe(true);
  await eventually(async () => (await history(testApp, sessionId)).at(-1)?.from === 'clerk', 10_000, "the clerk's answer in the citizen's history");

  const reported = await testApp.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      api_key: open311Key,
      service_code: 'sesizare-problema-locala',
      lat: '46.4012',
      long: '24.6843',
      address_string: 'Bălăușeri, str. Principală nr. 40',
      description: 'Groapă mare în asfalt în fața școlii',
      email: 'maria.szabo@example.com',
      first_name: 'Maria',
      last_name: 'Szabó',
    }).toString(),
  });
  expect(reported.statusCode, reported.body).toBe(200);
  const [created] = reported.json() as { service_request_id: string; service_notice: string }[];
  return { sessionId, petitionLabel, receiptPath, receiptBytes: receipt.rawPayload, open311RequestId: created?.service_request_id ?? '', open311Label: labelIn(created?.service_notice ?? '') };
}

/** Through the HTTP interface of an app on the moved records: everything the citizen and the city app saw is there. */
export async function expectInstallation(testApp: TestApp, records: InstallationRecords): Promise<void> {
  const messages = await history(testApp, records.sessionId);
  expect(messages.filter((message) => message.from === 'citizen')).toHaveLength(5);
  expect(messages.at(-1)).toMatchObject({ from: 'clerk', text: expect.stringContaining(clerkAnswer) });

  const status = await say(testApp, records.sessionId, `ce se intampla cu cererea ${records.petitionLabel}?`);
  expect(status).toMatch(/în lucru/);
  expect(status).toMatch(/răspuns trimis/);

  // The receipt is the same file, found through the same link (its row moved, its file stayed under DATA_DIR).
  const receipt = await testApp.app.inject({ method: 'GET', url: records.receiptPath });
  expect(receipt.statusCode).toBe(200);
  expect(receipt.rawPayload.equals(records.receiptBytes)).toBe(true);

  const request = await testApp.app.inject({ method: 'GET', url: `/open311/v2/requests/${records.open311RequestId}.json` });
  expect(request.statusCode, request.body).toBe(200);
  expect(request.json()).toMatchObject([{ service_request_id: records.open311RequestId, status: 'open', description: 'Groapă mare în asfalt în fața școlii' }]);
}

/** The next citizen's request gets the number after the highest one given before the move. */
export async function expectNextTicketNumber(testApp: TestApp, records: InstallationRecords): Promise<void> {
  const [year] = records.petitionLabel.split('/').slice(1);
  const highest = Math.max(...[records.petitionLabel, records.open311Label].map((label) => Number(label.split('/')[0])));
  const sessionId = await openWebchatSession(testApp.app);
  const confirmation = await filePetition(testApp, sessionId, 'Solicit repararea podului peste paraul Morii');
  expect(confirmation).toContain(`numărul ${highest + 1}/${year}`);
}

/** Rows per table of the schema in a PostgreSQL database, read directly (what moved, whatever the app shows). */
export async function rowCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const { name } of tablesInForeignKeyOrder()) counts[name] = Number((await client.query(`select count(*) as count from "${name}"`)).rows[0].count);
    return counts;
  } finally {
    await client.end();
  }
}
