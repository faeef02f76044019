import { eq } from 'drizzle-orm';
import { firstRow, type Executor } from '../database/connection.ts';
import { receipts, tickets, type ReceiptRow, type TicketRow } from '../database/schema.ts';
import { ticketLabel } from '../tickets/ticket-store.ts';
import { verifyDetachedCms } from './cms-verification.ts';
import { findPdfSignature } from './pdf-signature.ts';
import { sha256Hex, verificationCodeKey } from './receipt-storage.ts';
import { normalizeVerificationCode } from './verification-code.ts';

// `functionar receipt verify FILE`: is this PDF a receipt the town hall issued, unchanged? Three checks,
// each reported: the code printed in it belongs to a registered request, the file's SHA-256 is the one
// recorded when it was issued, and its signature verifies cryptographically over the whole file.

export interface CheckLine {
  check: 'code' | 'sha256' | 'signature';
  ok: boolean;
  detail: string;
}

export interface ReceiptFileCheck {
  authentic: boolean;
  code?: string;
  ticket?: string;
  lines: CheckLine[];
}

const codePattern = new RegExp(`/${verificationCodeKey}\\s*\\(([0-9A-Z-]{20,30})\\)`);

/** The code as written into the document information dictionary when the receipt was made. */
export function codeInReceipt(pdf: Buffer): string | undefined {
  const found = codePattern.exec(pdf.toString('latin1'))?.[1];
  return found ? normalizeVerificationCode(found) : undefined;
}

/** The signature check shared by receipts and issued documents: `issued` is the record of what was issued. */
export async function signatureLine(pdf: Buffer, receipt: Pick<ReceiptRow, 'signed' | 'signer'> | undefined, noun = 'receipt'): Promise<CheckLine> {
  const signature = findPdfSignature(pdf);
  if (!signature) {
    if (receipt && !receipt.signed) return { check: 'signature', ok: true, detail: `none: this ${noun} was issued unsigned (no certificate was configured); the SHA-256 check is what proves it` };
    return { check: 'signature', ok: false, detail: receipt?.signed ? `missing: the ${noun} was issued signed, this file has no readable signature` : 'none found in the file' };
  }
  const result = await verifyDetachedCms(signature.cms, signature.signedContent);
  const problems = [...result.problems];
  if (!signature.coversWholeFile) problems.push('bytes were added to the file after it was signed');
  if (receipt && !receipt.signed) problems.push(`the ${noun} was issued unsigned, but this file carries a signature`);
  if (receipt?.signer && result.signer && result.signer.subject !== receipt.signer) problems.push(`signed by "${result.signer.subject}", not by the town hall's "${receipt.signer}"`);
  if (problems.length > 0) return { check: 'signature', ok: false, detail: `INVALID: ${problems.join('; ')}` };
  const certificate = result.signer?.certificate;
  return {
    check: 'signature',
    ok: true,
    detail: `valid (${signature.subFilter ?? 'CMS'}), covers the whole file, signed by ${result.signer?.subject ?? '?'}${certificate ? `, certificate SHA-256 ${certificate.fingerprint256}` : ''}`,
  };
}

export async function checkReceiptFile(executor: Executor, pdf: Buffer): Promise<ReceiptFileCheck> {
  const lines: CheckLine[] = [];
  const code = codeInReceipt(pdf);
  let receipt: ReceiptRow | undefined;
  let ticket: TicketRow | undefined;
  if (!code) {
    lines.push({ check: 'code', ok: false, detail: 'no verification code in the file: it is not a receipt issued by Funcționar Virtual' });
  } else {
    receipt = await firstRow(executor.select().from(receipts).where(eq(receipts.code, code)));
    ticket = receipt && (await firstRow(executor.select().from(tickets).where(eq(tickets.id, receipt.ticketId))));
    lines.push(
      receipt && ticket
        ? { check: 'code', ok: true, detail: `${code} belongs to request ${ticketLabel(ticket)} registered ${ticket.createdAt}; receipt issued ${receipt.issuedAt}` }
        : { check: 'code', ok: false, detail: `${code} is not a code this town hall issued` },
    );
  }
  if (receipt) {
    const actual = sha256Hex(pdf);
    lines.push(
      actual === receipt.sha256
        ? { check: 'sha256', ok: true, detail: `${actual} — identical to the receipt issued` }
        : { check: 'sha256', ok: false, detail: `${actual} differs from ${receipt.sha256} recorded at issue: the file was changed` },
    );
  }
  lines.push(await signatureLine(pdf, receipt));
  return {
    authentic: receipt !== undefined && lines.every((line) => line.ok),
    code,
    ticket: ticket ? ticketLabel(ticket) : undefined,
    lines,
  };
}
