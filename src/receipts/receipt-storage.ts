import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TicketRow } from '../database/schema.ts';

// Where receipts are kept and how they are named: shared by the issuing service, the file check and the
// erasure of personal data, without loading the PDF and signing libraries.

export const receiptDirectoryName = 'receipts';

/** The Info dictionary key carrying the code, so `receipt verify` finds it without reading page text. */
export const verificationCodeKey = 'FunctionarVerificationCode';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Every receipt file kept for a ticket, recorded or not: a crash between writing a file and recording it
 * leaves one nobody points to, and erasing the person's data must remove that too.
 */
export function receiptFilesOfTicket(dataDirectory: string, ticket: Pick<TicketRow, 'number' | 'year'>): string[] {
  const directory = path.join(path.resolve(dataDirectory), receiptDirectoryName);
  const prefix = `${ticket.year}-${ticket.number}-`;
  try {
    return fs
      .readdirSync(directory)
      .filter((name) => name.startsWith(prefix) && (name.endsWith('.pdf') || name.endsWith('.partial')))
      .map((name) => path.join(directory, name));
  } catch {
    return [];
  }
}

export function receiptFileName(ticket: Pick<TicketRow, 'number' | 'year'>): string {
  return `confirmare-${ticket.number}-${ticket.year}.pdf`;
}


/** Writes aside and renames: a crash leaves no half file under the recorded name. */
export function writeFileAtomically(file: string, bytes: Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  fs.writeFileSync(partial, bytes, { mode: 0o600 });
  fs.renameSync(partial, file);
}
