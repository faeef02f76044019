import type { MessagePart } from '../../src/messages.ts';

// What either driver makes of one WhatsApp message before the pipeline sees it.

export type ReceivedKind =
  /** Text, a pressed button, a photo or document (with or without caption), a location: the pipeline answers. */
  | 'message'
  /** A voice note: kept as an attachment, the citizen is asked to write or call. */
  | 'voice'
  /** Stickers, contacts, polls…: answered politely, nothing else happens. */
  | 'unsupported'
  /** A photo or document that could not be fetched (expired, too big): the citizen is asked to send it again. */
  | 'media_failed';

export interface ReceivedMessage {
  kind: ReceivedKind;
  /** The channel's message id (wamid, WhatsApp Web serialized id): the dedupe key. */
  externalId: string;
  /** The sender in E.164, or the business-scoped user id of a user who hides the number behind a username. */
  from: string;
  displayName?: string;
  /** When WhatsApp says the citizen sent it: opens the 24-hour customer service window. */
  sentAt: Date;
  text: string;
  parts: MessagePart[];
  /** The WhatsApp type as received (text, image, ptt, sticker…), for logs and the unsupported answer. */
  whatsappType: string;
  /** What a reply must carry back (WhatsApp Web chat id…); merged into the contact's channel data. */
  channelData?: Record<string, unknown>;
}
