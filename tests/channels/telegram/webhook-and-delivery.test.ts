import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages, outbox, ticketEvents, tickets } from '../../../src/database/schema.ts';
import { addClerk } from '../../../src/tickets/clerk-directory.ts';
import { FakeTelegramApi } from '../../fakes/fake-telegram-api.ts';
import { settled } from '../../helpers/settled.ts';
import { eventually, temporaryDirectory } from '../../helpers/test-app.ts';
import { citizen, converse, newUserId, postUpdate, privateMessage, startTelegramApp, textFrom, webhookSecret, type TelegramTestApp } from './telegram-test-kit.ts';

// One data directory and one fake Telegram for the whole file: the last test restarts the app on them.
const dataDirectory = temporaryDirectory();
let telegram: FakeTelegramApi;
let testApp: TelegramTestApp;
const clerkTelegramId = newUserId();

beforeAll(async () => {
  telegram = await FakeTelegramApi.start();
  testApp = await startTelegramApp({}, { dataDirectory, telegram });
  await addClerk(testApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura', telegramId: String(clerkTelegramId) });
});

afterAll(async () => {
  await testApp?.close();
  await telegram?.close();
  fs.rmSync(dataDirectory, { recursive: true, force: true });
});

function database() {
  return testApp.app.functionar.database.db;
}

describe('the Telegram webhook', () => {
  it('refuses a missing or wrong secret with 401 and stores nothing', async () => {
    const ion = citizen('ro');
    const update = textFrom(ion, 'buna ziua');
    for (const secret of [null, '', 'wrong-secret', `${webhookSecret}x`, webhookSecret.slice(0, -1)]) {
      const response = await postUpdate(testApp.app, update, secret);
      expect(response.statusCode, `secret ${JSON.stringify(secret)}`).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'FV_ERR_TELEGRAM_SECRET', message: expect.any(String) } });
    }
    // Not even a malformed body is looked at without the secret.
    expect((await postUpdate(testApp.app, '{"update_id":', 'wrong-secret')).statusCode).toBe(401);
    await settled(testApp.app, 'nothing left to handle');
    expect(await database().select().from(messages).where(eq(messages.channel, 'telegram'))).toHaveLength(0);
    expect(telegram.sentMessages(ion.id)).toHaveLength(0);
  });

  it('answers 400 to malformed updates and keeps serving', async () => {
    const ion = citizen('ro');
    const bodies = [
      '{"update_id": 1, "message": ',
      '[]',
      '"update"',
      '{}',
      '{"update_id": "one"}',
      '{"update_id": -5}',
      JSON.stringify({ update_id: 7, message: 'hello' }),
      JSON.stringify({ update_id: 8, message: { message_id: 1, date: 1, text: 'no chat' } }),
      JSON.stringify({ update_id: 9, callback_query: { id: 'q', from: { id: 'someone' } } }),
    ];
    for (const body of bodies) {
      const response = await postUpdate(testApp.app, body);
      expect(response.statusCode, body).toBe(400);
      expect(response.json().error.code).toEqual(expect.any(String));
    }
    const huge = await postUpdate(testApp.app, JSON.stringify({ update_id: 10, padding: 'x'.repeat(70 * 1024) }));
    expect(huge.statusCode).toBe(413);

    const [answer] = await converse(testApp, ion, textFrom(ion, 'buna ziua'));
    expect(answer?.text).toMatch(/asistentul virtual/);
    expect((await testApp.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await testApp.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json().checks['channel:telegram']).toBe('ok');
  });
});

