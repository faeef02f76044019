import fs from 'node:fs';
import path from 'node:path';
import { and, eq, inArray, like, ne, or } from 'drizzle-orm';
import { attachmentFilePath } from '../attachments/attachment-store.ts';
import { inTransaction, type Database } from '../database/connection.ts';
import { contacts, conversations, messages, open311Requests, outbox, receipts, ticketEvents, tickets } from '../database/schema.ts';
import type { AttachmentPart, MessagePart } from '../messages.ts';
import { receiptFilesOfTicket } from '../receipts/receipt-storage.ts';
import { recordEvent } from '../tickets/ticket-store.ts';
import { hashIdentity } from './erasure-key.ts';

// GDPR art. 17 within the archive law: the registry record of a request (number, dates, type,
// department, status, legal term, consent proof) is an archive document the town hall must keep
// (Legea 16/1996 a Arhivelor Naționale, republished, and its archival nomenclature), so it stays; what
// identifies or describes the person — names, phone numbers, e-mails, what they wrote, files they sent,
// their channel identity — is removed or replaced. See docs/administrator-guide.md.

export const erasedText = '[șters la cererea persoanei vizate / erased at the data subject’s request]';

export interface ErasureSummary {
  contactId: number;
  messages: number;
  tickets: number;
  filesDeleted: number;
}

/** Event details keep their shape (who, when, what kind) but lose free text. */
function scrubDetail(detail: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!detail) return detail;
  const textual = new Set(['text', 'command', 'subject', 'name', 'phone', 'email', 'reason']);
  return Object.fromEntries(Object.entries(detail).map(([key, value]) => [key, textual.has(key) && typeof value === 'string' ? erasedText : value]));
}

export function eraseContact(database: Database, dataDirectory: string, contactId: number, now = new Date()): ErasureSummary {
  const outcome = inTransaction(database, (transaction) => {
    const contact = transaction.select().from(contacts).where(eq(contacts.id, contactId)).get();
    if (!contact) throw new Error(`contact ${contactId} does not exist`);
    const ownMessages = transaction.select().from(messages).where(eq(messages.contactId, contactId)).all();
    const ownTickets = transaction.select().from(tickets).where(eq(tickets.contactId, contactId)).all();
    const ticketIds = ownTickets.map((ticket) => ticket.id);
    const messageIds = ownMessages.map((message) => message.id);
    const attachments = ownMessages.flatMap((message) => ((message.parts ?? []) as MessagePart[]).filter((part): part is AttachmentPart => part.type === 'attachment'));
    const receiptRows = ticketIds.length === 0 ? [] : transaction.select().from(receipts).where(inArray(receipts.ticketId, ticketIds)).all();

    const hashedIdentity = contact.anonymisedAt ? contact.externalId : `erased:${hashIdentity(dataDirectory, contact.channel, contact.externalId)}:${contact.id}`;
    transaction
      .update(contacts)
      .set({ externalId: hashedIdentity, displayName: null, channelData: null, anonymisedAt: now.toISOString() })
      .where(eq(contacts.id, contactId))
      .run();
    transaction.update(messages).set({ text: erasedText, parts: null }).where(eq(messages.contactId, contactId)).run();
    transaction.update(conversations).set({ state: null, updatedAt: now.toISOString() }).where(eq(conversations.contactId, contactId)).run();

    // Deliveries carry the message text and the recipient's identity; unsent ones are not sent any more.
    const deliveryCondition = or(
      messageIds.length > 0 ? inArray(outbox.messageId, messageIds) : undefined,
      and(eq(outbox.channel, contact.channel), eq(outbox.recipient, contact.externalId)),
      ticketIds.length > 0 ? inArray(outbox.ticketId, ticketIds) : undefined,
    );
    transaction.update(outbox).set({ payload: { erased: true } }).where(deliveryCondition).run();
    transaction
      .update(outbox)
      .set({ status: 'failed', lastError: 'personal data erased before delivery' })
      .where(and(deliveryCondition, inArray(outbox.status, ['pending', 'sending'])))
      .run();
    transaction.update(outbox).set({ recipient: hashedIdentity }).where(and(eq(outbox.channel, contact.channel), eq(outbox.recipient, contact.externalId))).run();

    if (ticketIds.length > 0) {
      transaction
        .update(tickets)
        .set({ citizenName: null, citizenPhone: null, citizenEmail: null, subject: erasedText, text: erasedText, updatedAt: now.toISOString() })
        .where(inArray(tickets.id, ticketIds))
        .run();
      for (const event of transaction.select().from(ticketEvents).where(inArray(ticketEvents.ticketId, ticketIds)).all()) {
        transaction.update(ticketEvents).set({ detail: scrubDetail(event.detail) }).where(eq(ticketEvents.id, event.id)).run();
      }
      transaction
        .update(open311Requests)
        .set({ description: erasedText, address: null, latitude: null, longitude: null, mediaUrl: null, deviceId: null, accountId: null })
        .where(inArray(open311Requests.ticketId, ticketIds))
        .run();
      // The receipt's hash and code stay: a copy the person kept can still be verified as authentic.
      transaction.update(receipts).set({ storagePath: null }).where(inArray(receipts.ticketId, ticketIds)).run();
      for (const ticketId of ticketIds) recordEvent(transaction, ticketId, 'personal_data_erased', { type: 'system' }, now, { contactId });
    }

    // A file another person also sent (same SHA-256) is theirs too: only files nobody else refers to go.
    const removable = attachments.filter((attachment) => {
      const otherReference = transaction
        .select({ id: messages.id })
        .from(messages)
        .where(and(ne(messages.contactId, contactId), like(messages.parts, `%${attachment.sha256}%`)))
        .get();
      return !otherReference;
    });
    return {
      messages: ownMessages.length,
      tickets: ticketIds.length,
      files: [
        ...removable.map((attachment) => {
          try {
            return attachmentFilePath(dataDirectory, attachment);
          } catch {
            return undefined;
          }
        }),
        ...receiptRows.map((receipt) => (receipt.storagePath ? path.resolve(dataDirectory, receipt.storagePath) : undefined)),
        // Receipts contain the subject the person wrote; files left unrecorded by a crash go too.
        ...ownTickets.flatMap((ticket) => receiptFilesOfTicket(dataDirectory, ticket)),
      ].filter((file): file is string => file !== undefined && file.startsWith(path.resolve(dataDirectory) + path.sep)),
    };
  });

  // Files go after the commit: a crash in between leaves a file without a reference, never the reverse.
  let filesDeleted = 0;
  for (const file of new Set(outcome.files)) {
    if (fs.existsSync(file)) {
      fs.rmSync(file, { force: true });
      filesDeleted += 1;
    }
  }
  return { contactId, messages: outcome.messages, tickets: outcome.tickets, filesDeleted };
}
