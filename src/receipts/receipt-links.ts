import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TicketRow } from '../database/schema.ts';
import type { Language, Localized } from '../language.ts';

// Where a citizen downloads a receipt. On the web chat the session id is the citizen's only credential,
// so it must never appear in a text a person reads (the bubble, the clerk's transcript, an export): the
// link carries instead a token made from the session id and the request's number (an HMAC keyed with the
// session id). Only the server, which holds the session id, can make or check it; the token does not
// reveal the session id, and it dies with the session when a person's data is erased.
// The older form with the session in the path, /api/webchat/sessions/:sessionId/tickets/N-YYYY/receipt.pdf,
// still answers (links already sent keep working).

export function receiptPathSegment(ticket: Pick<TicketRow, 'number' | 'year'>): string {
  return `${ticket.number}-${ticket.year}`;
}

/** 128 bits of HMAC-SHA256 in base64url (22 characters): unguessable, short enough for a chat line. */
export function webchatReceiptToken(sessionId: string, ticket: Pick<TicketRow, 'number' | 'year'>): string {
  return createHmac('sha256', sessionId).update(`webchat-receipt:${receiptPathSegment(ticket)}`).digest().subarray(0, 16).toString('base64url');
}

/** Whether `token` is the one `webchatReceiptToken` makes for this session and request (constant time). */
export function isWebchatReceiptToken(token: string, sessionId: string, ticket: Pick<TicketRow, 'number' | 'year'>): boolean {
  const expected = Buffer.from(webchatReceiptToken(sessionId, ticket));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The route that serves `webchatReceiptUrl` links (src/receipts/receipt-routes.ts). */
export const webchatReceiptRoute = '/api/webchat/receipts/:ticket/:token/receipt.pdf';

/**
 * The download link for the web chat's confirmation: absolute when PUBLIC_URL is set (the bubble may sit
 * on the town hall's own site, another host); otherwise a path the bubble completes with its server's address.
 */
export function webchatReceiptUrl(publicUrl: string | undefined, sessionId: string, ticket: Pick<TicketRow, 'number' | 'year'>): string {
  return `${origin(publicUrl)}/api/webchat/receipts/${receiptPathSegment(ticket)}/${webchatReceiptToken(sessionId, ticket)}/receipt.pdf`;
}

export function verificationUrl(publicUrl: string | undefined, code: string): string {
  return `${origin(publicUrl)}/verify/${code}`;
}

/** PUBLIC_URL without a trailing slash ("https://bot.example.ro/" would make "//api/…"). */
function origin(publicUrl: string | undefined): string {
  return (publicUrl ?? '').replace(/\/+$/, '');
}

const receiptLine: Localized<(url: string) => string> = {
  ro: (url) => `📄 Confirmarea de înregistrare (PDF, cu cod de verificare): ${url}`,
  hu: (url) => `📄 Iktatási igazolás (PDF, ellenőrző kóddal): ${url}`,
  en: (url) => `📄 Registration receipt (PDF, with a verification code): ${url}`,
};

export function receiptLinkLine(language: Language, url: string): string {
  return receiptLine[language](url);
}
