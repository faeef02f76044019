import type { MessagePart } from '../../../src/messages.ts';
import type { ReceivedKind } from '../received-message.ts';
import type { WebMessage } from './web-client.ts';

// Which whatsapp-web.js messages the town hall answers, and as what. Pure: the driver does the I/O
// (resolving hidden numbers, downloading media) for the messages this accepts.

export type WebIgnoreReason = 'status-broadcast' | 'own-message' | 'group' | 'before-start' | 'broadcast' | 'channel' | 'notification';

export type WebTranslation =
  | { action: 'ignore'; reason: WebIgnoreReason }
  | {
      action: 'accept';
      kind: ReceivedKind;
      externalId: string;
      /** Who wrote: "40740123456@c.us", or "…@lid" when WhatsApp hides the number. */
      senderId: string;
      /** Where to answer: the one-to-one chat with the sender (in a group too: answers stay private). */
      replyTo: string;
      text: string;
      parts: MessagePart[];
      needsMedia: boolean;
      displayName?: string;
      sentAt: Date;
      whatsappType: string;
    };

export interface WebTranslationOptions {
  /** Messages sent before this instant are history WhatsApp Web replays on connect, not new questions. */
  startedAt: Date;
  allowGroups: boolean;
}

const textTypes = new Set(['chat', 'buttons_response', 'list_response', 'template_button_reply']);
const voiceTypes = new Set(['ptt', 'audio']);
const mediaTypes = new Set(['image', 'video', 'document']);
/** Protocol noise: revocations, reactions, encryption notices, group events, call logs, albums' envelopes. */
const silentTypes = new Set([
  'revoked',
  'reaction',
  'protocol',
  'e2e_notification',
  'notification',
  'notification_template',
  'gp2',
  'group_notification',
  'broadcast_notification',
  'call_log',
  'ciphertext',
  'debug',
  'album',
]);

function remoteOf(message: WebMessage): string {
  const remote = message.id.remote;
  return typeof remote === 'string' ? remote : remote._serialized;
}

function locationPart(message: WebMessage): MessagePart | undefined {
  const latitude = Number(message.location?.latitude);
  const longitude = Number(message.location?.longitude);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return undefined;
  return { type: 'location', latitude, longitude };
}

export function translateWebMessage(message: WebMessage, options: WebTranslationOptions): WebTranslation {
  const chat = message.from || remoteOf(message);
  if (message.isStatus || chat === 'status@broadcast' || remoteOf(message) === 'status@broadcast') return { action: 'ignore', reason: 'status-broadcast' };
  if (message.fromMe || message.id.fromMe) return { action: 'ignore', reason: 'own-message' };
  if (chat.endsWith('@newsletter')) return { action: 'ignore', reason: 'channel' };
  if (message.broadcast || chat.endsWith('@broadcast')) return { action: 'ignore', reason: 'broadcast' };
  const inGroup = chat.endsWith('@g.us');
  if (inGroup && !options.allowGroups) return { action: 'ignore', reason: 'group' };
  if (message.timestamp * 1000 < options.startedAt.getTime() - 999) return { action: 'ignore', reason: 'before-start' };
  if (silentTypes.has(message.type)) return { action: 'ignore', reason: 'notification' };

  const senderId = inGroup ? message.author ?? '' : chat;
  const base = {
    action: 'accept' as const,
    externalId: message.id._serialized,
    senderId,
    replyTo: senderId,
    displayName: message._data?.notifyName || undefined,
    sentAt: new Date(message.timestamp * 1000),
    whatsappType: message.type,
  };
  if (textTypes.has(message.type)) return { ...base, kind: 'message', text: message.body ?? '', parts: [], needsMedia: false };
  if (voiceTypes.has(message.type)) return { ...base, kind: 'voice', text: '', parts: [], needsMedia: Boolean(message.hasMedia) };
  if (mediaTypes.has(message.type)) {
    if (!message.hasMedia) return { ...base, kind: 'media_failed', text: message.body ?? '', parts: [], needsMedia: false };
    return { ...base, kind: 'message', text: message.body ?? '', parts: [], needsMedia: true };
  }
  if (message.type === 'location') {
    const location = locationPart(message);
    // No text, like the other channels: during a request the pipeline adds the place to it.
    if (location) return { ...base, kind: 'message', text: '', parts: [location], needsMedia: false };
  }
  return { ...base, kind: 'unsupported', text: '', parts: [], needsMedia: false };
}
