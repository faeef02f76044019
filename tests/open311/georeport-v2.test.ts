import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { firstRow } from '../../src/database/connection.ts';
import { outbox, tickets } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { eventually, startTestApp, type TestApp } from '../helpers/test-app.ts';

// A city-reporting app (FixMyStreet-style) talks to the town hall through Open311 GeoReport v2.
// Field names are the specification's (wiki.open311.org/GeoReport_v2).

const apiKey = 'fixmystreet-test-key-0123456789';
const serviceFields = ['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type'];
const requestFields = [
  'address',
  'address_id',
  'agency_responsible',
  'description',
  'expected_datetime',
  'lat',
  'long',
  'media_url',
  'requested_datetime',
  'service_code',
  'service_name',
  'service_notice',
  'service_request_id',
  'status',
  'status_notes',
  'updated_datetime',
  'zipcode',
];

let testApp: TestApp;

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

async function postRequest(fields: Record<string, string>, format = 'json') {
  return testApp.app.inject({
    method: 'POST',
    url: `/open311/v2/requests.${format}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: form(fields),
  });
}

const pothole = {
  api_key: apiKey,
  service_code: 'sesizare-problema-locala',
  lat: '46.4012',
  long: '24.6843',
  address_string: 'Bălăușeri, str. Principală nr. 40',
  description: 'Groapă mare în asfalt în fața școlii, periculoasă pentru bicicliști',
  email: 'Maria.Szabo@example.com',
  first_name: 'Maria',
  last_name: 'Szabó',
  media_url: 'https://photos.example.com/groapa.jpg',
};

beforeAll(async () => {
  testApp = await startTestApp({ OPEN311_API_KEYS: `fixmystreet=${apiKey}` });
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });
});

afterAll(async () => {
  await testApp?.close();
});

describe('Open311 service discovery', () => {
  it('lists the procedures that end in a written request as services, with the spec fields', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/open311/v2/services.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    const services = response.json() as Record<string, unknown>[];
    expect(services.length).toBeGreaterThanOrEqual(20);
    for (const service of services) {
      expect(Object.keys(service).sort()).toEqual(serviceFields);
      expect(service).toMatchObject({ metadata: false, type: 'realtime' });
    }
    const pothole = services.find((service) => service.service_code === 'sesizare-problema-locala');
    expect(pothole).toMatchObject({ group: 'Registratura (relații cu publicul)' });
    expect(String(pothole?.keywords)).toContain('groapa in drum');
    expect(String(pothole?.service_name)).toMatch(/Sesizare privind o problemă locală/);
    // Declarations and audiences are filed in person, not through Open311.
    const codes = services.map((service) => service.service_code);
    expect(codes).toContain('petitie');
    expect(codes).toContain('informatii-publice');
    expect(codes).not.toContain('audienta-primar');
    expect(codes).not.toContain('declarare-cladire-teren');
  });

  it('names services in Hungarian with locale=hu', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/open311/v2/services.json?locale=hu' });
    const services = response.json() as { service_code: string; service_name: string; group: string }[];
    expect(services.find((service) => service.service_code === 'sesizare-problema-locala')).toMatchObject({ service_name: expect.stringMatching(/Bejelentés/), group: 'Iktató (ügyfélszolgálat)' });
  });

  it('gives a service definition without extra attributes, and the spec error list for an unknown one', async () => {
    const definition = await testApp.app.inject({ method: 'GET', url: '/open311/v2/services/sesizare-problema-locala.json' });
    expect(definition.json()).toEqual({ service_code: 'sesizare-problema-locala', attributes: [] });
    const unknown = await testApp.app.inject({ method: 'GET', url: '/open311/v2/services/nu-exista.json' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual([{ code: 404, description: 'service_code "nu-exista" not found' }]);
  });

  it('speaks XML too', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/open311/v2/services.xml' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/xml');
    expect(response.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<services><service><service_code>/);
    expect(response.body).toContain('<metadata>false</metadata>');
    const discovery = await testApp.app.inject({ method: 'GET', url: '/open311/v2/discovery.json' });
    expect(discovery.json()).toMatchObject({ endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2' }] });
  });
});

describe('an Open311 client reports a pothole', () => {
  let requestId = '';
  let registrationLabel = '';
  const withKey = `api_key=${apiKey}`;

  it('is refused without a valid api_key, with the spec error list', async () => {
    const { api_key: _unused, ...withoutKey } = pothole;
    const missing = await postRequest(withoutKey);
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toEqual([{ code: 403, description: 'api_key is missing or not valid' }]);
    const wrong = await postRequest({ ...pothole, api_key: 'not-the-key-0000000000' }, 'xml');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).toContain('<errors><error><code>403</code><description>api_key is missing or not valid</description></error></errors>');
    expect(await testApp.app.functionar.database.db.select().from(tickets)).toHaveLength(0);
  });

  it('is told what is missing: service_code, a known service, a location', async () => {
    const { service_code: _code, ...withoutService } = pothole;
    expect((await postRequest(withoutService)).json()).toEqual([{ code: 400, description: 'service_code was not provided' }]);
    expect((await postRequest({ ...pothole, service_code: 'audienta-primar' })).statusCode).toBe(404);
    const { lat: _lat, long: _long, address_string: _address, ...withoutLocation } = pothole;
    expect((await postRequest(withoutLocation)).json()).toEqual([{ code: 400, description: 'a location is required: lat and long, or address_string' }]);
    expect((await postRequest({ ...pothole, lat: '146' })).statusCode).toBe(400);
  });

  it('gets a registration number that is an ordinary ticket for the clerks, with the legal due date', async () => {
    const response = await postRequest(pothole);
    expect(response.statusCode, response.body).toBe(200);
    const [created] = response.json() as { service_request_id: string; service_notice: string; account_id: null }[];
    // OPEN311_READ_ACCESS=token by default (issue 16): the public id is an unguessable token, the
    // registration number is in the notice.
    expect(created).toMatchObject({ service_request_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), account_id: null });
    requestId = created?.service_request_id ?? '';
    const [, number, year] = (/nr\. (\d+)\/(\d{4})/.exec(created?.service_notice ?? '') ?? []).map(Number);
    registrationLabel = `${number}/${year}`;

    const ticket = await firstRow(testApp.app.functionar.database.db.select().from(tickets).where(eq(tickets.number, number ?? 0)));
    expect(ticket).toMatchObject({
      year,
      channel: 'open311',
      type: 'sesizare',
      department: 'registratura',
      procedureSlug: 'sesizare-problema-locala',
      citizenName: 'Maria Szabó',
      citizenEmail: 'maria.szabo@example.com',
      status: 'nou',
      consentVersion: 'open311:fixmystreet',
    });
    expect(ticket?.text).toContain('Adresă: Bălăușeri, str. Principală nr. 40');
    expect(created?.service_notice).toContain(String(ticket?.dueDate));

    const list = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, '/tichete');
    expect(list.text).toContain(`${number}/${year}`);
  });

  it('reads back with every field of the spec, expected_datetime being the legal due date', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: `/open311/v2/requests/${requestId}.json` });
    expect(response.statusCode).toBe(200);
    const [request] = response.json() as Record<string, unknown>[];
    expect(Object.keys(request ?? {}).sort()).toEqual(requestFields);
    const ticket = await firstRow(testApp.app.functionar.database.db.select().from(tickets).where(eq(tickets.channel, 'open311')));
    expect(request).toMatchObject({
      service_request_id: requestId,
      status: 'open',
      // The request's status, said of a request (feminine in Romanian).
      status_notes: 'nouă',
      service_code: 'sesizare-problema-locala',
      description: pothole.description,
      address: pothole.address_string,
      lat: 46.4012,
      long: 24.6843,
      media_url: pothole.media_url,
      agency_responsible: 'Primăria Bălăușeri — Registratura (relații cu publicul)',
      requested_datetime: ticket?.createdAt,
    });
    expect(String(request?.expected_datetime)).toMatch(new RegExp(`^${ticket?.dueDate}T23:59:59\\+0[23]:00$`));
    // No personal data of the reporter is published.
    expect(JSON.stringify(request)).not.toMatch(/Szab|maria/i);
  });

  it("flows back: the clerk's answer becomes status_notes and closing makes it closed", async () => {
    const label = registrationLabel;
    const clerk = { kind: 'name' as const, value: 'Ana Pop', channel: 'cli' };
    expect((await testApp.app.functionar.clerkCommands.run(clerk, `/raspunde ${label} Echipa de drumuri repară groapa până vineri.`)).ok).toBe(true);
    const answered = (await testApp.app.inject({ method: 'GET', url: `/open311/v2/requests/${requestId}.json` })).json() as Record<string, unknown>[];
    expect(answered[0]).toMatchObject({ status: 'open', status_notes: 'Echipa de drumuri repară groapa până vineri.' });

    expect((await testApp.app.functionar.clerkCommands.run(clerk, `/inchide ${label} Groapa a fost astupată.`)).ok).toBe(true);
    const closed = (await testApp.app.inject({ method: 'GET', url: `/open311/v2/requests/${requestId}.json` })).json() as Record<string, unknown>[];
    expect(closed[0]).toMatchObject({ status: 'closed', status_notes: 'Groapa a fost astupată.' });
    expect(String(closed[0]?.updated_datetime) >= String(closed[0]?.requested_datetime)).toBe(true);

    // The replies queued for the requester are acknowledged by the Open311 channel, not failed.
    const ticket = await firstRow(testApp.app.functionar.database.db.select().from(tickets).where(eq(tickets.channel, 'open311')));
    await eventually(async () => {
      const rows = await testApp.app.functionar.database.db.select().from(outbox).where(eq(outbox.ticketId, ticket?.id ?? 0));
      const toRequester = rows.filter((row) => row.channel === 'open311');
      return toRequester.length === 2 && toRequester.every((row) => row.status === 'sent') ? true : undefined;
    }, 5000, 'open311 deliveries sent');
  });

  it('lists requests with the spec filters', async () => {
    await postRequest({ ...pothole, service_code: 'petitie', description: 'Propunem amenajarea unui loc de joacă în Chendu', email: 'altcineva@example.com' });
    const all = (await testApp.app.inject({ method: 'GET', url: `/open311/v2/requests.json?${withKey}` })).json() as { service_request_id: string; status: string; service_code: string }[];
    expect(all).toHaveLength(2);
    const closed = (await testApp.app.inject({ method: 'GET', url: `/open311/v2/requests.json?status=closed&${withKey}` })).json() as { service_request_id: string }[];
    expect(closed.map((request) => request.service_request_id)).toEqual([requestId]);
    const petitions = (await testApp.app.inject({ method: 'GET', url: `/open311/v2/requests.json?service_code=petitie&status=open&${withKey}` })).json() as { service_code: string }[];
    expect(petitions.map((request) => request.service_code)).toEqual(['petitie']);
    const byId = (await testApp.app.inject({ method: 'GET', url: `/open311/v2/requests.json?service_request_id=${requestId}` })).json() as unknown[];
    expect(byId).toHaveLength(1);
    const future = (await testApp.app.inject({ method: 'GET', url: `/open311/v2/requests.json?start_date=2999-01-01T00:00:00Z&${withKey}` })).json() as unknown[];
    expect(future).toEqual([]);
    const bad = await testApp.app.inject({ method: 'GET', url: `/open311/v2/requests.json?status=pending&${withKey}` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual([{ code: 400, description: 'status must be open, closed or both' }]);
    const xml = await testApp.app.inject({ method: 'GET', url: `/open311/v2/requests.xml?status=closed&${withKey}` });
    expect(xml.body).toContain(`<service_requests><request><service_request_id>${requestId}</service_request_id>`);
  });

  it('does not publish tickets that came from a chat conversation', async () => {
    const session = (await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {} })).json() as { sessionId: string };
    for (const text of ['vreau sa depun o sesizare', 'Becul de pe strada Morii nr. 3 nu mai arde', 'Ion Popescu', 'sari peste', 'da']) {
      await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${session.sessionId}/messages`, payload: { text } });
    }
    expect(await testApp.app.functionar.database.db.select().from(tickets).where(eq(tickets.channel, 'webchat'))).toHaveLength(1);
    const all = (await testApp.app.inject({ method: 'GET', url: `/open311/v2/requests.json?${withKey}` })).json() as unknown[];
    expect(all).toHaveLength(2);
    expect(JSON.stringify(all)).not.toContain('Becul');
  });
});
