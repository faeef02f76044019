import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClerkPassword } from '../../src/admin/clerk-accounts.ts';
import { loginLimits } from '../../src/admin/login-throttle.ts';
import { adminSessions, ticketEvents } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { AdminClient, textOf } from './admin-client.ts';

// The story of the outside probe: a guesser fires many passwords at once, all before the first slow hash
// has finished, and hides the right one at the end. The lock must be decided before the hash: at most the
// limit is evaluated, and the right password gets no session once the name is locked.

let testApp: TestApp;
const rightPassword = 'parola-buna-a-Elenei-2026';

function database() {
  return testApp.app.functionar.database.db;
}

async function loginEventsOf(name: string) {
  const events = await database().select().from(ticketEvents);
  return events
    .filter((event) => event.ticketId === null && (event.detail as { name?: string } | null)?.name === name)
    .map((event) => event.kind);
}

/** Browsers that have each opened the login page (cookie + form token), ready to post at the same moment. */
async function browsersAt(address: string, count: number): Promise<AdminClient[]> {
  const browsers = Array.from({ length: count }, () => new AdminClient(testApp.app, address));
  for (const browser of browsers) await browser.get('/admin/login');
  return browsers;
}

function post(browser: AdminClient, name: string, password: string) {
  return browser.post('/admin/login', { _csrf: browser.field('_csrf'), next: '/admin', name, password });
}

beforeAll(async () => {
  testApp = await startTestApp();
  await addClerk(database(), { name: 'Elena Dobre', department: 'registratura' });
  await addClerk(database(), { name: 'Vasile Pop', department: 'urbanism' });
  await setClerkPassword(database(), 'Elena Dobre', rightPassword);
  await setClerkPassword(database(), 'Vasile Pop', 'parola-lui-Vasile-2026');
});

afterAll(async () => {
  await testApp?.close();
});

describe('a parallel burst of passwords against one name', () => {
  it('evaluates at most the limit, and the right password at the end of the burst gets no session', { timeout: 60_000 }, async () => {
    const browsers = await browsersAt('10.9.0.1', 15);
    const passwords = [...Array.from({ length: 14 }, (_, index) => `gresita-${index}-lunga`), rightPassword];
    const responses = await Promise.all(browsers.map((browser, index) => post(browser, 'Elena Dobre', passwords[index]!)));

    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 303)).toEqual([]);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(loginLimits.failuresPerName - 1);
    expect(browsers.some((browser) => browser.hasCookie('fv_admin'))).toBe(false);
    expect(await database().select().from(adminSessions)).toHaveLength(0);

    const kinds = await loginEventsOf('elena dobre');
    // Only the places the limit allows were hashed; every other attempt was refused unseen.
    expect(kinds.filter((kind) => kind === 'login_failed')).toHaveLength(loginLimits.failuresPerName);
    expect(kinds.filter((kind) => kind === 'login_locked_out')).toHaveLength(1);
    expect(kinds.filter((kind) => kind === 'login_refused_checking' || kind === 'login_refused_locked')).toHaveLength(15 - loginLimits.failuresPerName);
    expect(kinds).not.toContain('login_succeeded');
    expect(textOf(responses.at(-1)!.body)).toMatch(/Prea multe încercări/);

    // Once the burst is over, the lock holds from anywhere, right password included.
    const later = await new AdminClient(testApp.app, '10.9.0.2').logIn('Elena Dobre', rightPassword);
    expect(later.statusCode).toBe(429);
    expect(textOf(later.body)).toContain('pentru acest nume este blocată');
  });

  it('leaves another clerk, and a right password sent together with a few typos, unaffected', { timeout: 60_000 }, async () => {
    const browsers = await browsersAt('10.9.0.3', 3);
    const responses = await Promise.all([
      post(browsers[0]!, 'Vasile Pop', 'greseala-de-tastare-1'),
      post(browsers[1]!, 'Vasile Pop', 'greseala-de-tastare-2'),
      post(browsers[2]!, 'Vasile Pop', 'parola-lui-Vasile-2026'),
    ]);
    expect(responses.map((response) => response.statusCode)).toEqual([401, 401, 303]);
    expect(browsers[2]!.hasCookie('fv_admin')).toBe(true);
  });
});
