import { eq } from 'drizzle-orm';
import { firstRow, type Executor } from '../database/connection.ts';
import { documents, tickets, type DocumentRow } from '../database/schema.ts';
import { codeInReceipt, signatureLine, type CheckLine } from '../receipts/receipt-file-check.ts';
import { sha256Hex } from '../receipts/receipt-storage.ts';
import { ticketLabel } from '../tickets/ticket-store.ts';
import { documentLabel } from './document-storage.ts';

// `functionar documents verify FILE`: is this PDF a document the town hall issued, unchanged and still
// valid? The code in it must be in the outgoing register, the file's SHA-256 the one recorded at issue,
// its signature valid over the whole file (the receipt's check), and the document not revoked.

export interface DocumentFileCheck {
  /** Issued here, unchanged, validly signed (or issued unsigned) and not revoked. */
  authentic: boolean;
  /** Not a PDF at all: nothing could be checked. */
  unreadable: boolean;
  code?: string;
  document?: DocumentRow;
  lines: (CheckLine | { check: 'revocation'; ok: boolean; detail: string })[];
}

export async function checkDocumentFile(executor: Executor, pdf: Buffer): Promise<DocumentFileCheck> {
  if (!pdf.subarray(0, 1024).toString('latin1').includes('%PDF-')) return { authentic: false, unreadable: true, lines: [] };
  const lines: DocumentFileCheck['lines'] = [];
  const code = codeInReceipt(pdf);
  const document = code ? await firstRow(executor.select().from(documents).where(eq(documents.code, code))) : undefined;
  const ticket = document && (await firstRow(executor.select().from(tickets).where(eq(tickets.id, document.ticketId))));
  if (!code) lines.push({ check: 'code', ok: false, detail: 'no verification code in the file: it is not a document issued by Funcționar Virtual' });
  else if (!document) lines.push({ check: 'code', ok: false, detail: `${code} is not the code of a document in the outgoing register` });
  else lines.push({ check: 'code', ok: true, detail: `${code} is document ${documentLabel(document)} (${document.title}) issued ${document.issuedAt}${ticket ? ` for request ${ticketLabel(ticket)}` : ''}` });
  if (document) {
    const actual = sha256Hex(pdf);
    lines.push(
      actual === document.sha256
        ? { check: 'sha256', ok: true, detail: `${actual} — identical to the document issued` }
        : { check: 'sha256', ok: false, detail: `${actual} differs from ${document.sha256 || '(not made yet)'} recorded at issue: the file was changed` },
    );
  }
  lines.push(await signatureLine(pdf, document, 'document'));
  if (document) {
    lines.push(
      document.revokedAt
        ? { check: 'revocation', ok: false, detail: `REVOKED on ${document.revokedAt}${document.revokedReason ? `: ${document.revokedReason}` : ''}` }
        : { check: 'revocation', ok: true, detail: 'not revoked' },
    );
  }
  return { authentic: document !== undefined && lines.every((line) => line.ok), unreadable: false, code, document, lines };
}
