import { createHash, timingSafeEqual } from 'node:crypto';

export interface ApiKey {
  label: string;
  key: string;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The label of the matching key, compared in constant time (digests make the lengths equal). */
export function matchApiKey(keys: readonly ApiKey[], presented: string | undefined): string | undefined {
  if (!presented) return undefined;
  const presentedDigest = digest(presented);
  let label: string | undefined;
  for (const entry of keys) {
    // No early exit: every key is compared, so timing does not reveal which one was close.
    if (timingSafeEqual(digest(entry.key), presentedDigest) && label === undefined) label = entry.label;
  }
  return label;
}
