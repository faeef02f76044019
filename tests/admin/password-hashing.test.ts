import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from '../../src/admin/password-hashing.ts';

describe('clerk passwords', () => {
  it('are hashed with a fresh salt each time and verified in constant time', async () => {
    const [first, second] = await Promise.all([hashPassword('Primăria-2026!'), hashPassword('Primăria-2026!')]);
    expect(first).not.toBe(second);
    expect(await verifyPassword('Primăria-2026!', first)).toBe(true);
    expect(await verifyPassword('Primăria-2026!', second)).toBe(true);
    expect(await verifyPassword('Primaria-2026!', first)).toBe(false);
  });

  it('never match a missing or malformed hash', async () => {
    const outcomes = await Promise.all([null, undefined, '', 'plain-text', 'scrypt$0$8$1$AAAA$AAAA', 'bcrypt$10$abc'].map((stored) => verifyPassword('orice', stored)));
    expect(outcomes).toEqual([false, false, false, false, false, false]);
  });

  it('must be long enough and not padded with spaces', () => {
    expect(passwordProblem('scurta')).toMatch(/at least 10/);
    expect(passwordProblem(' cu-spatii-la-capete ')).toMatch(/spaces/);
    expect(passwordProblem('o parolă bună de tot')).toBeUndefined();
  });
});
