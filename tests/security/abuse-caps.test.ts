import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamsPerSession } from '../../src/security/stream-caps.ts';
import { authenticationFailureLimits } from '../../src/security/authentication-failures.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// The caps the outside probe found missing: live-update streams per session and per address, new chat
// sessions per address per day, failed webhook authentication per address. Small limits here; the
// production defaults are in .env.example and docs/reliability.md.

const streamsPerIp = 6;
const sessionsPerDay = 8;
const telegramSecret = 'caps-test-telegram-secret';

let testApp: TestApp;
let baseUrl: string;
const openStreams: http.ClientRequest[] = [];

interface Stream {
  status: number;
  body: string;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  request: http.ClientRequest;
}

/** Opens GET …/events over a real socket; resolves once the status line and the first bytes are in. */
function openStream(sessionId: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${baseUrl}/api/webchat/sessions/${sessionId}/events`, (response) => {
      let body = '';
      let endedResolve!: () => void;
      const ended = new Promise<void>((resolveEnded) => (endedResolve = resolveEnded));
      response.setEncoding('utf8');
      response.on('end', endedResolve);
      response.on('close', endedResolve);
      response.once('data', (chunk: string) => {
        body += chunk;
        resolve({ status: response.statusCode ?? 0, body, ended, request });
      });
      response.on('data', (chunk: string) => (body += chunk));
    });
    request.on('error', reject);
    openStreams.push(request);
  });
}

async function newSession(remoteAddress = '127.0.0.1') {
  return testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: {}, remoteAddress });
}

async function sessionId(): Promise<string> {
  const response = await newSession();
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { sessionId: string }).sessionId;
}

beforeAll(async () => {
  testApp = await startTestApp({
    WEBCHAT_STREAMS_PER_IP: String(streamsPerIp),
    WEBCHAT_SESSIONS_PER_IP_PER_DAY: String(sessionsPerDay),
    TELEGRAM_BOT_TOKEN: '123456:caps-test-token',
    TELEGRAM_WEBHOOK_SECRET: telegramSecret,
    TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
    WHATSAPP_CLOUD_TOKEN: 'caps-test-whatsapp-token',
    WHATSAPP_PHONE_NUMBER_ID: '1234567890',
    WHATSAPP_APP_SECRET: 'caps-test-whatsapp-app-secret',
    WHATSAPP_VERIFY_TOKEN: 'caps-test-verify-token',
    WHATSAPP_GRAPH_API_ROOT: 'http://127.0.0.1:9',
    RATE_LIMIT_PER_IP_PER_MINUTE: '1000',
  });
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  for (const request of openStreams) request.destroy();
  await testApp?.close();
});

describe('live-update streams', () => {
  it(`keeps at most ${streamsPerSession} per session: the oldest is closed for the newest (a reconnecting browser is never refused)`, async () => {
    const id = await sessionId();
    const streams: Stream[] = [];
    for (let index = 0; index < streamsPerSession; index += 1) streams.push(await openStream(id));
    expect(streams.every((stream) => stream.status === 200)).toBe(true);

    const newest = await openStream(id);
    expect(newest.status).toBe(200);
    await streams[0]!.ended;
    for (const stream of [...streams.slice(1), newest]) stream.request.destroy();
  });

  it('refuses a stream beyond the address’s share with a JSON 429, and accepts again once one closes', async () => {
    const sessions = await Promise.all(Array.from({ length: streamsPerIp + 1 }, () => sessionId()));
    const streams: Stream[] = [];
    for (const id of sessions.slice(0, streamsPerIp)) streams.push(await openStream(id));
    expect(streams.every((stream) => stream.status === 200)).toBe(true);

    const refused = await openStream(sessions.at(-1)!);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'FV_ERR_TOO_MANY_STREAMS' } });

    // The server learns of the closed socket asynchronously: retry on the event, not on a timer guess.
    streams[0]!.request.destroy();
    let accepted: Stream | undefined;
    for (let attempt = 0; attempt < 100 && accepted?.status !== 200; attempt += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      accepted = await openStream(sessions.at(-1)!);
    }
    expect(accepted?.status).toBe(200);
    for (const stream of [...streams.slice(1), accepted!]) stream.request.destroy();
  });
});

describe('new web chat sessions', () => {
  it(`allows ${sessionsPerDay} per address per day, then 429 with a coded error; another address is unaffected`, async () => {
    const address = '10.77.0.1';
    const statuses: number[] = [];
    for (let index = 0; index < sessionsPerDay + 2; index += 1) statuses.push((await newSession(address)).statusCode);
    expect(statuses.slice(0, sessionsPerDay)).toEqual(Array(sessionsPerDay).fill(201));
    const refused = await newSession(address);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: { code: 'FV_ERR_WEBCHAT_SESSIONS_PER_DAY' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3600);
    expect((await newSession('10.77.0.2')).statusCode).toBe(201);
  });
});

describe('failed webhook authentication', () => {
  const update = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 5, type: 'private' }, from: { id: 5, is_bot: false, first_name: 'X' }, text: 'salut' } };
  const post = (secret: string, remoteAddress: string) =>
    testApp.app.inject({ method: 'POST', url: '/webhooks/telegram', headers: { 'x-telegram-bot-api-secret-token': secret }, payload: update, remoteAddress });

  it('refuses an address that keeps guessing the secret, even when it finally guesses right; others are served', async () => {
    const guesser = '203.0.113.66';
    const statuses: number[] = [];
    for (let index = 0; index < authenticationFailureLimits.failuresPerIp; index += 1) statuses.push((await post(`ghicit-${index}-xxxxxxxx`, guesser)).statusCode);
    expect(statuses).toEqual(Array(authenticationFailureLimits.failuresPerIp).fill(401));

    const blocked = await post(telegramSecret, guesser);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ error: { code: 'FV_ERR_AUTHENTICATION_FAILURES' } });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);

    // Telegram's own address, with the right secret, is not affected by someone else's guessing.
    expect((await post('altceva-gresit-xxxxxx', '149.154.167.200')).statusCode).toBe(401);
  });

  it('counts a WhatsApp signature that does not match the same way', async () => {
    const guesser = '203.0.113.67';
    const postSigned = () =>
      testApp.app.inject({
        method: 'POST',
        url: '/webhooks/whatsapp',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
        payload: JSON.stringify({ object: 'whatsapp_business_account', entry: [] }),
        remoteAddress: guesser,
      });
    const statuses: number[] = [];
    for (let index = 0; index < authenticationFailureLimits.failuresPerIp; index += 1) statuses.push((await postSigned()).statusCode);
    expect(statuses).toEqual(Array(authenticationFailureLimits.failuresPerIp).fill(401));
    const blocked = await postSigned();
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ error: { code: 'FV_ERR_AUTHENTICATION_FAILURES' } });
  });
});
