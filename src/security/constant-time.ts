import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Secrets (webhook tokens, verify tokens, API keys, signatures) are compared without leaking, through
// timing, how many leading characters were right or how long the secret is.

/** Keyed per process: the digests being compared are never predictable to an attacker. */
const comparisonKey = randomBytes(32);

function digest(value: string | Uint8Array): Buffer {
  return createHmac('sha256', comparisonKey).update(value).digest();
}

/**
 * True when both values are present, non-empty and equal. Both sides are reduced to fixed-length
 * HMACs first, so the comparison takes the same time whatever the lengths and contents. A missing or
 * empty value never matches: an unset secret must not open the door to a request that omits it.
 */
export function safeEqual(given: unknown, expected: unknown): boolean {
  const usable = (value: unknown): value is string | Uint8Array =>
    (typeof value === 'string' && value !== '') || (value instanceof Uint8Array && value.byteLength > 0);
  if (!usable(given) || !usable(expected)) {
    // Same work as a real comparison, so a missing header is not distinguishable by timing either.
    timingSafeEqual(digest('missing'), digest('value'));
    return false;
  }
  return timingSafeEqual(digest(given), digest(expected));
}
