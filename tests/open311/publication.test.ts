import { afterEach, describe, expect, it } from 'vitest';
import { firstRow } from '../../src/database/connection.ts';
import { tickets } from '../../src/database/schema.ts';
import { setClerkPassword } from '../../src/admin/clerk-accounts.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { AdminClient, textOf } from '../admin/admin-client.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// Issue 16, item 4: a citizen's report and the clerk's answer reach anyone who reads the Open311 API.
// The town hall decides how much of that free text is published (OPEN311_PUBLISH, masked by default),
// and whether requests can be read without a key by guessing their numbers (OPEN311_READ_ACCESS).

const apiKey = 'fixmystreet-test-key-0123456789';
const clerk = { kind: 'name' as const, value: 'Ana Pop', channel: 'cli' };
const report = {
  api_key: apiKey,
  service_code: 'sesizare-problema-locala',
  address_string: 'Bălăușeri, str. Principală nr. 40',
  description: 'Sunt Ion Secretescu, CNP 1850101264051, telefon 0740123456, ion.secretescu@example.com. Groapă mare în fața casei.',
  first_name: 'Ion',
  last_name: 'Secretescu',
};
const answer = 'Domnule Secretescu, echipa vine vineri; sunați la 0747-12-34-56 sau scrieți la drumuri@example.com. Ana Pop';
const personalData = /Secretescu|1850101264051|0740123456|0747-12-34-56|example\.com|Ana Pop/;

let testApp: TestApp | undefined;

afterEach(async () => {
  await testApp?.close();
  testApp = undefined;
});

async function fileAndAnswer(environment: Record<string, string> = {}) {
  testApp = await startTestApp({ OPEN311_API_KEYS: `fixmystreet=${apiKey}`, ...environment });
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });
  const posted = await testApp.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(report).toString(),
  });
  expect(posted.statusCode, posted.body).toBe(200);
  const [created] = posted.json() as { service_request_id: string; service_notice: string }[];
  const label = /nr\. (\d+\/\d{4})/.exec(created?.service_notice ?? '')?.[1] ?? '';
  const confirmation = await testApp.app.functionar.clerkCommands.run(clerk, `/raspunde ${label} ${answer}`);
  expect(confirmation.ok).toBe(true);
  // The clerk's confirmation says the answer is published.
  expect(confirmation.text).toContain('Cerere Open311: răspunsul apare public');
  return { id: created?.service_request_id ?? '', label };
}

async function read(url: string) {
  const response = await testApp!.app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.body, requests: response.statusCode === 200 && !url.includes('.xml') ? (response.json() as Record<string, unknown>[]) : [] };
}

describe('what Open311 publishes of a report and of the answer (OPEN311_PUBLISH)', () => {
  it('masks CNPs, phone numbers, e-mails and names by default, in the report and in the clerk answer', async () => {
    const { id } = await fileAndAnswer();
    for (const url of [`/open311/v2/requests/${id}.json`, `/open311/v2/requests.json?service_request_id=${id}`, `/open311/v2/requests/${id}.xml`]) {
      const { status, body } = await read(url);
      expect(status, url).toBe(200);
      expect(body, url).not.toMatch(personalData);
    }
    const [request] = (await read(`/open311/v2/requests/${id}.json`)).requests;
    expect(request?.description).toBe('Sunt [nume], CNP [CNP], telefon [telefon …56], [e-mail]. Groapă mare în fața casei.');
    expect(request?.status_notes).toBe('Domnule [nume], echipa vine vineri; sunați la [telefon …56] sau scrieți la [e-mail]. [nume]');
    expect(request?.address).toBe(report.address_string);
  });

  it('publishes no free text with none: the description is empty and status_notes is the status', async () => {
    const { id } = await fileAndAnswer({ OPEN311_PUBLISH: 'none' });
    const { body, requests } = await read(`/open311/v2/requests/${id}.json`);
    expect(requests[0]).toMatchObject({ description: '', status_notes: 'în lucru' });
    expect(body).not.toMatch(/Groapă|echipa vine/);
  });

  it('publishes the texts as written with full', async () => {
    const { id } = await fileAndAnswer({ OPEN311_PUBLISH: 'full' });
    const [request] = (await read(`/open311/v2/requests/${id}.json`)).requests;
    expect(request).toMatchObject({ description: report.description, status_notes: answer });
  });

  it('refuses a value it does not know at start-up, with one clear line', async () => {
    await expect(startTestApp({ OPEN311_PUBLISH: 'partial' })).rejects.toThrow(/OPEN311_PUBLISH: must be none, masked or full/);
  });
});

