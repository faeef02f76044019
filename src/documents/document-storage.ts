import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DocumentRow } from '../database/schema.ts';
import { AppError } from '../errors.ts';
import type { FilePart } from '../messages.ts';

// Where issued documents are kept (data/documents/<year>/) and how they are named; shared by the
// issuing service, the channel adapters that send the file, and the archive export.

export const documentDirectoryName = 'documents';

export function documentLabel(document: Pick<DocumentRow, 'number' | 'year'>): string {
  return `${document.number}/${document.year}`;
}

export function documentFileName(document: Pick<DocumentRow, 'number' | 'year' | 'template'>): string {
  return `${document.template}-${document.number}-${document.year}.pdf`;
}

/**
 * Where one making of the document is written: with a random part, so that two processes finishing the
 * same document never write the same file, and the one whose record lost removes only its own.
 */
export function documentStoragePath(document: Pick<DocumentRow, 'number' | 'year' | 'code'>): string {
  return path.posix.join(documentDirectoryName, String(document.year), `${document.year}-${document.number}-${document.code}-${randomBytes(4).toString('hex')}.pdf`);
}

/** The absolute path of a stored document; refuses a path outside the documents directory. */
export function storedDocumentPath(dataDirectory: string, storagePath: string): string {
  const resolved = path.resolve(dataDirectory, storagePath);
  const root = path.resolve(dataDirectory, documentDirectoryName);
  if (!resolved.startsWith(`${root}${path.sep}`)) throw new AppError('FV_ERR_DOCUMENT_PATH', 'Document path outside the documents directory', 400);
  return resolved;
}

/** The bytes of a file part an adapter sends. */
export function readFilePart(dataDirectory: string, part: Pick<FilePart, 'storagePath'>): Buffer {
  return fs.readFileSync(storedDocumentPath(dataDirectory, part.storagePath));
}
