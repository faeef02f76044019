import { afterEach, describe, expect, it } from 'vitest';
import { InboxEvents, type InboxEvent } from '../../src/admin/inbox-events.ts';
import { currentConversation, upsertContact } from '../../src/conversation/conversation-store.ts';
import { inTransaction, openConfiguredDatabase, type DatabaseHandle } from '../../src/database/connection.ts';
import { deadlineRules } from '../../src/tickets/deadlines.ts';
import { createTicket, recordEvent } from '../../src/tickets/ticket-store.ts';
import { freshPostgresDatabase, testPostgresAdminUrl } from '../helpers/test-database.ts';

// On PostgreSQL an audit row's id is given at insert and the row shows at commit: a transaction that
// started first may commit last. The live inbox must still tell the clerks about it.

describe.skipIf(!testPostgresAdminUrl())('the live inbox on PostgreSQL', () => {
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
  });

  it('sends a change whose transaction committed after a later one was already sent', async () => {
    handle = await openConfiguredDatabase({ databasePath: '', databaseUrl: await freshPostgresDatabase() });
    const db = handle.db;
    const now = new Date();
    const contact = await upsertContact(db, { channel: 'webchat', externalId: 'late-commit' }, now);
    const conversation = await currentConversation(db, contact, 'ro', now);
    const ticket = await inTransaction(db, (transaction) =>
      createTicket(transaction, { contactId: contact.id, conversationId: conversation.id, channel: 'webchat', type: 'sesizare', subject: 'groapă', text: 'groapă', department: 'registratura', deadline: deadlineRules.sesizare }, now, { type: 'bot' }),
    );
    const clerk = { type: 'clerk' as const, id: '1', channel: 'web' };

    const heard: InboxEvent[] = [];
    const events = new InboxEvents(db, (error) => {
      throw error;
    }, 60_000);
    const stop = await events.subscribe((event) => heard.push(event));
    try {
      // The slow transaction takes its ids first and holds them uncommitted…
      let commitSlow!: () => void;
      const slowMayCommit = new Promise<void>((resolve) => (commitSlow = resolve));
      let slowInserted!: () => void;
      const slowHasIds = new Promise<void>((resolve) => (slowInserted = resolve));
      const slow = inTransaction(db, async (transaction) => {
        await recordEvent(transaction, ticket.id, 'note', clerk, now);
        slowInserted();
        await slowMayCommit;
      });
      await slowHasIds;
      // …a quick one commits with a higher id and is sent…
      await recordEvent(db, ticket.id, 'assigned', clerk, now);
      await events.poll();
      expect(heard.map((event) => event.data.kind)).toEqual(['assigned']);
      // …then the slow one commits: the next read sends it, once.
      commitSlow();
      await slow;
      await events.poll();
      await events.poll();
      expect(heard.map((event) => event.data.kind)).toEqual(['assigned', 'note']);
    } finally {
      stop();
    }
  });
});
