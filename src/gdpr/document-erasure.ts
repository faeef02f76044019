import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { disposableFrom, findArchiveEntry, loadNomenclator, type ArchiveEntry, type Nomenclator } from '../archive/nomenclator.ts';
import type { Executor } from '../database/connection.ts';
import { documents, tickets, type DocumentRow } from '../database/schema.ts';
import { storedDocumentPath } from '../documents/document-storage.ts';
import { localDate } from '../tickets/deadlines.ts';
import { recordEvent } from '../tickets/ticket-store.ts';

// Issued documents (adeverințe, certificates, answers) under an erasure request. Unlike a receipt — a
// confirmation the person can be sent again, whose file is deleted — an issued document is an archive
// document of the outgoing register (Legea 16/1996): its register record (number, date, type, code, hash,
// archive entry, revoked or not) always stays, and its signed PDF stays while the retention term of its
// archive index entry runs (GDPR art. 17(3)(b) and (e)). Once that term has expired nothing obliges the
// town hall to keep the person's copy any more, so the PDF is deleted with the rest of their data. When
// the entry cannot be found (no nomenclator, an entry since renamed), the term cannot be shown to have
// expired and the file is kept: disposing of an archived record needs the National Archives' approval.

export interface DocumentErasure {
  /** Documents whose PDF stays in the archive (retention term running or permanent). */
  kept: number;
  /** Absolute paths of PDFs to delete after the commit (retention term expired). */
  files: string[];
}

/** The archive index for an erasure; a missing or broken one keeps every document's file (see above). */
export function archiveIndexForErasure(knowledgeDirectory: string): Nomenclator | undefined {
  try {
    return loadNomenclator(knowledgeDirectory);
  } catch {
    return undefined;
  }
}

/** Whether the retention term of a document's archive entry still runs on `now`. */
export function retentionRuns(entry: ArchiveEntry | undefined, document: Pick<DocumentRow, 'year'>, closedAt: string | null, now: Date): boolean {
  if (!entry) return true;
  // The term runs from 1 January after the file was closed: the document's year, or its ticket's closing if later;
  // a ticket still open keeps its file open.
  if (!closedAt) return true;
  const closedYear = Math.max(document.year, Number(localDate(new Date(closedAt)).slice(0, 4)));
  const from = disposableFrom(entry, closedYear);
  return from === undefined || localDate(now) < from;
}

export async function eraseIssuedDocuments(
  transaction: Executor,
  dataDirectory: string,
  ticketIds: number[],
  nomenclator: Nomenclator | undefined,
  now: Date,
  erasedText: string,
): Promise<DocumentErasure> {
  if (ticketIds.length === 0) return { kept: 0, files: [] };
  const ticketRows = await transaction.select({ id: tickets.id, closedAt: tickets.closedAt }).from(tickets).where(inArray(tickets.id, ticketIds));
  const closedAtByTicket = new Map(ticketRows.map((row) => [row.id, row.closedAt]));
  const outcome: DocumentErasure = { kept: 0, files: [] };
  for (const document of await transaction.select().from(documents).where(inArray(documents.ticketId, ticketIds))) {
    // The clerk's reason for revoking is free text that may name the person; that it was revoked, and when, stays.
    if (document.revokedReason) await transaction.update(documents).set({ revokedReason: erasedText }).where(eq(documents.id, document.id));
    if (document.sha256 === '') {
      // Registered but not made yet: made now, it would carry the erased data to an identity that no longer
      // exists. It is marked not made (the document service then leaves it); the number stays in the register.
      await recordEvent(transaction, document.ticketId, 'document_not_made', { type: 'system' }, now, {
        documentId: document.id,
        number: `${document.number}/${document.year}`,
        template: document.template,
        reason: 'personal data erased before the document was made',
      });
      continue;
    }
    const entry = nomenclator ? findArchiveEntry(nomenclator, document.archiveEntry) : undefined;
    if (retentionRuns(entry, document, closedAtByTicket.get(document.ticketId) ?? null, now)) {
      outcome.kept += 1;
      continue;
    }
    if (!document.storagePath) continue;
    let file: string | undefined;
    try {
      file = storedDocumentPath(dataDirectory, document.storagePath);
    } catch {
      file = undefined;
    }
    await transaction.update(documents).set({ storagePath: null }).where(eq(documents.id, document.id));
    if (file && file.startsWith(path.resolve(dataDirectory) + path.sep)) outcome.files.push(file);
  }
  return outcome;
}
