// The one normalized message type that flows through every channel. Adapters translate at the edge.

export interface SourceReference {
  slug: string;
  title: string;
  url?: string;
  score?: number;
}

export interface Button {
  label: string;
  /** Sent back as the citizen's text when the button is pressed. */
  value: string;
}

export interface AttachmentPart {
  type: 'attachment';
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  /** Path under the data directory. */
  storagePath: string;
}

/**
 * A file the town hall sends (an issued document): channels that can send files send it (Telegram
 * sendDocument, a WhatsApp document); the others show `fallbackText` (the web chat already carries a
 * download link in the message text).
 */
export interface FilePart {
  type: 'file';
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  /** Path under the data directory (src/documents/document-storage.ts resolves it). */
  storagePath: string;
  fallbackText: string;
}

export type MessagePart =
  | { type: 'sources'; sources: SourceReference[] }
  | { type: 'buttons'; buttons: Button[] }
  | AttachmentPart
  | FilePart
  | { type: 'location'; latitude: number; longitude: number };

export interface Sender {
  /** The person's id on the channel: Telegram user id, WhatsApp number, web chat session id. */
  externalId: string;
  displayName?: string;
  /** A language the channel reports (e.g. Telegram's language_code). */
  languageHint?: string;
}

export interface InboundMessage {
  channel: string;
  /** The channel's id of this message: the dedupe key together with the channel. */
  externalId: string;
  sender: Sender;
  text: string;
  parts?: MessagePart[];
  /** What must round-trip to reach this sender again (chat id…). Stored on the contact. */
  channelData?: Record<string, unknown>;
}

export interface OutboundMessage {
  author: 'bot' | 'clerk';
  text: string;
  parts: MessagePart[];
}

export function sourcesOf(parts: readonly MessagePart[] | null | undefined): SourceReference[] {
  return (parts ?? []).flatMap((part) => (part.type === 'sources' ? part.sources : []));
}

export function buttonsOf(parts: readonly MessagePart[] | null | undefined): Button[] {
  return (parts ?? []).flatMap((part) => (part.type === 'buttons' ? part.buttons : []));
}

export function filesOf(parts: readonly MessagePart[] | null | undefined): FilePart[] {
  return (parts ?? []).filter((part): part is FilePart => part.type === 'file');
}
