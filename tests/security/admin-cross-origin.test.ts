import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// With the widget allowed everywhere (WEBCHAT_ALLOWED_ORIGINS=*, the default), the chat API answers any
// site; the clerks' inbox answers none: no Access-Control-* header on /admin, preflights included.

let testApp: TestApp;
const otherSite = 'https://evil.example';

beforeAll(async () => {
  testApp = await startTestApp({ WEBCHAT_ALLOWED_ORIGINS: '*' });
});

afterAll(async () => {
  await testApp?.close();
});

describe('cross-origin permission', () => {
  it.each(['/admin', '/admin/login', '/admin/login?next=%2Fadmin', '/admin/assets/admin.css'])('gives another site no CORS header on %s', async (url) => {
    const page = await testApp.app.inject({ method: 'GET', url, headers: { origin: otherSite } });
    expect(page.statusCode).toBeLessThan(400);
    expect(Object.keys(page.headers).filter((header) => header.startsWith('access-control-'))).toEqual([]);

    const preflight = await testApp.app.inject({ method: 'OPTIONS', url, headers: { origin: otherSite, 'access-control-request-method': 'POST' } });
    expect(Object.keys(preflight.headers).filter((header) => header.startsWith('access-control-'))).toEqual([]);
  });

  it('still lets the widget on any site call the chat API', async () => {
    const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {}, headers: { origin: otherSite } });
    expect(session.statusCode).toBe(201);
    expect(session.headers['access-control-allow-origin']).toBe('*');
    const preflight = await testApp.app.inject({ method: 'OPTIONS', url: '/api/webchat/sessions', headers: { origin: otherSite, 'access-control-request-method': 'POST' } });
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
  });
});
