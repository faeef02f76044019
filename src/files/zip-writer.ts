import { zipSync, type Zippable } from 'fflate';

// ZIP archives through fflate: deflated entries, UTF-8 names, no ZIP64 (an export per person stays far
// below 4 GiB). Used by `gdpr export` and the Teams app package; unzip, Windows Explorer and LibreOffice read it.

export interface ZipEntry {
  /** Path inside the archive with forward slashes, e.g. "attachments/photo.jpg". */
  name: string;
  bytes: Uint8Array;
  modifiedAt?: Date;
}

/** A regular file, rw-r--r--, as Unix (os 3) records it. */
const regularFile = { os: 3, attrs: (0o100644 << 16) >>> 0 };

/** ZIP's DOS dates start in 1980. */
const earliestDate = new Date(1980, 0, 1);

function safeName(name: string): string {
  const cleaned = name.replace(/\\/g, '/').split('/').filter((segment) => segment !== '' && segment !== '.' && segment !== '..').join('/');
  if (cleaned === '') throw new Error(`zip entry name "${name}" is empty once cleaned`);
  // fflate keeps entries in a plain object, where this one name would replace the prototype.
  if (cleaned === '__proto__') throw new Error('zip entry name "__proto__" is not supported');
  return cleaned;
}

export function createZip(entries: readonly ZipEntry[]): Buffer {
  // Entries keep their order, except that names which are whole numbers ("2") come first: object key order.
  const files: Zippable = {};
  for (const entry of entries) {
    const name = safeName(entry.name);
    if (Object.hasOwn(files, name)) throw new Error(`zip entry "${name}" appears twice`);
    const modifiedAt = entry.modifiedAt ?? new Date();
    files[name] = [entry.bytes, { ...regularFile, mtime: modifiedAt < earliestDate ? earliestDate : modifiedAt }];
  }
  const zip = zipSync(files);
  return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}
