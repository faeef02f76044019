import fs from 'node:fs';
import path from 'node:path';
import { and, asc, eq, inArray, not } from 'drizzle-orm';
import { attachmentFilePath } from '../attachments/attachment-store.ts';
import { firstRow, type Executor } from '../database/connection.ts';
import { contacts, conversations, documents, messages, open311Requests, outbox, receipts, ticketEvents, tickets, type ContactRow } from '../database/schema.ts';
import { documentLabel } from '../documents/document-storage.ts';
import type { AttachmentPart, MessagePart } from '../messages.ts';
import { createZip, type ZipEntry } from '../files/zip-writer.ts';
import { deliveriesAboutTickets, deliveriesToContact, eventsByContact } from './contact-records.ts';

// GDPR art. 15 and 20: everything stored about one contact, as JSON plus the files they sent and the
// receipts they were issued, in one ZIP an administrator hands over.

export const personalDataExportFormat = 'functionar-personal-data-v1';

export interface PersonalDataExport {
  format: typeof personalDataExportFormat;
  exportedAt: string;
  controller: string;
  contact: ContactRow;
  conversations: (typeof conversations.$inferSelect)[];
  messages: (typeof messages.$inferSelect)[];
  tickets: (typeof tickets.$inferSelect)[];
  ticketEvents: (typeof ticketEvents.$inferSelect)[];
  open311Requests: (typeof open311Requests.$inferSelect)[];
  receipts: (typeof receipts.$inferSelect)[];
  /** Documents the town hall issued to the person (outgoing register): number, date, type, code, revoked or not. */
  issuedDocuments: IssuedDocumentRecord[];
  /** Everything sent to the person, also notices that went only through the outbox (no message row). */
  deliveries: (typeof outbox.$inferSelect)[];
  /** What the clerks were told about the person's requests (staff notices), without the staff chat's id. */
  staffNotices: { ticketId: number | null; channel: string; createdAt: string; text: string }[];
  /** Audit entries of what the person did outside a ticket: clerk commands typed and refused. */
  eventsWithoutTicket: (typeof ticketEvents.$inferSelect)[];
  /** Files inside the ZIP: name in the archive → what it is. */
  files: { path: string; description: string; sha256?: string }[];
}

export interface IssuedDocumentRecord {
  /** "<number>/<year>" in the outgoing register. */
  number: string;
  issuedAt: string;
  type: string;
  template: string;
  ticketId: number;
  verificationCode: string;
  sha256: string;
  signed: boolean;
  revoked: boolean;
  revokedAt: string | null;
  revokedReason: string | null;
  archiveEntry: string | null;
  fileName: string;
  /** The PDF inside the ZIP, or null when it is not stored (erased, or not made yet). */
  file: string | null;
}

const readme = `Date personale exportate din Funcționar Virtual / Personal data exported from Funcționar Virtual

data.json      tot ce este stocat despre această persoană: contactul, conversațiile, mesajele,
               cererile înregistrate și istoricul lor, confirmările de înregistrare emise, documentele
               emise de primărie (număr, dată, tip, cod de verificare, revocat sau nu), tot ce
               i s-a trimis (și notificările trimise fără mesaj în conversație), ce au aflat
               funcționarii despre cererile sale și comenzile refuzate pe care le-a scris.
               Everything stored about this person: contact, conversations, messages, registered
               requests and their history, registration receipts issued, documents the town hall
               issued (number, date, type, verification code, revoked or not), every delivery sent to
               them (also notices sent without a conversation message), what the clerks were told
               about their requests, and refused commands they typed.
attachments/   fișierele trimise de persoană (numele începe cu amprenta SHA-256 din data.json).
               Files the person sent (names start with the SHA-256 recorded in data.json).
receipts/      confirmările de înregistrare (PDF) / registration receipts (PDF).
documents/     documentele emise, semnate (PDF) / the signed documents issued (PDF).

Structura câmpurilor: docs/export-schema.md. Field meanings: docs/export-schema.md.
`;

function issuedDocumentRecord(document: typeof documents.$inferSelect): IssuedDocumentRecord {
  return {
    number: documentLabel(document),
    issuedAt: document.issuedAt,
    type: document.title,
    template: document.template,
    ticketId: document.ticketId,
    verificationCode: document.code,
    sha256: document.sha256,
    signed: document.signed,
    revoked: document.revokedAt !== null,
    revokedAt: document.revokedAt,
    revokedReason: document.revokedReason,
    archiveEntry: document.archiveEntry,
    fileName: document.fileName,
    file: document.storagePath,
  };
}

