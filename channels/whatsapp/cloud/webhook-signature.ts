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

/** Equal strings compared in constant time (verify token, pairing page token). */
export function safeEqual(received: string, expected: string): boolean {
  const left = createHmac('sha256', 'compare').update(received).digest();
  const right = createHmac('sha256', 'compare').update(expected).digest();
  return timingSafeEqual(left, right);
}
