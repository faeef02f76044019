import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// An erased contact's channel identity is replaced by a keyed hash: nobody can turn it back into the
// phone number (a plain SHA-256 of a phone number is reversed by trying them all), yet the town hall,
// holding the key, can still confirm "this number's data was erased on …" if the person asks again.

const keyFileName = path.join('secrets', 'erasure-key');

function erasureKey(dataDirectory: string): Buffer {
  const file = path.join(dataDirectory, keyFileName);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
}

export function hashIdentity(dataDirectory: string, channel: string, externalId: string): string {
  return createHmac('sha256', erasureKey(dataDirectory)).update(`${channel}\u0000${externalId}`).digest('hex');
}

/** What replaces a raw channel reference (a message id holding a chat id or a phone number) once erased. */
export function erasedReference(dataDirectory: string, channel: string, reference: string): string {
  return `erased:${hashIdentity(dataDirectory, channel, reference)}`;
}
