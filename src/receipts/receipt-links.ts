import type { TicketRow } from '../database/schema.ts';
import type { Language, Localized } from '../language.ts';

// Where a citizen downloads a receipt. On the web chat the session id is the citizen's only credential,
// so the download lives under the session: nobody else can fetch someone's receipt by guessing numbers.

export function receiptPathSegment(ticket: Pick<TicketRow, 'number' | 'year'>): string {
  return `${ticket.number}-${ticket.year}`;
}

export function webchatReceiptUrl(publicUrl: string | undefined, sessionId: string, ticket: Pick<TicketRow, 'number' | 'year'>): string {
  return `${publicUrl ?? ''}/api/webchat/sessions/${encodeURIComponent(sessionId)}/tickets/${receiptPathSegment(ticket)}/receipt.pdf`;
}

export function verificationUrl(publicUrl: string | undefined, code: string): string {
  return `${publicUrl ?? ''}/verify/${code}`;
}

const receiptLine: Localized<(url: string) => string> = {
  ro: (url) => `📄 Confirmarea de înregistrare (PDF, cu cod de verificare): ${url}`,
  hu: (url) => `📄 Iktatási igazolás (PDF, ellenőrző kóddal): ${url}`,
  en: (url) => `📄 Registration receipt (PDF, with a verification code): ${url}`,
};

export function receiptLinkLine(language: Language, url: string): string {
  return receiptLine[language](url);
}
