// The few DER shapes a CMS signature needs, written and read by hand so that certificates and signed
// attributes travel byte for byte as they are: re-encoding a parsed certificate could change it.

export const tags = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function element(tag: number, contents: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(contents.length), contents]);
}

export const sequence = (...parts: Buffer[]): Buffer => element(tags.sequence, Buffer.concat(parts));

/** DER sorts the members of a SET OF by their encodings. */
export const setOf = (...parts: Buffer[]): Buffer => element(tags.set, Buffer.concat([...parts].sort(Buffer.compare)));

export const octetString = (bytes: Buffer): Buffer => element(tags.octetString, bytes);

export const nullValue = (): Buffer => element(tags.null, Buffer.alloc(0));

export const integer = (value: number): Buffer => element(tags.integer, Buffer.from([value]));

/** [n] with the given contents: EXPLICIT wraps an element, IMPLICIT replaces its tag (both constructed here). */
export const contextSpecific = (number: number, contents: Buffer): Buffer => element(0xa0 | number, contents);

export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const bytes: number[] = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return element(tags.oid, Buffer.from(bytes));
}

export function decodeObjectIdentifier(contents: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of contents) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(Math.min(Math.floor(value / 40), 2), value - Math.min(Math.floor(value / 40), 2) * 40);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** One element of a DER buffer: where it is, so its exact bytes can be taken or hashed. */
export interface DerElement {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the element. */
  end: number;
  source: Buffer;
}

export class DerFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerFormatError';
  }
}

export function readElement(source: Buffer, offset = 0, limit = source.length): DerElement {
  if (offset + 2 > limit) throw new DerFormatError(`truncated element at ${offset}`);
  const tag = source[offset] ?? 0;
  if ((tag & 0x1f) === 0x1f) throw new DerFormatError(`multi-byte tag at ${offset}`);
  const first = source[offset + 1] ?? 0;
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DerFormatError(`unsupported length at ${offset}`);
    length = 0;
    for (let index = 0; index < count; index += 1) length = length * 256 + (source[offset + 2 + index] ?? 0);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerFormatError(`element at ${offset} runs past its container`);
  return { tag, start: offset, contentStart, end, source };
}

export function children(parent: DerElement): DerElement[] {
  const result: DerElement[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readElement(parent.source, offset, parent.end);
    result.push(child);
    offset = child.end;
  }
  return result;
}

export const bytesOf = (item: DerElement): Buffer => item.source.subarray(item.start, item.end);
export const contentsOf = (item: DerElement): Buffer => item.source.subarray(item.contentStart, item.end);
