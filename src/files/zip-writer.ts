import { crc32, deflateRawSync } from 'node:zlib';

// A minimal ZIP (PKWARE APPNOTE 6.3) writer: deflated entries, UTF-8 names, no ZIP64 (an export per
// person stays far below 4 GiB). Enough for `gdpr export`; unzip, Windows Explorer and LibreOffice read it.

export interface ZipEntry {
  /** Path inside the archive with forward slashes, e.g. "attachments/photo.jpg". */
  name: string;
  bytes: Uint8Array;
  modifiedAt?: Date;
}

function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

function safeName(name: string): string {
  const cleaned = name.replace(/\\/g, '/').split('/').filter((segment) => segment !== '' && segment !== '.' && segment !== '..').join('/');
  if (cleaned === '') throw new Error(`zip entry name "${name}" is empty once cleaned`);
  return cleaned;
}

export function createZip(entries: readonly ZipEntry[]): Buffer {
  const localParts: Buffer[] = [];
  const centralParts: Buffer[] = [];
  let offset = 0;
  const usedNames = new Set<string>();
  for (const entry of entries) {
    const name = safeName(entry.name);
    if (usedNames.has(name)) throw new Error(`zip entry "${name}" appears twice`);
    usedNames.add(name);
    const nameBytes = Buffer.from(name, 'utf8');
    const compressed = deflateRawSync(entry.bytes);
    // Small or incompressible files are stored as they are.
    const stored = compressed.length >= entry.bytes.byteLength;
    const data = stored ? Buffer.from(entry.bytes) : compressed;
    const method = stored ? 0 : 8;
    const checksum = crc32(entry.bytes);
    const { time, date } = dosDateTime(entry.modifiedAt ?? new Date());
    const flags = 0x0800; // names are UTF-8

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(entry.bytes.byteLength, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    localParts.push(local, nameBytes, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by: Unix, version 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(entry.bytes.byteLength, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt16LE(0, 30);
    central.writeUInt16LE(0, 32);
    central.writeUInt16LE(0, 34);
    central.writeUInt16LE(0, 36);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    centralParts.push(central, nameBytes);

    offset += local.length + nameBytes.length + data.length;
  }
  const centralDirectory = Buffer.concat(centralParts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...localParts, centralDirectory, end]);
}
