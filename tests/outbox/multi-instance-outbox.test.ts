import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openConfiguredDatabase, type DatabaseHandle } from '../../src/database/connection.ts';
import { messages, outbox, type OutboxRow } from '../../src/database/schema.ts';
import { interruptedSendReason } from '../../src/outbox/outbox-store.ts';
import { citizen, postUpdate, startTelegramApp, textFrom, webhookSecret, type TelegramTestApp } from '../channels/telegram/telegram-test-kit.ts';
import { FakeTelegramApi } from '../fakes/fake-telegram-api.ts';
import { startServerProcess, type ServerProcess } from '../faults/server-process.ts';
import { settled } from '../helpers/settled.ts';
import { eventually } from '../helpers/test-app.ts';
import { testPostgresAdminUrl } from '../helpers/test-database.ts';
import { instanceWorld } from '../helpers/instances.ts';

// Two instances of the bot on one database (issue #20), each with its own data directory, both sending
// through one fake Telegram Bot API that records every call: every answer goes out exactly once, and the
// sends of an instance that dies are taken over by the other once their lease ran out — the one cut
// mid-send is not sent again (Telegram has no idempotency key: uncertain, for the clerk to check).
// On PostgreSQL the instances share a fresh database; on SQLite (the kill test only) one file.

const leaseMs = 2000;
/** Longer than the survivor takes to start, so the test sees the dead instance's claim still respected. */
const killedLeaseMs = 10_000;
const { later, directory, sharedDatabase } = instanceWorld();

async function openShared(environment: Record<string, string>): Promise<DatabaseHandle> {
  const handle = await openConfiguredDatabase({ databasePath: environment.DATABASE_PATH ?? '', databaseUrl: environment.DATABASE_URL });
  later(() => handle.close());
  return handle;
}

async function instance(environment: Record<string, string>, telegram: FakeTelegramApi, name: string, lease = leaseMs): Promise<TelegramTestApp> {
  const started = await startTelegramApp({ ...environment, INSTANCE_ID: name, CLAIM_LEASE_MS: String(lease) }, { telegram, dataDirectory: directory() });
  later(() => started.close());
  return started;
}

function answeredSends(telegram: FakeTelegramApi, chatId: number): number {
  return telegram.sentMessages(chatId).length;
}

