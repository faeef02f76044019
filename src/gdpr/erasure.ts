import fs from 'node:fs';
import path from 'node:path';
import { and, eq, inArray, isNotNull, isNull, like, ne, or, sql } from 'drizzle-orm';
import { attachmentFilePath } from '../attachments/attachment-store.ts';
import { firstRow, inTransaction, type Database, type Executor } from '../database/connection.ts';
import { channelState, contacts, conversations, messages, open311Requests, outbox, processedUpdates, receipts, ticketEvents, tickets, type ContactRow, type TicketRow } from '../database/schema.ts';
import { containsExactly } from '../database/sql-dialect.ts';
import type { AttachmentPart, MessagePart } from '../messages.ts';
import { receiptFilesOfTicket } from '../receipts/receipt-storage.ts';
import { forgetQuestionsAskedIn } from '../questions/unanswered-questions.ts';
import { recordEvent } from '../tickets/ticket-store.ts';
import { channelActorId, deliveriesAboutTickets, deliveriesToContact, eventsByContact } from './contact-records.ts';
import { eraseIssuedDocuments } from './document-erasure.ts';
import { erasedReference, hashIdentity } from './erasure-key.ts';
import type { Nomenclator } from '../archive/nomenclator.ts';

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
  /** Issued documents whose signed PDF stays in the archive (retention term running): see document-erasure.ts. */
  documentsKept: number;
}

export interface ErasureOptions {
  /** The archive index: whether an issued document's retention term still runs. Without it every document's file is kept. */
  nomenclator?: Nomenclator | undefined;
}

/** Event details keep their shape (who, when, what kind) but lose free text. */
function scrubDetail(detail: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!detail) return detail;
  const textual = new Set(['text', 'command', 'subject', 'name', 'phone', 'email', 'reason', 'fileName']);
  const scrub = (value: unknown, key: string): unknown => {
    if (textual.has(key) && typeof value === 'string') return erasedText;
    // A thread event lists the files a citizen sent: their names may name the person; hashes and sizes stay.
    if (Array.isArray(value)) return value.map((item) => (item && typeof item === 'object' ? scrubDetail(item as Record<string, unknown>) : item));
    return value;
  };
  return Object.fromEntries(Object.entries(detail).map(([key, value]) => [key, scrub(value, key)]));
}

/**
 * Deliveries carry the message text and the recipient's identity; unsent ones are not sent any more. The
 * clerks' staff notices about the person's tickets lose their text but keep their recipient and id: a
 * clerk's reply to the notice must still find the (anonymised) ticket.
 */
async function eraseDeliveries(transaction: Executor, dataDirectory: string, contact: ContactRow, hashedIdentity: string, messageIds: number[], ticketIds: number[]): Promise<void> {
  const toPerson = deliveriesToContact(contact, messageIds);
  const deliveryCondition = or(toPerson, deliveriesAboutTickets(ticketIds));
  // A channel's error text may quote the number it could not reach.
  await transaction.update(outbox).set({ payload: { erased: true }, lastError: erasedText }).where(and(deliveryCondition, isNotNull(outbox.lastError)));
  await transaction.update(outbox).set({ payload: { erased: true } }).where(deliveryCondition);
  await transaction
    .update(outbox)
    .set({ status: 'failed', lastError: 'personal data erased before delivery' })
    .where(and(deliveryCondition, inArray(outbox.status, ['pending', 'sending'])));
  for (const delivery of await transaction.select().from(outbox).where(toPerson)) {
    await transaction
      .update(outbox)
      .set({
        recipient: delivery.recipient === contact.externalId ? hashedIdentity : delivery.recipient,
        externalId: delivery.externalId && !delivery.externalId.startsWith('erased:') ? erasedReference(dataDirectory, delivery.channel, delivery.externalId) : delivery.externalId,
      })
      .where(eq(outbox.id, delivery.id));
  }
}

/** Telegram remembers handled updates by "message:<chat id>:<n>"; in a private chat the chat id is the person's. */
async function eraseUpdateClaims(transaction: Executor, dataDirectory: string, contact: ContactRow): Promise<void> {
  if (contact.anonymisedAt) return;
  const claims = await transaction
    .select()
    .from(processedUpdates)
    .where(and(eq(processedUpdates.channel, contact.channel), or(eq(processedUpdates.externalId, contact.externalId), containsExactly(transaction, processedUpdates.externalId, `:${contact.externalId}:`))));
  for (const claim of claims) {
    await transaction.update(processedUpdates).set({ externalId: erasedReference(dataDirectory, claim.channel, claim.externalId) }).where(eq(processedUpdates.id, claim.id));
  }
}

/** The morning digest lists overdue tickets with the start of their subject, in a delivery tied to no ticket. */
async function eraseDigestLines(transaction: Executor, ownTickets: TicketRow[]): Promise<void> {
  for (const ticket of ownTickets) {
    const excerpt = ticket.subject.slice(0, 80);
    if (excerpt.length < 8 || ticket.subject === erasedText) continue;
    const digests = await transaction
      .select()
      .from(outbox)
      .where(and(isNull(outbox.ticketId), isNull(outbox.messageId), containsExactly(transaction, outbox.payload, JSON.stringify(excerpt).slice(1, -1))));
    for (const digest of digests) {
      const payload = JSON.parse(JSON.stringify(digest.payload).split(JSON.stringify(excerpt).slice(1, -1)).join(erasedText)) as Record<string, unknown>;
      await transaction.update(outbox).set({ payload }).where(eq(outbox.id, digest.id));
    }
  }
}

