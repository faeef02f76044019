import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DocumentRow } from '../database/schema.ts';

// The web chat's download link for an issued document. As for receipts (src/receipts/receipt-links.ts),
// the session id is the citizen's only credential and never appears in a text a person reads: the link
// carries an HMAC of the document's code keyed with the session id, so only that session's link works.

export const webchatDocumentRoute = '/api/webchat/documents/:document/:token/document.pdf';

export function documentPathSegment(document: Pick<DocumentRow, 'number' | 'year'>): string {
  return `${document.number}-${document.year}`;
}

export function webchatDocumentToken(sessionId: string, document: Pick<DocumentRow, 'code'>): string {
  return createHmac('sha256', sessionId).update(`webchat-document:${document.code}`).digest().subarray(0, 16).toString('base64url');
}

export function isWebchatDocumentToken(token: string, sessionId: string, document: Pick<DocumentRow, 'code'>): boolean {
  const expected = Buffer.from(webchatDocumentToken(sessionId, document));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Absolute when PUBLIC_URL is set (the bubble may sit on another site). */
export function webchatDocumentUrl(publicUrl: string | undefined, sessionId: string, document: Pick<DocumentRow, 'number' | 'year' | 'code'>): string {
  const origin = (publicUrl ?? '').replace(/\/+$/, '');
  return `${origin}/api/webchat/documents/${documentPathSegment(document)}/${webchatDocumentToken(sessionId, document)}/document.pdf`;
}
