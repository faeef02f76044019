import * as asn1js from 'asn1js';

// Where a signed PDF keeps its signature: the /ByteRange [a b c d] of the signature dictionary names
// the signed bytes, and the gap between them is the /Contents hex string holding the CMS.

export interface PdfSignature {
  byteRange: [number, number, number, number];
  /** The bytes the signature covers: the file without the /Contents hex string. */
  signedContent: Buffer;
  /** The CMS, without the zero padding after it. */
  cms: Buffer;
  subFilter: string | undefined;
  /** Whether the signed ranges reach the end of the file (nothing was appended after signing). */
  coversWholeFile: boolean;
}

const byteRangePattern = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;

/** The last signature of the file, or undefined when it has none (or it is malformed). */
export function findPdfSignature(pdf: Buffer): PdfSignature | undefined {
  // latin1 keeps one character per byte, so offsets in the text are offsets in the file.
  const text = pdf.toString('latin1');
  const matches = [...text.matchAll(byteRangePattern)];
  const match = matches.at(-1);
  if (!match) return undefined;
  const [start, firstLength, secondStart, secondLength] = match.slice(1, 5).map(Number) as [number, number, number, number];
  if (start !== 0 || firstLength <= 0 || secondStart <= firstLength || secondStart + secondLength > pdf.length) return undefined;
  if (text[firstLength] !== '<' || text[secondStart - 1] !== '>') return undefined;
  const hex = text.slice(firstLength + 1, secondStart - 1);
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) return undefined;
  const padded = Buffer.from(hex, 'hex');
  // The CMS ends where its outer element ends; asn1js reports that offset (-1 when unreadable).
  const end = asn1js.fromBER(new Uint8Array(padded)).offset;
  if (end <= 0) return undefined;
  const cms = padded.subarray(0, end);
  const dictionaryStart = text.lastIndexOf('<<', match.index);
  const subFilter = /\/SubFilter\s*\/([A-Za-z0-9.#_-]+)/.exec(text.slice(dictionaryStart, secondStart + 200))?.[1];
  return {
    byteRange: [start, firstLength, secondStart, secondLength],
    signedContent: Buffer.concat([pdf.subarray(0, firstLength), pdf.subarray(secondStart, secondStart + secondLength)]),
    cms,
    subFilter,
    coversWholeFile: secondStart + secondLength === pdf.length,
  };
}
