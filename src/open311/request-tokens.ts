import { createCipheriv, createDecipheriv, timingSafeEqual } from 'node:crypto';
import { installationSecret } from '../security/installation-secret.ts';

// Unguessable public ids for Open311 requests. The token is the ticket's internal id encrypted with a
// key only this installation holds: one AES block (a keyed permutation of 128 bits) holding a fixed
// marker and the id. Nothing is stored per request, a token turns back into its ticket at once, and a
// made-up token decrypts to a block whose marker does not match (a chance of 2^-64 per guess).
// The key lives beside the erasure key in DATA_DIR/secrets; it must travel with the database when the
// installation moves, or the ids handed to Open311 clients change.

const marker = Buffer.from('open311\u0001', 'latin1');
const tokenPattern = /^[A-Za-z0-9_-]{22}$/;

const tokenKey = (dataDirectory: string) => installationSecret(dataDirectory, 'open311-id-key');

/** 22 characters, URL-safe: the service_request_id an Open311 client receives and reads with. */
export function requestToken(dataDirectory: string, ticketId: number): string {
  const block = Buffer.alloc(16);
  marker.copy(block, 0);
  block.writeBigUInt64BE(BigInt(ticketId), 8);
  // ECB on exactly one block is a plain keyed permutation; no padding, no chaining involved.
  const cipher = createCipheriv('aes-256-ecb', tokenKey(dataDirectory), null).setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]).toString('base64url');
}

/** The ticket id inside a token, or undefined for anything this installation did not issue. */
export function ticketIdOfToken(dataDirectory: string, token: string): number | undefined {
  if (!tokenPattern.test(token)) return undefined;
  const decipher = createDecipheriv('aes-256-ecb', tokenKey(dataDirectory), null).setAutoPadding(false);
  const block = Buffer.concat([decipher.update(Buffer.from(token, 'base64url')), decipher.final()]);
  if (!timingSafeEqual(block.subarray(0, 8), marker)) return undefined;
  const ticketId = block.readBigUInt64BE(8);
  return ticketId > 0n && ticketId <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(ticketId) : undefined;
}