describe('delivery to Telegram', () => {
  it('waits as long as Telegram asks after a 429, then delivers', async () => {
    const ion = citizen('ro');
    telegram.failNext('sendMessage', { kind: 'rate-limit', retryAfterSeconds: 2 });
    await testApp.deliver(textFrom(ion, 'buna ziua'));
    const [delivered] = await testApp.nextMessages(ion.id, 0, 1);
    const attempts = telegram.callsOf('sendMessage').filter((call) => String(call.body.chat_id) === String(ion.id));
    expect(attempts.map((call) => call.status)).toEqual([429, 200]);
    // The outbox's own first backoff is 1 s: 2 s means retry_after was honoured.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1900);
    expect(delivered?.text).toMatch(/asistentul virtual/);
  });

  it('retries after a Telegram server error', async () => {
    const ion = citizen('ro');
    telegram.failNext('sendMessage', { kind: 'server-error', status: 502 });
    await testApp.deliver(textFrom(ion, 'buna ziua'));
    await testApp.nextMessages(ion.id, 0, 1);
    const statuses = telegram.callsOf('sendMessage').filter((call) => String(call.body.chat_id) === String(ion.id)).map((call) => call.status);
    expect(statuses).toEqual([502, 200]);
  });

  it('records on the ticket that the citizen blocked the bot, so the clerk sees the answer did not arrive', async () => {
    const ion = citizen('ro');
    await converse(testApp, ion, textFrom(ion, 'vreau sa vorbesc cu un functionar'));
    const ticket = (await database().select().from(tickets).orderBy(tickets.id)).at(-1)!;
    telegram.blockedChats.add(String(ion.id));
    const outcome = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/raspunde ${ticket.number}/${ticket.year} Vă sunăm mâine.`);
    expect(outcome.ok).toBe(true);
    const failed = await eventually(async () =>
      (await database().select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id))).find((event) => event.kind === 'delivery_failed'),
    );
    expect(String(failed.detail?.reason)).toContain('403: Forbidden: bot was blocked by the user');
    // Not retried: a blocked bot stays blocked.
    expect(telegram.callsOf('sendMessage').filter((call) => String(call.body.chat_id) === String(ion.id) && call.status === 403)).toHaveLength(1);
    const entry = (await database().select().from(outbox).where(eq(outbox.ticketId, ticket.id)).orderBy(outbox.id)).at(-1);
    expect(entry?.status).toBe('failed');
  });

  it('answers an update once also when Telegram delivers it again after a restart', async () => {
    const ion = citizen('ro');
    const question = textFrom(ion, 'buna ziua');
    await converse(testApp, ion, question);
    const command = privateMessage({ id: clerkTelegramId, languageCode: 'ro', firstName: 'Ana' }, { text: '/tichete' });
    await testApp.deliver(command);
    await testApp.nextMessages(clerkTelegramId, 0, 1);

    await testApp.close();
    testApp = await startTelegramApp({}, { dataDirectory, telegram });
    await testApp.deliver(question);
    await testApp.deliver(command);
    await settled(testApp.app, 'the redelivered updates handled');
    expect(telegram.sentMessages(ion.id)).toHaveLength(1);
    expect(telegram.sentMessages(clerkTelegramId)).toHaveLength(1);
  });

  it('answers 503 while the update cannot be handled, and handles Telegram delivering it again', async () => {
    await testApp.close();
    const failedBefore = telegram.callsOf('getMe').filter((call) => call.status === 502).length;
    telegram.failNext('getMe', { kind: 'server-error', status: 502 }, 2);
    testApp = await startTelegramApp({}, { dataDirectory, telegram });
    // The start-up's own getMe failed: Telegram was unreachable when the server started.
    await eventually(() => (telegram.callsOf('getMe').filter((call) => call.status === 502).length > failedBefore ? true : undefined));
    const ion = citizen('ro');
    const update = textFrom(ion, 'buna ziua');
    const refused = await postUpdate(testApp.app, update);
    expect(refused.statusCode).toBe(503);
    expect(refused.json().error.code).toBe('FV_ERR_TELEGRAM_UPDATE_NOT_STORED');
    const [answer] = await converse(testApp, ion, update);
    expect(answer?.text).toMatch(/asistentul virtual/);
    await settled(testApp.app, 'the update answered once');
    expect(telegram.sentMessages(ion.id)).toHaveLength(1);
  });
});