describe('who can read which request (OPEN311_READ_ACCESS)', () => {
  it('by default reads a request without a key only by its unguessable id; numbers and listing need the api_key', async () => {
    const { id, label } = await fileAndAnswer();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const byNumber = label.replace('/', '-');

    expect((await read(`/open311/v2/requests/${id}.json`)).status).toBe(200);
    const listing = await read('/open311/v2/requests.json');
    expect(listing.status).toBe(403);
    expect(JSON.parse(listing.body)).toEqual([{ code: 403, description: expect.stringContaining('listing requests needs an api_key') }]);
    expect((await read(`/open311/v2/requests/${byNumber}.json`)).status).toBe(404);
    expect((await read(`/open311/v2/requests.json?service_request_id=${byNumber}`)).requests).toEqual([]);
    // A made-up token of the right shape, and the real one with a character changed, read nothing.
    const altered = `${id.slice(0, 10)}${id[10] === 'A' ? 'B' : 'A'}${id.slice(11)}`;
    expect((await read(`/open311/v2/requests/${'A'.repeat(22)}.json`)).status).toBe(404);
    expect((await read(`/open311/v2/requests/${altered}.json`)).status).toBe(404);

    // The registered client lists and reads by number; the answers carry the same public id.
    const keyed = await read(`/open311/v2/requests/${byNumber}.json?api_key=${apiKey}`);
    expect(keyed.requests[0]?.service_request_id).toBe(id);
    expect((await read(`/open311/v2/requests.json?api_key=${apiKey}`)).requests.map((request) => request.service_request_id)).toEqual([id]);
  });

  it('with open lets anyone list and read by registration number, still masked', async () => {
    const { id, label } = await fileAndAnswer({ OPEN311_READ_ACCESS: 'open' });
    expect(id).toBe(label.replace('/', '-'));
    const listing = await read('/open311/v2/requests.json');
    expect(listing.requests.map((request) => request.service_request_id)).toEqual([id]);
    expect(listing.body).not.toMatch(personalData);
  });
});

describe('the clerk is told that the answer is public', () => {
  async function ticketPageText(environment: Record<string, string> = {}) {
    const { label } = await fileAndAnswer(environment);
    await setClerkPassword(testApp!.app.functionar.database.db, 'Ana Pop', 'parola-anei-2026-lunga');
    const client = new AdminClient(testApp!.app);
    expect((await client.logIn('Ana Pop', 'parola-anei-2026-lunga')).statusCode).toBe(303);
    const [number, year] = label.split('/');
    const page = await client.get(`/admin/tickets/${year}/${number}`);
    expect(page.statusCode).toBe(200);
    return { page: page.body, text: textOf(page.body) };
  }

  it('on an Open311 ticket, next to the reply and the closing note, as published', async () => {
    const masked = await ticketPageText();
    expect(masked.page.match(/data-testid="open311-public-notice"/g)).toHaveLength(2);
    expect(masked.text).toContain('răspunsul dumneavoastră este PUBLIC (API Open311), cu CNP-urile, telefoanele, e-mailurile și numele ascunse automat');
    await testApp?.close();
    testApp = undefined;
    const full = await ticketPageText({ OPEN311_PUBLISH: 'full' });
    expect(full.text).toContain('este PUBLIC (API Open311), exact cum îl scrieți');
  });

  it('not on a chat ticket', async () => {
    testApp = await startTestApp();
    await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });
    const session = (await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {} })).json() as { sessionId: string };
    for (const text of ['vreau sa depun o sesizare', 'Becul de pe strada Morii nr. 3 nu mai arde', 'Ion Popescu', 'sari peste', 'da']) {
      await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${session.sessionId}/messages`, payload: { text } });
    }
    await setClerkPassword(testApp.app.functionar.database.db, 'Ana Pop', 'parola-anei-2026-lunga');
    const client = new AdminClient(testApp.app);
    expect((await client.logIn('Ana Pop', 'parola-anei-2026-lunga')).statusCode).toBe(303);
    const row = await firstRow(testApp.app.functionar.database.db.select().from(tickets));
    expect(row?.channel).toBe('webchat');
    const page = await client.get(`/admin/tickets/${row?.year}/${row?.number}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('open311-public-notice');
  });
});
