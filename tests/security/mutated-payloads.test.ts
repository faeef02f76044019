import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotConnector } from '../fakes/fake-bot-connector.ts';
import { FakeGraphApi } from '../fakes/fake-graph-api.ts';
import { FakeTelegramApi } from '../fakes/fake-telegram-api.ts';
import { repositoryRoot } from '../faults/server-process.ts';
import { teamsActivity } from '../channels/teams/teams-test-kit.ts';
import { webhookChannelsEnvironment } from '../helpers/channel-environment.ts';
import { settled } from '../helpers/settled.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// The recorded payloads of every channel (tests/fixtures), each field in turn replaced by a value of
// the wrong type or an absurd size: what a buggy client, a new API version or an attacker sends. Each
// must get an answer below 500 without a stack trace, and none may break the processing that happens
// after the webhook said 200 (a TypeError there would only show in the log, so the log is checked).

const telegramSecret = 'mutation-test-telegram-secret';
const whatsappSecret = 'mutation-test-whatsapp-secret';
const wrongValues: unknown[] = [null, true, -1, 1.5e308, '', 'x'.repeat(5000), [], {}, '\u202e\u0000'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path into a JSON value, the root excluded. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
  return [];
}

function replaced(value: Json, at: (string | number)[], replacement: unknown): Json {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[at.at(-1)!] = replacement;
  return copy as Json;
}

