import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';
import type { AttachmentPart } from '../messages.ts';

// Files citizens send (photos of a pothole, a scanned form) are kept under <data>/attachments/, named by
// their SHA-256: the ticket records the hash, so a clerk can prove later that the file is the one received.

export const attachmentDirectoryName = 'attachments';
/** What a channel may accept when it does not say otherwise (WhatsApp documents go up to 100 MB; we do not). */
export const defaultMaximumAttachmentBytes = 16 * 1024 * 1024;

export class AttachmentTooLargeError extends AppError {
  constructor(size: number, maximum: number) {
    super('FV_ERR_ATTACHMENT_TOO_LARGE', `The file has ${size} bytes; at most ${maximum} are accepted`, 413);
  }
}

export interface NewAttachment {
  bytes: Uint8Array;
  /** The name the sender gave (may be absent, may contain anything: it is sanitised). */
  fileName?: string;
  mediaType?: string;
  maxBytes?: number;
}

const extensionsByMediaType: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'application/pdf': 'pdf',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'video/mp4': 'mp4',
  'text/plain': 'txt',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};

/** A display name without directories, control characters or path tricks; never empty. */
export function sanitizeFileName(fileName: string | undefined, mediaType: string): string {
  const base = (fileName ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '')
    .replace(/^\.+/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  if (cleaned !== '') return cleaned;
  const extension = extensionsByMediaType[baseMediaType(mediaType)];
  return extension ? `fisier.${extension}` : 'fisier';
}

function baseMediaType(mediaType: string): string {
  return mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
}

function extensionOf(fileName: string, mediaType: string): string {
  const fromName = /\.([a-z0-9]{1,8})$/i.exec(fileName)?.[1]?.toLowerCase();
  return fromName ?? extensionsByMediaType[baseMediaType(mediaType)] ?? 'bin';
}

/**
 * Writes the bytes once under their SHA-256 (a file received twice is stored once) and returns the part
 * to put on the message. The write goes through a temporary file and a rename, so a crash never leaves
 * a half-written file under a valid hash.
 */
export function storeAttachment(dataDirectory: string, attachment: NewAttachment): AttachmentPart {
  const maximum = attachment.maxBytes ?? defaultMaximumAttachmentBytes;
  if (attachment.bytes.byteLength > maximum) throw new AttachmentTooLargeError(attachment.bytes.byteLength, maximum);
  const mediaType = (attachment.mediaType ?? '').trim() || 'application/octet-stream';
  const fileName = sanitizeFileName(attachment.fileName, mediaType);
  const sha256 = createHash('sha256').update(attachment.bytes).digest('hex');
  const storagePath = path.posix.join(attachmentDirectoryName, `${sha256}.${extensionOf(fileName, mediaType)}`);
  const absolutePath = path.join(dataDirectory, storagePath);
  if (!fs.existsSync(absolutePath)) {
    fs.mkdirSync(path.dirname(absolutePath), { recursive: true });
    const temporaryPath = `${absolutePath}.${randomBytes(6).toString('hex')}.partial`;
    fs.writeFileSync(temporaryPath, attachment.bytes, { mode: 0o640 });
    fs.renameSync(temporaryPath, absolutePath);
  }
  return { type: 'attachment', fileName, mediaType, size: attachment.bytes.byteLength, sha256, storagePath };
}

/** The absolute path of a stored attachment (for the admin inbox and exports). */
export function attachmentFilePath(dataDirectory: string, attachment: Pick<AttachmentPart, 'storagePath'>): string {
  const resolved = path.resolve(dataDirectory, attachment.storagePath);
  const root = path.resolve(dataDirectory, attachmentDirectoryName);
  if (!resolved.startsWith(`${root}${path.sep}`)) throw new AppError('FV_ERR_ATTACHMENT_PATH', 'Attachment path outside the attachment directory', 400);
  return resolved;
}
