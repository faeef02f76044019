import { AppError } from '../errors.ts';

// What a citizen may send the town hall as a file, on any channel: what a clerk can open on a work
// computer (photos, PDF, office documents, text). Executables, archives and scripts are refused.
// Telegram keeps its own copy of this list (channels/telegram/update-handler.ts); the web chat uses this one.

/** The citizens' file limit: Telegram's bots may download at most 20 MB; 10 MB keeps a scan or a photo legible. */
export const citizenFileMaximumBytes = 10 * 1024 * 1024;

export const acceptedCitizenMediaTypes: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/heic',
  'image/heif',
  'application/pdf',
  'text/plain',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.spreadsheet',
]);

/** Chat apps also carry voice notes and short videos (Telegram, WhatsApp); the web chat's file picker does not. */
export const acceptedChatMediaTypes: ReadonlySet<string> = new Set([...acceptedCitizenMediaTypes, 'audio/ogg', 'audio/mpeg', 'audio/mp4', 'video/mp4']);

export class AttachmentTypeRefusedError extends AppError {
  constructor(mediaType: string) {
    super('FV_ERR_ATTACHMENT_TYPE', `Files of type ${mediaType || 'unknown'} are not accepted; send a photo (JPEG, PNG), a PDF or an office document`, 415);
  }
}

/** The media type without parameters, in lower case: "image/png; x=1" → "image/png". */
export function baseMediaType(mediaType: string | undefined): string {
  return (mediaType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

// The first bytes each type must start with: a browser names a file's type by its extension, so a
// program renamed to "poza.png" would otherwise pass as a photo.
const zipContainer = [0x50, 0x4b, 0x03, 0x04];
const compoundDocument = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const signatures: Record<string, readonly (readonly number[])[]> = {
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/png': [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  'image/webp': [[0x52, 0x49, 0x46, 0x46]],
  'application/pdf': [[0x25, 0x50, 0x44, 0x46, 0x2d]],
  'application/msword': [compoundDocument],
  'application/vnd.ms-excel': [compoundDocument],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': [zipContainer],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': [zipContainer],
  'application/vnd.oasis.opendocument.text': [zipContainer],
  'application/vnd.oasis.opendocument.spreadsheet': [zipContainer],
};

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

/** Throws AttachmentTypeRefusedError unless the type is accepted and the bytes look like that type. */
export function checkCitizenFile(bytes: Uint8Array, mediaType: string | undefined): string {
  const type = baseMediaType(mediaType);
  if (!acceptedCitizenMediaTypes.has(type)) throw new AttachmentTypeRefusedError(type);
  const expected = signatures[type];
  // Text has no signature; a NUL byte says it is not text.
  if (type === 'text/plain' ? bytes.includes(0) : expected && !expected.some((prefix) => startsWith(bytes, prefix))) {
    throw new AttachmentTypeRefusedError(`${type} (the content is not a ${type} file)`);
  }
  return type;
}
