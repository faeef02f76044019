import { createHmac } from 'node:crypto';
import { installationSecret } from '../security/installation-secret.ts';

// An erased contact's channel identity is replaced by a keyed hash: nobody can turn it back into the
// phone number (a plain SHA-256 of a phone number is reversed by trying them all), yet the town hall,
// holding the key, can still confirm "this number's data was erased on …" if the person asks again.

const erasureKey = (dataDirectory: string) => installationSecret(dataDirectory, 'erasure-key');

export function hashIdentity(dataDirectory: string, channel: string, externalId: string): string {
  return createHmac('sha256', erasureKey(dataDirectory)).update(`${channel}\u0000${externalId}`).digest('hex');
}

/** What replaces a raw channel reference (a message id holding a chat id or a phone number) once erased. */
export function erasedReference(dataDirectory: string, channel: string, reference: string): string {
  return `erased:${hashIdentity(dataDirectory, channel, reference)}`;
}
