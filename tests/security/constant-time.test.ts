import { describe, expect, it } from 'vitest';
import { safeEqual as whatsappTokensMatch } from '../../channels/whatsapp/cloud/webhook-signature.ts';
import { tokensMatch } from '../../src/admin/admin-sessions.ts';
import { safeEqual } from '../../src/security/constant-time.ts';

describe('comparing secrets', () => {
  it('accepts only the exact secret', () => {
    expect(safeEqual('s3cret-token', 's3cret-token')).toBe(true);
    expect(safeEqual(Buffer.from('s3cret-token'), 's3cret-token')).toBe(true);
    expect(safeEqual('s3cret-tokeN', 's3cret-token')).toBe(false);
    expect(safeEqual('s3cret', 's3cret-token')).toBe(false);
    expect(safeEqual('s3cret-token-and-more', 's3cret-token')).toBe(false);
  });

  it('never lets a missing or empty value match, even an unset secret', () => {
    expect(safeEqual(undefined, 's3cret')).toBe(false);
    expect(safeEqual('', '')).toBe(false);
    expect(safeEqual(undefined, undefined)).toBe(false);
    expect(safeEqual('', undefined)).toBe(false);
    expect(safeEqual(['s3cret'], 's3cret')).toBe(false);
    expect(safeEqual(42, '42')).toBe(false);
  });

  it('is the one comparison: the admin CSRF check and the WhatsApp tokens follow the same rules', () => {
    expect(tokensMatch('csrf-token-of-the-session', 'csrf-token-of-the-session')).toBe(true);
    expect(tokensMatch('csrf-token-of-the-session', 'csrf-token-of-the-sessioN')).toBe(false);
    expect(tokensMatch('csrf-token-of-the-session', 'csrf-token')).toBe(false);
    expect(tokensMatch('csrf-token-of-the-session', undefined)).toBe(false);
    expect(tokensMatch('', '')).toBe(false);
    expect(whatsappTokensMatch('verify-token', 'verify-token')).toBe(true);
    expect(whatsappTokensMatch('', '')).toBe(false);
  });
});
