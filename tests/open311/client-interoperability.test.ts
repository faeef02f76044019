import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstRow } from '../../src/database/connection.ts';
import { open311Requests, tickets } from '../../src/database/schema.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// What real GeoReport v2 clients do (wiki.open311.org/GeoReport_v2, Service_discovery): read
// discovery.json, resolve every resource against the endpoint's url, and POST form fields — often only
// the service, the location and the reporter, since description is optional in the specification.

const apiKey = 'open311-client-test-key-0123456789';

let withoutPublicUrl: TestApp;
let withPublicUrl: TestApp;
let baseUrl = '';

beforeAll(async () => {
  withoutPublicUrl = await startTestApp({ OPEN311_API_KEYS: `citysourced=${apiKey}` });
  // A real socket: the client sees the Host header and protocol a browser or a phone app would send.
  baseUrl = await withoutPublicUrl.app.listen({ port: 0, host: '127.0.0.1' });
  withPublicUrl = await startTestApp({ OPEN311_API_KEYS: `citysourced=${apiKey}`, PUBLIC_URL: 'https://asistent.primaria-balauseri.ro/' });
});

afterAll(async () => {
  await withoutPublicUrl?.close();
  await withPublicUrl?.close();
});

describe('discovery.json', () => {
  it('advertises an absolute endpoint built from the request when PUBLIC_URL is not set, and a client can follow it', async () => {
    const response = await fetch(`${baseUrl}/open311/v2/discovery.json`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as { endpoints: { url: string; specification: string; type: string }[] };
    const [endpoint] = discovery.endpoints;
    expect(endpoint).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', type: 'production', url: `${baseUrl}/open311/v2/` });
    // What the client does next: resolve services.json against the advertised url (throws on a relative one).
    const services = await fetch(new URL('services.json', endpoint!.url));
    expect(services.status).toBe(200);
    expect(((await services.json()) as { service_code: string }[]).some((service) => service.service_code === 'sesizare-problema-locala')).toBe(true);
  });

  it('uses the Host header the client reached the town hall under, in XML too', async () => {
    const response = await withoutPublicUrl.app.inject({ method: 'GET', url: '/open311/v2/discovery.xml', headers: { host: 'primaria-balauseri.ro:8080' } });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<url>http://primaria-balauseri.ro:8080/open311/v2/</url>');
  });

  it('advertises PUBLIC_URL when it is set, whatever Host the request carried', async () => {
    const response = await withPublicUrl.app.inject({ method: 'GET', url: '/open311/v2/discovery.json', headers: { host: '10.0.0.7:3000' } });
    expect(response.json()).toMatchObject({ endpoints: [{ url: 'https://asistent.primaria-balauseri.ro/open311/v2/' }] });
  });
});

describe('a POST without a description', () => {
  it('is registered, the ticket reading as the service name, and reads back with an empty description', async () => {
    // The body a GeoReport client sends: form-encoded, no description field at all.
    const body = new URLSearchParams({
      api_key: apiKey,
      service_code: 'sesizare-problema-locala',
      lat: '46.4012',
      long: '24.6843',
      address_string: 'Bălăușeri, str. Principală nr. 12',
      email: 'reporter@example.com',
      device_id: '8F3A-22C1',
    }).toString();
    const response = await fetch(`${baseUrl}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(response.status, await response.clone().text()).toBe(200);
    const [created] = (await response.json()) as { service_request_id: string; service_notice: string }[];
    const [, number, year] = (/nr\. (\d+)\/(\d{4})/.exec(created?.service_notice ?? '') ?? []).map(Number);

    const database = withoutPublicUrl.app.functionar.database.db;
    const ticket = await firstRow(database.select().from(tickets).where(eq(tickets.number, number ?? 0)));
    const serviceName = 'Sesizare privind o problemă locală (drum, iluminat public, deșeuri, câini fără stăpân etc.)';
    expect(ticket).toMatchObject({ year, channel: 'open311', subject: serviceName.slice(0, 140) });
    expect(ticket?.text.split('\n')[0]).toBe(serviceName);
    expect(ticket?.text).toContain('Adresă: Bălăușeri, str. Principală nr. 12');
    expect((await firstRow(database.select().from(open311Requests).where(eq(open311Requests.ticketId, ticket!.id))))?.description).toBe('');

    const readBack = await fetch(`${baseUrl}/open311/v2/requests/${created?.service_request_id}.json`);
    const [view] = (await readBack.json()) as Record<string, unknown>[];
    expect(view).toMatchObject({ service_code: 'sesizare-problema-locala', service_name: serviceName, description: '', address: 'Bălăușeri, str. Principală nr. 12' });
  });

  it('still needs the service and a location', async () => {
    const post = (fields: Record<string, string>) =>
      withoutPublicUrl.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
    expect((await post({ api_key: apiKey, lat: '46.4', long: '24.6' })).json()).toEqual([{ code: 400, description: 'service_code was not provided' }]);
    expect((await post({ api_key: apiKey, service_code: 'sesizare-problema-locala' })).json()).toEqual([
      { code: 400, description: 'a location is required: lat and long, or address_string' },
    ]);
  });
});