function fixtures(directory: string): { name: string; payload: Json }[] {
  const folder = path.join(repositoryRoot, 'tests/fixtures', directory);
  return fs
    .readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({ name: `${directory}/${file}`, payload: JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')) as Json }));
}

/** Each recorded payload with each field replaced by each wrong value; `renew` keeps ids unique so dedupe does not hide a case. */
function* mutations(payloads: { name: string; payload: Json }[], renew: (payload: Json, index: number) => Json) {
  let index = 0;
  for (const { name, payload } of payloads) {
    for (const at of pathsOf(payload)) {
      for (const value of wrongValues) {
        index += 1;
        yield { what: `${name} ${at.join('.')} = ${JSON.stringify(value)?.slice(0, 20)}`, body: replaced(renew(payload, index), at, value) };
      }
    }
  }
}

let testApp: TestApp;
let telegram: FakeTelegramApi;
let graph: FakeGraphApi;
let connector: FakeBotConnector;

beforeAll(async () => {
  telegram = await FakeTelegramApi.start();
  graph = await FakeGraphApi.start({ token: 'mutation-test-graph-token' });
  connector = await FakeBotConnector.start();
  testApp = await startTestApp({
    ...webhookChannelsEnvironment({ telegram, telegramSecret, graph, whatsappSecret, whatsappVerifyToken: 'mutation-test-verify-token' }),
    TEAMS_LOCAL_MODE: 'true',
  });
}, 60_000);

afterAll(async () => {
  await testApp?.close();
  await telegram?.close();
  await graph?.close();
  await connector?.stop();
});

/** What went wrong with one request, or nothing. */
function problemWith(response: LightMyRequestResponse, what: string): string[] {
  const problems: string[] = [];
  if (response.statusCode >= 500) problems.push(`${what} → ${response.statusCode} ${response.body.slice(0, 160)}`);
  if (/\n\s+at [^\n]+:\d+:\d+|node_modules|\/src\/[\w/-]+\.ts/.test(response.body)) problems.push(`${what} → stack trace in the answer`);
  return problems;
}

/** A programming error (TypeError, RangeError…) logged anywhere while the mutations were processed. */
function programmingErrorsInLog(): string[] {
  return testApp.logLines
    .filter((line) => Number(line.level) >= 50)
    .map((line) => line.err as { type?: string; message?: string } | undefined)
    .filter((error) => error && /^(TypeError|RangeError|ReferenceError|SyntaxError)$/.test(String(error.type)))
    .map((error) => `${error!.type}: ${error!.message}`);
}

/** Sends every mutation; returns how many went out and what went wrong with them. */
async function sendAll(cases: Iterable<{ what: string; body: Json }>, send: (body: Json) => Promise<LightMyRequestResponse>) {
  let count = 0;
  const problems: string[] = [];
  for (const { what, body } of cases) {
    problems.push(...problemWith(await send(body), what));
    count += 1;
  }
  return { count, problems };
}

describe('recorded payloads with every field of the wrong type', () => {
  it('Telegram updates', async () => {
    const renew = (payload: Json, index: number) => ({ ...(payload as Record<string, Json>), update_id: 900_000_000 + index });
    const { count, problems } = await sendAll(mutations(fixtures('telegram'), renew), (body) =>
      testApp.app.inject({ method: 'POST', url: '/webhooks/telegram', headers: { 'x-telegram-bot-api-secret-token': telegramSecret }, payload: body as object }),
    );
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThan(500);
  }, 120_000);

  it('WhatsApp Cloud API notifications', async () => {
    const renew = (payload: Json, index: number) => JSON.parse(JSON.stringify(payload).replace(/"wamid\.[^"]*"/g, `"wamid.mutation-${index}"`)) as Json;
    const { count, problems } = await sendAll(mutations(fixtures('whatsapp/cloud'), renew), (body) => {
      const text = JSON.stringify(body);
      const signature = `sha256=${createHmac('sha256', whatsappSecret).update(text).digest('hex')}`;
      return testApp.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, payload: text });
    });
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThan(500);
  }, 120_000);

  it('Teams activities', async () => {
    const names = fs.readdirSync(path.join(repositoryRoot, 'tests/fixtures/teams')).map((file) => file.replace(/\.json$/, ''));
    const recorded = names.map((name) => ({ name: `teams/${name}`, payload: teamsActivity(name, { SERVICE_URL: connector.serviceUrl, TEXT: '/tichete' }) as Json }));
    const renew = (payload: Json, index: number) => ({ ...(payload as Record<string, Json>), id: `mutation-${index}` });
    const { count, problems } = await sendAll(mutations(recorded, renew), (body) =>
      testApp.app.inject({ method: 'POST', url: '/api/messages', headers: { 'content-type': 'application/json' }, payload: body as object }),
    );
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThan(200);
  }, 120_000);

  it('answers the documented 400 where a field the channel reads has the wrong type', async () => {
    const photo = fixtures('telegram').find(({ name }) => name.endsWith('photo-message.json'))!.payload;
    const telegramResponse = await testApp.app.inject({
      method: 'POST',
      url: '/webhooks/telegram',
      headers: { 'x-telegram-bot-api-secret-token': telegramSecret },
      payload: replaced(replaced(photo, ['update_id'], 990_000_001), ['message', 'photo', 0], null) as object,
    });
    expect(telegramResponse.statusCode).toBe(400);
    expect(telegramResponse.json()).toMatchObject({ error: { code: expect.any(String), message: expect.stringMatching(/photo/) } });

    const text = JSON.stringify(replaced(fixtures('whatsapp/cloud').find(({ name }) => name.endsWith('/text.json'))!.payload, ['entry', 0, 'changes'], 'none'));
    const whatsappResponse = await testApp.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', whatsappSecret).update(text).digest('hex')}` },
      payload: text,
    });
    expect(whatsappResponse.statusCode).toBe(400);
    expect(whatsappResponse.json()).toEqual({ error: { code: 'FV_ERR_WHATSAPP_PAYLOAD', message: expect.stringMatching(/entry\.0\.changes/) } });
  });

  it('left no programming error in the processing after the 200, and the server still serves', async () => {
    // The pipeline has answered everything the webhooks accepted and the outbox has tried every reply once.
    await settled(testApp.app, { what: 'the accepted payloads processed', timeoutMs: 60_000, retriesMayWait: true });
    expect(programmingErrorsInLog()).toEqual([]);
    expect((await testApp.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