export async function collectPersonalData(executor: Executor, contactId: number, controller: string, now = new Date()): Promise<PersonalDataExport> {
  const contact = await firstRow(executor.select().from(contacts).where(eq(contacts.id, contactId)));
  if (!contact) throw new Error(`contact ${contactId} does not exist`);
  const ownTickets = await executor.select().from(tickets).where(eq(tickets.contactId, contactId)).orderBy(asc(tickets.id));
  const ticketIds = ownTickets.map((ticket) => ticket.id);
  const ownMessages = await executor.select().from(messages).where(eq(messages.contactId, contactId)).orderBy(asc(messages.id));
  const toPerson = deliveriesToContact(contact, ownMessages.map((message) => message.id));
  const aboutTickets = deliveriesAboutTickets(ticketIds);
  const staffNotices = aboutTickets
    ? (await executor.select().from(outbox).where(and(aboutTickets, not(toPerson))).orderBy(asc(outbox.id))).map((row) => ({
        ticketId: row.ticketId,
        channel: row.channel,
        createdAt: row.createdAt,
        text: String((row.payload as { message?: { text?: unknown } }).message?.text ?? ''),
      }))
    : [];
  const hasTickets = ticketIds.length > 0;
  return {
    format: personalDataExportFormat,
    exportedAt: now.toISOString(),
    controller,
    contact,
    conversations: await executor.select().from(conversations).where(eq(conversations.contactId, contactId)).orderBy(asc(conversations.id)),
    messages: ownMessages,
    tickets: ownTickets,
    ticketEvents: hasTickets ? await executor.select().from(ticketEvents).where(inArray(ticketEvents.ticketId, ticketIds)).orderBy(asc(ticketEvents.id)) : [],
    open311Requests: hasTickets ? await executor.select().from(open311Requests).where(inArray(open311Requests.ticketId, ticketIds)) : [],
    receipts: hasTickets ? await executor.select().from(receipts).where(inArray(receipts.ticketId, ticketIds)) : [],
    issuedDocuments: hasTickets ? (await executor.select().from(documents).where(inArray(documents.ticketId, ticketIds)).orderBy(asc(documents.id))).map(issuedDocumentRecord) : [],
    deliveries: await executor.select().from(outbox).where(toPerson).orderBy(asc(outbox.id)),
    staffNotices,
    eventsWithoutTicket: await executor.select().from(ticketEvents).where(eventsByContact(contact)).orderBy(asc(ticketEvents.id)),
    files: [],
  };
}

function attachmentsOf(rows: PersonalDataExport['messages']): AttachmentPart[] {
  const seen = new Map<string, AttachmentPart>();
  for (const row of rows) {
    for (const part of (row.parts ?? []) as MessagePart[]) {
      if (part.type === 'attachment' && !seen.has(part.storagePath)) seen.set(part.storagePath, part);
    }
  }
  return [...seen.values()];
}

function insideDataDirectory(dataDirectory: string, relativePath: string): string | undefined {
  const root = path.resolve(dataDirectory);
  const resolved = path.resolve(root, relativePath);
  return resolved.startsWith(`${root}${path.sep}`) ? resolved : undefined;
}

/** The ZIP: README.txt, data.json, attachments/…, receipts/… and documents/…; files missing on disk are listed as such. */
export async function buildPersonalDataZip(
  executor: Executor,
  dataDirectory: string,
  contactId: number,
  controller: string,
  now = new Date(),
): Promise<{ zip: Buffer; data: PersonalDataExport }> {
  const data = await collectPersonalData(executor, contactId, controller, now);
  const entries: ZipEntry[] = [];
  for (const attachment of attachmentsOf(data.messages)) {
    const name = `attachments/${attachment.sha256.slice(0, 16)}-${attachment.fileName}`;
    let file: string | undefined;
    try {
      file = attachmentFilePath(dataDirectory, attachment);
    } catch {
      file = undefined;
    }
    if (file && fs.existsSync(file)) {
      entries.push({ name, bytes: fs.readFileSync(file), modifiedAt: now });
      data.files.push({ path: name, description: `attachment "${attachment.fileName}" (${attachment.mediaType})`, sha256: attachment.sha256 });
    } else {
      data.files.push({ path: '', description: `attachment "${attachment.fileName}" is recorded but its file is no longer stored`, sha256: attachment.sha256 });
    }
  }
  for (const receipt of data.receipts) {
    const file = receipt.storagePath ? insideDataDirectory(dataDirectory, receipt.storagePath) : undefined;
    if (file && fs.existsSync(file)) {
      const name = `receipts/${receipt.fileName}`;
      entries.push({ name, bytes: fs.readFileSync(file), modifiedAt: now });
      data.files.push({ path: name, description: `registration receipt, verification code ${receipt.code}`, sha256: receipt.sha256 });
    }
  }
  for (const document of data.issuedDocuments) {
    const stored = document.file;
    document.file = null;
    const file = stored ? insideDataDirectory(dataDirectory, stored) : undefined;
    if (file && fs.existsSync(file)) {
      const name = `documents/${document.fileName}`;
      entries.push({ name, bytes: fs.readFileSync(file), modifiedAt: now });
      document.file = name;
      data.files.push({ path: name, description: `issued document ${document.number} (${document.type}), verification code ${document.verificationCode}`, sha256: document.sha256 });
    } else if (document.sha256 !== '') {
      data.files.push({ path: '', description: `issued document ${document.number} is in the register but its file is no longer stored`, sha256: document.sha256 });
    }
  }
  entries.unshift(
    { name: 'README.txt', bytes: Buffer.from(readme, 'utf8'), modifiedAt: now },
    { name: 'data.json', bytes: Buffer.from(`${JSON.stringify(data, null, 2)}\n`, 'utf8'), modifiedAt: now },
  );
  return { zip: createZip(entries), data };
}