/** A file another person also sent (same SHA-256) is theirs too: only files nobody else refers to go. */
async function attachmentsOnlyTheirs(transaction: Executor, contactId: number, attachments: AttachmentPart[]): Promise<AttachmentPart[]> {
  const removable: AttachmentPart[] = [];
  for (const attachment of attachments) {
    const otherReference = await firstRow(
      transaction
        .select({ id: messages.id })
        .from(messages)
        .where(and(ne(messages.contactId, contactId), like(messages.parts, `%${attachment.sha256}%`)))
        .limit(1),
    );
    if (!otherReference) removable.push(attachment);
  }
  return removable;
}

export async function eraseContact(database: Database, dataDirectory: string, contactId: number, now = new Date(), options: ErasureOptions = {}): Promise<ErasureSummary> {
  const outcome = await inTransaction(database, async (transaction) => {
    const contact = await firstRow(transaction.select().from(contacts).where(eq(contacts.id, contactId)));
    if (!contact) throw new Error(`contact ${contactId} does not exist`);
    const ownMessages = await transaction.select().from(messages).where(eq(messages.contactId, contactId));
    const ownTickets = await transaction.select().from(tickets).where(eq(tickets.contactId, contactId));
    const ticketIds = ownTickets.map((ticket) => ticket.id);
    const messageIds = ownMessages.map((message) => message.id);
    const attachments = ownMessages.flatMap((message) => ((message.parts ?? []) as MessagePart[]).filter((part): part is AttachmentPart => part.type === 'attachment'));
    const receiptRows = ticketIds.length === 0 ? [] : await transaction.select().from(receipts).where(inArray(receipts.ticketId, ticketIds));

    const hashedIdentity = contact.anonymisedAt ? contact.externalId : `erased:${hashIdentity(dataDirectory, contact.channel, contact.externalId)}:${contact.id}`;
    await transaction
      .update(contacts)
      .set({ externalId: hashedIdentity, displayName: null, channelData: null, anonymisedAt: now.toISOString() })
      .where(eq(contacts.id, contactId));
    await transaction.update(messages).set({ text: erasedText, parts: null }).where(eq(messages.contactId, contactId));
    await forgetQuestionsAskedIn(
      transaction,
      ownMessages.filter((message) => message.direction === 'inbound' && message.text !== erasedText).map((message) => message.text),
    );
    // A channel's message id names the sender too (Telegram "message:<chat id>:<n>", a WhatsApp id holds
    // the phone number, the web chat's starts with the session id): a keyed hash keeps them distinct.
    for (const message of ownMessages) {
      if (message.externalId && !message.externalId.startsWith('erased:')) {
        await transaction.update(messages).set({ externalId: erasedReference(dataDirectory, message.channel, message.externalId) }).where(eq(messages.id, message.id));
      }
    }
    await transaction.update(conversations).set({ state: null, updatedAt: now.toISOString() }).where(eq(conversations.contactId, contactId));
    await eraseDeliveries(transaction, dataDirectory, contact, hashedIdentity, messageIds, ticketIds);
    await eraseUpdateClaims(transaction, dataDirectory, contact);
    // An issued document held for a WhatsApp citizen outside the 24-hour window waits under their number
    // (channels/whatsapp/cloud/held-files.ts): it is not sent any more.
    await transaction.delete(channelState).where(and(eq(channelState.channel, contact.channel), eq(channelState.key, `held-files:${contact.externalId}`)));
    await eraseDigestLines(transaction, ownTickets);
    // Clerk commands the person typed and was refused keep what they wrote, outside any ticket.
    for (const event of await transaction.select().from(ticketEvents).where(eventsByContact(contact))) {
      const actorId = event.actorId === channelActorId(contact) ? `${contact.channel}:${hashedIdentity}` : event.actorId;
      await transaction.update(ticketEvents).set({ detail: scrubDetail(event.detail), actorId }).where(eq(ticketEvents.id, event.id));
    }

    let issued = { kept: 0, files: [] as string[] };
    if (ticketIds.length > 0) {
      await transaction
        .update(tickets)
        .set({ citizenName: null, citizenPhone: null, citizenEmail: null, subject: erasedText, text: erasedText, updatedAt: now.toISOString() })
        .where(inArray(tickets.id, ticketIds));
      for (const event of await transaction.select().from(ticketEvents).where(inArray(ticketEvents.ticketId, ticketIds))) {
        await transaction.update(ticketEvents).set({ detail: scrubDetail(event.detail) }).where(eq(ticketEvents.id, event.id));
      }
      await transaction
        .update(open311Requests)
        .set({ description: erasedText, address: null, latitude: null, longitude: null, mediaUrl: null, deviceId: null, accountId: null })
        .where(inArray(open311Requests.ticketId, ticketIds));
      // The receipt's hash and code stay: a copy the person kept can still be verified as authentic.
      await transaction.update(receipts).set({ storagePath: null }).where(inArray(receipts.ticketId, ticketIds));
      issued = await eraseIssuedDocuments(transaction, dataDirectory, ticketIds, options.nomenclator, now, erasedText);
      for (const ticketId of ticketIds) await recordEvent(transaction, ticketId, 'personal_data_erased', { type: 'system' }, now, { contactId });
    }

    const removable = await attachmentsOnlyTheirs(transaction, contactId, attachments);
    return {
      messages: ownMessages.length,
      tickets: ticketIds.length,
      documentsKept: issued.kept,
      files: [
        ...issued.files,
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
  return { contactId, messages: outcome.messages, tickets: outcome.tickets, filesDeleted, documentsKept: outcome.documentsKept };
}
