import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openConfiguredDatabase } from '../../src/database/connection.ts';
import { contacts, messages, outbox } from '../../src/database/schema.ts';
import { citizen, startTelegramApp, textFrom, webhookSecret } from '../channels/telegram/telegram-test-kit.ts';
import { FakeOllamaServer } from '../fakes/fake-ollama-server.ts';
import { FakeTelegramApi } from '../fakes/fake-telegram-api.ts';
import { startServerProcess } from '../faults/server-process.ts';
import { settled } from '../helpers/settled.ts';
import { eventually } from '../helpers/test-app.ts';
import { instanceWorld } from '../helpers/instances.ts';

// A citizen's message is stored by one instance, which dies while the language model is still thinking
// (issue #20). The other instance, running all along, leaves it alone while the first one's claim is
// renewed, and answers it — once — when the claim ran out. On SQLite the two share one file (only one
// of them writes while the other's model thinks, then the first is dead).

const leaseMs = 3000;
const { later, directory, sharedDatabase } = instanceWorld();

describe('a message whose instance died before answering it', () => {
  it('is answered once by the instance still alive, after the claim ran out', async () => {
    const telegram = await FakeTelegramApi.start();
    later(() => telegram.close());
    const ollama = await FakeOllamaServer.start({ defaultChatReply: { hang: true } });
    later(() => ollama.close());
    const shared = await sharedDatabase();
    const database = await openConfiguredDatabase({ databasePath: shared.DATABASE_PATH ?? '', databaseUrl: shared.DATABASE_URL });
    later(() => database.close());
    const claims = { CLAIM_LEASE_MS: String(leaseMs) };

    const survivor = await startTelegramApp({ ...shared, ...claims, INSTANCE_ID: 'instance-survivor' }, { telegram, dataDirectory: directory() });
    later(() => survivor.close());
    const dying = await startServerProcess({
      dataDirectory: directory(),
      environment: {
        ...shared,
        ...claims,
        INSTANCE_ID: 'instance-dying',
        OLLAMA_ENABLED: 'true',
        OLLAMA_HOST: ollama.url,
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_WEBHOOK_SECRET: webhookSecret,
        TELEGRAM_API_ROOT: telegram.url,
        TELEGRAM_MODE: 'webhook',
      },
    });
    later(() => dying.kill());

    const person = citizen('ro');
    const response = await fetch(`${dying.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': webhookSecret },
      body: JSON.stringify(textFrom(person, 'ce acte trebuie pentru certificatul de urbanism')),
    });
    expect(response.status).toBe(200);
    await ollama.waitFor(() => ollama.chatRequests.length > 0, 20_000);
    const question = async () =>
      (
        await database.db
          .select({ message: messages })
          .from(messages)
          .innerJoin(contacts, eq(contacts.id, messages.contactId))
          .where(and(eq(contacts.externalId, String(person.id)), eq(messages.direction, 'inbound')))
      )[0]!.message;
    const claimed = await question();
    expect(claimed).toMatchObject({ processedAt: null, claimedBy: 'instance-dying' });

    // The dying instance renews its claim while its model thinks: by the time its lease was renewed past
    // a whole lease, the survivor's sweep (once per lease) has looked at the message and left it alone.
    const firstLeaseEnd = Date.parse(claimed.leaseUntil!);
    await eventually(async () => (Date.parse((await question()).leaseUntil!) > firstLeaseEnd + leaseMs ? true : undefined), leaseMs * 4, 'the claim renewed');
    expect(await question()).toMatchObject({ processedAt: null, claimedBy: 'instance-dying' });
    expect(await database.db.select().from(messages).where(eq(messages.inReplyTo, claimed.id))).toEqual([]);

    await dying.kill();
    const answered = await eventually(async () => ((await question()).processedAt !== null ? await question() : undefined), leaseMs * 5, 'the question answered by the survivor');
    expect(answered.claimedBy).toBe('instance-survivor');
    await settled(survivor.app, 'the answer delivered');
    const replies = await database.db.select().from(messages).where(eq(messages.inReplyTo, claimed.id));
    expect(replies.length).toBeGreaterThan(0);
    const entries = await database.db.select().from(outbox).where(eq(outbox.recipient, String(person.id)));
    expect(entries.map((entry) => entry.status)).toEqual(entries.map(() => 'sent'));
    expect(telegram.sentMessages(person.id)).toHaveLength(entries.length);
  }, 120_000);
});
