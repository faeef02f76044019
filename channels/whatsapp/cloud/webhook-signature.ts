import { createHmac, timingSafeEqual } from 'node:crypto';

/** Meta signs every webhook body with the app secret: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`. */
export function isValidSignature(rawBody: Buffer, header: string | string[] | undefined, appSecret: string): boolean {
  if (typeof header !== 'string') return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match?.[1]) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const received = Buffer.from(match[1], 'hex');
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** The verify token and the pairing page token go through the one constant-time comparison of secrets. */
export { safeEqual } from '../../../src/security/constant-time.ts';