describe('two instances on one database', () => {
  // PostgreSQL only: two live instances on one SQLite file would have to be two processes; two apps in one
  // process block each other (better-sqlite3 waits for the file lock synchronously, holding up the event
  // loop that would finish the other app's transaction). The kill test below has one live at a time.
  it.runIf(testPostgresAdminUrl() !== undefined)('send every answer exactly once, each entry claimed by one of them', async () => {
    const telegram = await FakeTelegramApi.start();
    later(() => telegram.close());
    const shared = await sharedDatabase();
    const first = await instance(shared, telegram, 'instance-a');
    const second = await instance(shared, telegram, 'instance-b');

    // Twenty citizens write at once, half of them reaching one instance, half the other (a load balancer).
    const people = Array.from({ length: 20 }, () => citizen('ro'));
    const responses = await Promise.all(people.map((person, index) => postUpdate((index % 2 === 0 ? first : second).app, textFrom(person, 'ce acte trebuie pentru certificatul de urbanism?'))));
    expect(responses.map((response) => response.statusCode)).toEqual(people.map(() => 200));
    await settled(first.app, 'both instances answered and delivered');
    await settled(second.app, 'both instances answered and delivered');

    const entries = await first.app.functionar.database.db
      .select()
      .from(outbox)
      .where(inArray(outbox.recipient, people.map((person) => String(person.id))));
    expect(entries.length).toBeGreaterThanOrEqual(people.length);
    expect(entries.filter((entry) => entry.status !== 'sent')).toEqual([]);
    // One attempt each, by one instance, and the Bot API got each answer once.
    expect(entries.filter((entry) => entry.attempts !== 1)).toEqual([]);
    for (const person of people) {
      expect(answeredSends(telegram, person.id), `sends to citizen ${person.id}`).toBe(entries.filter((entry) => entry.recipient === String(person.id)).length);
    }
    const senders = new Set(entries.map((entry) => entry.claimedBy));
    // Both took part: each kicks its own worker after its commits and polls for the rest.
    expect(senders).toEqual(new Set(['instance-a', 'instance-b']));
    // Every inbound message answered once, by one instance.
    const inbound = await first.app.functionar.database.db.select().from(messages).where(and(eq(messages.channel, 'telegram'), eq(messages.direction, 'inbound')));
    expect(inbound).toHaveLength(people.length);
    expect(inbound.filter((message) => message.processedAt === null)).toEqual([]);
  }, 90_000);

  it.runIf(testPostgresAdminUrl() !== undefined)('store and answer an update once when Telegram delivers it to both instances at once', async () => {
    const telegram = await FakeTelegramApi.start();
    later(() => telegram.close());
    const shared = await sharedDatabase();
    const first = await instance(shared, telegram, 'instance-a');
    const second = await instance(shared, telegram, 'instance-b');

    // A retry after a timeout reaches the other instance while the first still handles the original.
    const people = Array.from({ length: 8 }, () => citizen('hu'));
    const updates = people.map((person) => textFrom(person, 'milyen iratok kellenek az építési engedélyhez?'));
    const responses = await Promise.all(updates.flatMap((update) => [postUpdate(first.app, update), postUpdate(second.app, update)]));
    expect(responses.map((response) => response.statusCode)).toEqual(responses.map(() => 200));
    await settled(first.app, 'both instances answered and delivered');
    await settled(second.app, 'both instances answered and delivered');

    const inbound = await first.app.functionar.database.db.select().from(messages).where(and(eq(messages.channel, 'telegram'), eq(messages.direction, 'inbound')));
    expect(inbound).toHaveLength(people.length);
    for (const person of people) expect(answeredSends(telegram, person.id), `answers to citizen ${person.id}`).toBe(1);
  }, 90_000);

  it("take over the sends of an instance killed mid-send once its lease ran out, without sending twice", async () => {
    const telegram = await FakeTelegramApi.start();
    later(() => telegram.close());
    const shared = await sharedDatabase();
    const database = await openShared(shared);
    const environment = {
      ...shared,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_WEBHOOK_SECRET: webhookSecret,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_MODE: 'webhook',
      INSTANCE_ID: 'instance-killed',
      CLAIM_LEASE_MS: String(killedLeaseMs),
    };
    // The Bot API stops answering: the first instance's send hangs, and its worker with it.
    telegram.hangSends();
    const killed: ServerProcess = await startServerProcess({ dataDirectory: directory(), environment });
    later(() => killed.kill());
    const post = (person: ReturnType<typeof citizen>) =>
      fetch(`${killed.url}/webhooks/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': webhookSecret },
        body: JSON.stringify(textFrom(person, 'buna ziua, ce program are primaria?')),
      });
    const cut = citizen('ro');
    const waiting = citizen('ro');
    expect((await post(cut)).status).toBe(200);
    await eventually(() => telegram.arrivalsOf('sendMessage') >= 1, 20_000, 'the first answer hanging in the Bot API');
    expect((await post(waiting)).status).toBe(200);
    const entriesOf = async (person: ReturnType<typeof citizen>): Promise<OutboxRow[]> => database.db.select().from(outbox).where(eq(outbox.recipient, String(person.id)));
    // The second citizen's answer is committed, queued behind the hanging send.
    await eventually(async () => ((await entriesOf(waiting)).some((entry) => entry.status === 'pending') ? true : undefined), 20_000, "the second citizen's answer queued");
    const inFlight = (await database.db.select().from(outbox).where(eq(outbox.status, 'sending')))[0]!;
    expect(inFlight).toMatchObject({ claimedBy: 'instance-killed', recipient: String(cut.id), attempts: 1 });

    await killed.kill();
    // The last lease the dead instance wrote: nobody may take its send over before then.
    const leaseAtDeath = Date.parse((await database.db.select().from(outbox).where(eq(outbox.id, inFlight.id)))[0]!.leaseUntil!);
    telegram.answerSendsAgain();
    const survivor = await instance(shared, telegram, 'instance-survivor', killedLeaseMs);

    // What was only queued is sent at once; the send cut by the kill waits for its lease, then is failed as uncertain.
    await eventually(async () => ((await entriesOf(waiting)).every((entry) => entry.status === 'sent') ? true : undefined), 10_000, "the second citizen's answer sent by the survivor");
    const checkedAt = Date.now();
    const beforeExpiry = (await database.db.select().from(outbox).where(eq(outbox.id, inFlight.id)))[0]!;
    if (checkedAt < leaseAtDeath) expect(beforeExpiry.status).toBe('sending');
    const uncertain = await eventually(
      async () => (await database.db.select().from(outbox).where(eq(outbox.id, inFlight.id))).find((entry) => entry.status === 'failed'),
      killedLeaseMs * 3,
      'the interrupted send taken over',
    );
    expect(uncertain).toMatchObject({ lastError: interruptedSendReason, attempts: 1 });
    expect(Date.now()).toBeGreaterThanOrEqual(leaseAtDeath);
    await settled(survivor.app, 'the survivor delivered everything');
    expect((await entriesOf(waiting)).map((entry) => entry.claimedBy)).toEqual((await entriesOf(waiting)).map(() => 'instance-survivor'));
    expect(answeredSends(telegram, waiting.id)).toBe((await entriesOf(waiting)).length);
    // Never re-sent: what reached the first citizen are their other answers, if any, not the one the kill cut off.
    const cutEntries = await entriesOf(cut);
    expect(cutEntries.filter((entry) => entry.status !== 'sent' && entry.id !== inFlight.id)).toEqual([]);
    expect(answeredSends(telegram, cut.id)).toBe(cutEntries.filter((entry) => entry.status === 'sent').length);
  }, 120_000);
});
