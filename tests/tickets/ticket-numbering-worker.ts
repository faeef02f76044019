// A separate process creating tickets in the same database, for the cross-process numbering test: the
// SQLite file, or the PostgreSQL database when a URL is given (instances sharing one server).
import { inTransaction, openConfiguredDatabase } from '../../src/database/connection.ts';
import { upsertContact } from '../../src/conversation/conversation-store.ts';
import { deadlineRuleFor } from '../../src/tickets/deadlines.ts';
import { createTicket } from '../../src/tickets/ticket-store.ts';

const [databasePath, databaseUrl, workerName, countText] = process.argv.slice(2);
const handle = await openConfiguredDatabase({ databasePath: databasePath ?? '', databaseUrl: databaseUrl || undefined });
const now = new Date('2026-11-26T10:00:00Z');
const contact = await inTransaction(handle.db, (transaction) => upsertContact(transaction, { channel: 'webchat', externalId: `worker-${workerName}` }, now));
for (let index = 0; index < Number(countText); index += 1) {
  await inTransaction(handle.db, (transaction) =>
    createTicket(
      transaction,
      { contactId: contact.id, conversationId: null, channel: 'webchat', type: 'cerere', subject: `w${workerName}-${index}`, text: 'x', department: 'registratura', deadline: deadlineRuleFor('cerere') },
      now,
      { type: 'citizen' },
    ),
  );
}
await handle.close();
