import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { currentConversation, upsertContact } from '../../src/conversation/conversation-store.ts';
import { ticketEvents } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { sendDigest } from '../../src/tickets/deadline-digest.ts';
import { deadlineRuleFor } from '../../src/tickets/deadlines.ts';
import { createTicket, updateTicket } from '../../src/tickets/ticket-store.ts';
import { newUserId, startTelegramApp, type TelegramTestApp } from '../channels/telegram/telegram-test-kit.ts';
import { FakeTelegramApi } from '../fakes/fake-telegram-api.ts';
import { settled } from '../helpers/settled.ts';
import { freshPostgresDatabase, testPostgresAdminUrl } from '../helpers/test-database.ts';
import { instanceWorld } from '../helpers/instances.ts';

// Every instance runs the morning digest on its own clock (issue #20): at the same minute, and later
// when one starts late and catches up. The clerks get it once: the digest takes its job lock inside its
// transaction and re-reads, under the lock, whether today's already went out.

/** Thursday 26 November 2026, 08:30 in Bălăușeri. */
const thursdayMorning = new Date('2026-11-26T06:30:00Z');
const { later, directory } = instanceWorld();

async function instance(shared: Record<string, string>, telegram: FakeTelegramApi): Promise<TelegramTestApp> {
  const started = await startTelegramApp(shared, { telegram, dataDirectory: directory() });
  later(() => started.close());
  return started;
}

/** What one instance's scheduler does when the clock says it is time (src/tickets/digest-scheduler.ts). */
function scheduledDigest(testApp: TelegramTestApp) {
  const { database, channels } = testApp.app.functionar;
  return sendDigest(database.db, { now: thursdayMorning, timeZone: 'Europe/Bucharest', channels: new Set(channels.keys()), oncePerDay: true });
}

describe('the deadline digest with two instances on one database', () => {
  // PostgreSQL only: several instances on one SQLite file would be several processes; two apps in one
  // process block each other (better-sqlite3 waits for the file lock synchronously, holding up the event
  // loop that would finish the other app's transaction).
  it.runIf(testPostgresAdminUrl() !== undefined)('goes out once, whichever instance gets there first', async () => {
    const telegram = await FakeTelegramApi.start();
    later(() => telegram.close());
    const shared: Record<string, string> = { DATABASE_URL: (await freshPostgresDatabase())! };
    const first = await instance(shared, telegram);
    const second = await instance(shared, telegram);

    const db = first.app.functionar.database.db;
    const clerkTelegramId = newUserId();
    await addClerk(db, { name: 'Ana Pop', department: 'registratura', telegramId: String(clerkTelegramId) });
    const registered = new Date('2026-10-20T09:00:00Z');
    const contact = await upsertContact(db, { channel: 'webchat', externalId: 'digest-citizen', language: 'ro' }, registered);
    const conversation = await currentConversation(db, contact, 'ro', registered);
    const ticket = await createTicket(
      db,
      { contactId: contact.id, conversationId: conversation.id, channel: 'webchat', type: 'petitie', subject: 'Gard căzut pe trotuar', text: 'Textul cererii', department: 'registratura', deadline: deadlineRuleFor('petitie') },
      registered,
      { type: 'citizen', id: String(contact.id), channel: 'webchat' },
    );
    await updateTicket(db, ticket.id, { dueDate: '2026-11-27' }, registered);

    // Both clocks strike the same minute.
    const reports = await Promise.all([scheduledDigest(first), scheduledDigest(second)]);
    expect(reports.map((report) => report.messages.length).sort()).toEqual([0, 1]);
    // One started late and catches up: today's is already out.
    expect((await scheduledDigest(second)).messages).toEqual([]);

    const recorded = await db.select().from(ticketEvents).where(and(isNull(ticketEvents.ticketId), eq(ticketEvents.kind, 'digest_sent')));
    expect(recorded).toHaveLength(1);
    await first.app.functionar.outbox.kick();
    await second.app.functionar.outbox.kick();
    await settled(first.app, 'the digest delivered');
    await settled(second.app, 'the digest delivered');
    const received = telegram.sentMessages(clerkTelegramId);
    expect(received).toHaveLength(1);
    expect(received[0]!.text).toMatch(/^⏰ Termene — compartimentul registratură, 26\.11\.2026/);
  }, 90_000);
});
