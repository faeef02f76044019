import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { currentConversation, insertInboundMessage, upsertContact } from '../../src/conversation/conversation-store.ts';
import { inTransaction, openDatabase, sqliteConnectionOf } from '../../src/database/connection.ts';
import { enqueue } from '../../src/outbox/outbox-store.ts';
import { textUpdate } from '../channels/telegram/telegram-test-kit.ts';
import { FakeTelegramApi } from '../fakes/fake-telegram-api.ts';
import { runCli } from '../helpers/cli.ts';
import { eventually, startTestApp, temporaryDirectory } from '../helpers/test-app.ts';

// The administrator restores a backup that was taken while the town hall was busy: replies were waiting
// in the outbox and a citizen's plea for a person had been accepted but not yet answered. In the database
// the restore throws away, those replies went out and the plea got its ticket; the restored copy must not
// send them a second time nor open a second ticket, and the restore says what it held back.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
});

function newDataDirectory(): string {
  const directory = temporaryDirectory('functionar-restore-');
  cleanups.push(() => fs.rmSync(directory, { recursive: true, force: true }));
  return directory;
}

const waitingChat = 555_001;
const pleadingChat = 555_002;
const laterChat = 555_003;

/** The state a backup under load catches: committed work the server had not finished yet. */
async function leaveWorkUnfinished(databasePath: string): Promise<void> {
  const database = openDatabase(databasePath);
  try {
    const now = new Date();
    await inTransaction(database.db, async (transaction) => {
      for (const text of ['Răspunsul 1', 'Răspunsul 2', 'Răspunsul 3']) {
        await enqueue(transaction, { channel: 'telegram', recipient: String(waitingChat), recipientChannelData: { chatId: waitingChat }, message: { author: 'bot', text, parts: [] } }, now);
      }
      const contact = await upsertContact(transaction, { channel: 'telegram', externalId: String(pleadingChat), channelData: { chatId: pleadingChat } }, now);
      const conversation = await currentConversation(transaction, contact, 'ro', now);
      await insertInboundMessage(transaction, { conversationId: conversation.id, contactId: contact.id, channel: 'telegram', externalId: `message:${pleadingChat}:1`, text: 'vreau sa vorbesc cu un functionar' }, now);
    });
  } finally {
    database.close();
  }
}

describe('restoring a backup taken under load', () => {
  it('sends nothing the backup had pending, answers no message again, and says how many it held back', async () => {
    const dataDirectory = newDataDirectory();
    const first = await startTestApp({}, { dataDirectory });
    await first.close();
    await leaveWorkUnfinished(first.config.databasePath);

    const backupFile = path.join(newDataDirectory(), 'under-load.db');
    const environment = (directory: string) => ({ DATA_DIR: directory, LOG_LEVEL: 'silent' });
    const backup = await runCli(['backup', backupFile], { environment: environment(dataDirectory) });
    expect(backup.stdout, backup.stderr).toContain('Backup written');

    const restoredDirectory = newDataDirectory();
    const restore = await runCli(['restore', backupFile], { environment: environment(restoredDirectory) });
    expect(restore.status, restore.stderr).toBe(0);
    expect(restore.stdout).toContain('3 deliveries the backup had pending are marked "to check" and will not be sent again');
    expect(restore.stdout).toContain('1 citizens\' messages the backup had not answered are marked "restored_unanswered"');
    expect(restore.stdout).toMatch(/message \d+ · telegram · contact \d+/);

    const telegram = await FakeTelegramApi.start();
    cleanups.push(() => telegram.close());
    const secret = 'restore-test-webhook-secret';
    const restored = await startTestApp(
      { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_WEBHOOK_SECRET: secret, TELEGRAM_API_ROOT: telegram.url, TELEGRAM_MODE: 'webhook' },
      { dataDirectory: restoredDirectory },
    );
    cleanups.push(() => restored.close());
    const sqlite = sqliteConnectionOf(restored.app.functionar.database);
    // Started means resumed: the plea the backup held unanswered opened no ticket.
    expect(sqlite.prepare('select count(*) as count from tickets').get()).toEqual({ count: 0 });
    expect(sqlite.prepare(`select intent from messages where direction = 'inbound'`).all()).toEqual([{ intent: 'restored_unanswered' }]);

    // A new citizen writes after the restore: once their answer is out, the outbox has gone past the held rows.
    const update = textUpdate({ updateId: 9001, chatId: laterChat, text: 'Bună ziua' });
    const response = await restored.app.inject({ method: 'POST', url: '/webhooks/telegram', payload: update, headers: { 'x-telegram-bot-api-secret-token': secret } });
    expect(response.statusCode).toBe(200);
    await eventually(() => telegram.sentMessages(laterChat).length > 0 || undefined, 10_000, 'the new citizen’s answer');
    expect(telegram.sentMessages(waitingChat)).toEqual([]);
    expect(telegram.sentMessages(pleadingChat)).toEqual([]);
    const held = sqlite.prepare(`select status, last_error as lastError from outbox where recipient = ?`).all(String(waitingChat)) as { status: string; lastError: string }[];
    expect(held).toHaveLength(3);
    for (const row of held) expect(row).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^de verificat: restaurat dintr-o copie/) });
  }, 60_000);
});
