import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamsSender } from '../../channels/teams/sender-identity.ts';
import { telegramSender } from '../../channels/telegram/sender-identity.ts';
import { whatsappSender } from '../../channels/whatsapp/sender-identity.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// Limits are made tiny here so the story fits in a few requests; production defaults are in .env.example.
const perSender = 4;
const perIp = 12;
const allowedOrigin = 'https://www.balauseri.ro';

let testApp: TestApp;

beforeAll(async () => {
  testApp = await startTestApp({
    RATE_LIMIT_PER_SENDER_PER_MINUTE: String(perSender),
    RATE_LIMIT_PER_IP_PER_MINUTE: String(perIp),
    WEBCHAT_ALLOWED_ORIGINS: allowedOrigin,
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
  });
});

afterAll(async () => {
  await testApp?.close();
});

async function openSession(remoteAddress: string): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {}, remoteAddress });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { sessionId: string }).sessionId;
}

function say(sessionId: string, text: string, remoteAddress: string) {
  return testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text }, remoteAddress });
}

describe('a citizen flooding the web chat', () => {
  it('is slowed down per session with 429, Retry-After and the JSON error, while another session is served', async () => {
    const flooder = await openSession('10.1.0.1');
    const statuses: number[] = [];
    for (let index = 0; index < perSender + 2; index += 1) statuses.push((await say(flooder, `program de lucru ${index}`, '10.1.0.1')).statusCode);
    expect(statuses.slice(0, perSender)).toEqual(Array(perSender).fill(200));
    expect(statuses.slice(perSender)).toEqual([429, 429]);

    const refused = await say(flooder, 'inca una', '10.1.0.1');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.json()).toEqual({ error: { code: 'FV_ERR_RATE_LIMITED', message: expect.stringMatching(/încercați din nou/) } });

    // Same address, another conversation (a family computer): still answered.
    const neighbour = await openSession('10.1.0.1');
    expect((await say(neighbour, 'program de lucru', '10.1.0.1')).statusCode).toBe(200);
  });

  it('limits one address across routes, but not another address', async () => {
    const address = '10.2.0.2';
    const statuses: number[] = [];
    for (let index = 0; index < perIp + 1; index += 1) {
      statuses.push((await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {}, remoteAddress: address })).statusCode);
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(perIp);
    expect(statuses.at(-1)).toBe(429);
    // Every route counts against the same address budget.
    const page = await testApp.app.inject({ method: 'GET', url: '/widget.js', remoteAddress: address });
    expect(page.statusCode).toBe(429);
    expect(page.json()).toMatchObject({ error: { code: 'FV_ERR_RATE_LIMITED' } });

    expect((await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {}, remoteAddress: '10.2.0.3' })).statusCode).toBe(201);
  });

  it('never limits /healthz: a supervisor probing often must not see the process as dead', async () => {
    const address = '10.3.0.3';
    for (let index = 0; index < perIp * 2; index += 1) {
      const response = await testApp.app.inject({ method: 'GET', url: '/healthz', remoteAddress: address });
      expect(response.statusCode).toBe(200);
    }
  });
});

describe('senders on platform webhooks are told apart by the identity in the update, not the address', () => {
  it('reads the Telegram user, the WhatsApp number and the Teams user', () => {
    expect(telegramSender({ update_id: 1, message: { message_id: 1, from: { id: 4242 }, chat: { id: 4242, type: 'private' } } })).toBe('4242');
    expect(telegramSender({ update_id: 2, callback_query: { id: 'x', from: { id: 7 } } })).toBe('7');
    expect(telegramSender({ update_id: 3, channel_post: { chat: { id: -100123 } } })).toBe('-100123');
    expect(telegramSender({ update_id: 4 })).toBeUndefined();
    expect(telegramSender('not an object')).toBeUndefined();
    expect(whatsappSender({ entry: [{ changes: [{ value: { messages: [{ from: '40740123456' }] } }] }] })).toBe('40740123456');
    expect(whatsappSender({ entry: [{ changes: [{ value: { statuses: [{ id: 'wamid' }] } }] }] })).toBeUndefined();
    expect(whatsappSender({ entry: 'garbage' })).toBeUndefined();
    expect(teamsSender({ type: 'message', from: { id: '29:1abc' } })).toBe('29:1abc');
  });
});

describe('request size and time limits', () => {
  it('refuses a body over 64 KiB with 413 and the JSON error, and keeps serving', async () => {
    const sessionId = await openSession('10.4.0.4');
    const response = await testApp.app.inject({
      method: 'POST',
      url: `/api/webchat/sessions/${sessionId}/messages`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text: 'a'.repeat(64 * 1024) }),
      remoteAddress: '10.4.0.4',
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: { code: 'FST_ERR_CTP_BODY_TOO_LARGE' } });
    expect((await testApp.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('gives up on clients that send a request too slowly', () => {
    const server = testApp.app.server;
    // A client has two minutes to deliver a whole request and one to deliver its headers (slowloris).
    expect(server.requestTimeout).toBe(120_000);
    expect(server.headersTimeout).toBeGreaterThan(0);
    expect(server.headersTimeout).toBeLessThanOrEqual(60_000);
    // Idle keep-alive connections are closed rather than held forever.
    expect(server.keepAliveTimeout).toBeGreaterThan(0);
  });
});

describe('security headers and the widget on other sites', () => {
  it('serves our pages with a strict Content-Security-Policy and the usual hardening headers', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    const policy = String(response.headers['content-security-policy']);
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'self'");
    // PUBLIC_URL is not https here: requests must not be upgraded on a plain-http intranet.
    expect(policy).not.toContain('upgrade-insecure-requests');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('lets other sites load /widget.js and call the chat API', async () => {
    const script = await testApp.app.inject({ method: 'GET', url: '/widget.js', headers: { origin: allowedOrigin } });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.headers['cross-origin-resource-policy']).toBe('cross-origin');

    const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {}, headers: { origin: allowedOrigin } });
    expect(session.statusCode).toBe(201);
    expect(session.headers['access-control-allow-origin']).toBe(allowedOrigin);
    expect(session.headers['cross-origin-resource-policy']).toBe('cross-origin');

    const preflight = await testApp.app.inject({
      method: 'OPTIONS',
      url: '/api/webchat/sessions',
      headers: { origin: allowedOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.statusCode).toBeLessThan(300);
    expect(preflight.headers['access-control-allow-origin']).toBe(allowedOrigin);
  });

  it('gives a site that is not on WEBCHAT_ALLOWED_ORIGINS no CORS permission', async () => {
    const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {}, headers: { origin: 'https://evil.example' } });
    expect(session.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await testApp.app.inject({
      method: 'OPTIONS',
      url: '/api/webchat/sessions',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});
