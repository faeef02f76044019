import { randomBytes } from 'node:crypto';

// The code printed on a receipt: 100 random bits in Crockford's base32 (no I, L, O, U), in four groups of
// five, e.g. "7K2QX-M9D4A-0RTVB-H3W8C". Random rather than derived from the ticket, so knowing a
// ticket number does not let anyone find or forge its code.

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const length = 20;
const groupLength = 5;

export function newVerificationCode(): string {
  const bytes = randomBytes(13);
  let bits = 0;
  let value = 0;
  let code = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && code.length < length) {
      code += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return group(code);
}

function group(code: string): string {
  return code.match(new RegExp(`.{1,${groupLength}}`, 'g'))?.join('-') ?? code;
}

/**
 * The code as stored, from what someone typed: case, spaces and dashes do not matter, and the letters
 * people confuse with digits (O, I, L) are read as 0 and 1. Undefined when it cannot be a code.
 */
export function normalizeVerificationCode(input: string): string | undefined {
  const cleaned = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (cleaned.length !== length || [...cleaned].some((character) => !alphabet.includes(character))) return undefined;
  return group(cleaned);
}
