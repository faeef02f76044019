import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// Behind nginx every request arrives from the proxy's address. TRUST_PROXY=true makes the per-IP limit
// count the client named in X-Forwarded-For; left false (the default, no proxy), that header is the
// client's own words and must not let it escape the limit.

const perIp = 5;
const proxyAddress = '127.0.0.1';
let testApp: TestApp | undefined;

afterEach(async () => {
  await testApp?.close();
  testApp = undefined;
});

async function openSessions(app: TestApp, forwardedFor: (index: number) => string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await app.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {}, remoteAddress: proxyAddress, headers: { 'x-forwarded-for': forwardedFor(index) } });
    statuses.push(response.statusCode);
  }
  return statuses;
}

describe('per-IP limits behind a reverse proxy', () => {
  it('with TRUST_PROXY=true, counts each client behind the proxy on its own', async () => {
    testApp = await startTestApp({ TRUST_PROXY: 'true', RATE_LIMIT_PER_IP_PER_MINUTE: String(perIp) });
    const app = testApp;
    // Eight clients, one session each, all through the proxy: none is limited.
    expect(await openSessions(app, (index) => `203.0.113.${index + 1}`, 8)).toEqual(Array(8).fill(201));
    // One client over its budget is limited; its neighbour behind the same proxy is not.
    const flood = await openSessions(app, () => '198.51.100.7', perIp + 1);
    expect(flood.at(-1)).toBe(429);
    expect(await openSessions(app, () => '198.51.100.8', 1)).toEqual([201]);
  });

  it('without it, a made-up X-Forwarded-For does not buy a new budget', async () => {
    testApp = await startTestApp({ RATE_LIMIT_PER_IP_PER_MINUTE: String(perIp) });
    const statuses = await openSessions(testApp, (index) => `203.0.113.${index + 1}`, perIp + 2);
    expect(statuses.slice(0, perIp)).toEqual(Array(perIp).fill(201));
    expect(statuses.slice(perIp)).toEqual([429, 429]);
  });
});
