import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Node's built-in scrypt (memory-hard, RFC 7914) — no extra dependency to keep up to date. The stored
// form names its parameters, so they can be raised later without invalidating existing passwords:
//   scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>

const algorithm = 'scrypt';
/**
 * OWASP's minimum for scrypt in the variant that needs the least memory per login (N 2^15, r 8, p 3:
 * 32 MiB, about half a second): slow for a guesser, unnoticeable for a clerk signing in once a day.
 */
const defaultParameters = { N: 2 ** 15, r: 8, p: 3 };
const keyLength = 64;
const saltLength = 16;

export const minimumPasswordLength = 10;
export const maximumPasswordLength = 200;

function derive(password: string, salt: Buffer, parameters: { N: number; r: number; p: number }, length: number): Promise<Buffer> {
  const options: ScryptOptions = { ...parameters, maxmem: 128 * parameters.N * parameters.r * 2 };
  return new Promise((resolve, reject) => {
    // The callback form runs on libuv's thread pool, so a login never blocks the event loop.
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, defaultParameters, keyLength);
  const { N, r, p } = defaultParameters;
  return [algorithm, N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface StoredHash {
  parameters: { N: number; r: number; p: number };
  salt: Buffer;
  key: Buffer;
}

function parseStoredHash(stored: string): StoredHash | undefined {
  const [name, n, r, p, salt, key] = stored.split('$');
  if (name !== algorithm || !n || !r || !p || !salt || !key) return undefined;
  const parameters = { N: Number(n), r: Number(r), p: Number(p) };
  if (!Object.values(parameters).every((value) => Number.isInteger(value) && value > 0)) return undefined;
  return { parameters, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

// Compared against when the clerk is unknown or has no password, so the answer takes as long either way
// and the timing does not tell a guesser which names exist.
const placeholderHash = parseStoredHash(`${algorithm}$${defaultParameters.N}$${defaultParameters.r}$${defaultParameters.p}$${Buffer.alloc(saltLength).toString('base64')}$${Buffer.alloc(keyLength).toString('base64')}`);

/** True when `password` matches `stored`; false for a wrong password, a missing or a malformed hash. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = (stored ? parseStoredHash(stored) : undefined) ?? placeholderHash;
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.parameters, parsed.key.length);
  const matches = candidate.length === parsed.key.length && timingSafeEqual(candidate, parsed.key);
  return matches && parsed !== placeholderHash;
}

/** Why a new password is not acceptable, or undefined (told to the administrator setting it). */
export function passwordProblem(password: string): string | undefined {
  if (password.length < minimumPasswordLength) return `the password needs at least ${minimumPasswordLength} characters`;
  if (password.length > maximumPasswordLength) return `the password may have at most ${maximumPasswordLength} characters`;
  if (password.trim() !== password) return 'the password may not start or end with spaces';
  return undefined;
}
