import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// Keys only this installation holds (the erasure hash key, the Open311 id key) live in DATA_DIR/secrets,
// created on first use and read back ever after: they must travel with the database when it moves.

const secrets = new Map<string, Buffer>();

/** The 256-bit key `name` of the installation at `dataDirectory`, created when it does not exist yet. */
export function installationSecret(dataDirectory: string, name: string): Buffer {
  const file = path.join(dataDirectory, 'secrets', name);
  const cached = secrets.get(file);
  if (cached) return cached;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const secret = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
  secrets.set(file, secret);
  return secret;
}
