import type { AttachmentPart, MessagePart } from '../../../src/messages.ts';
import { toBusinessScopedUserId, toE164 } from '../phone-numbers.ts';
import type { ReceivedKind, ReceivedMessage } from '../received-message.ts';
import type { CloudContact, CloudMedia, CloudMessage } from './webhook-payload.ts';

// One Cloud API webhook message → what the router understands. Media is fetched through the callback
// (the Graph API), so this module stays free of HTTP and can be tested with recorded payloads.

export type MediaFetcher = (media: CloudMedia, fallbackName: string) => Promise<AttachmentPart>;

/** Thrown by a MediaFetcher when the file can never be fetched (expired, too big): the citizen is told. */
export class MediaUnavailableError extends Error {
  readonly code = 'FV_ERR_WHATSAPP_MEDIA_UNAVAILABLE';
}

export type CloudTranslation = { action: 'accept'; received: ReceivedMessage } | { action: 'ignore'; reason: string; unanswerable?: boolean };

/** Types that carry nothing to answer: reactions, "customer changed number" notices, first-open pings. */
const silentTypes = new Set(['reaction', 'system', 'request_welcome', 'ephemeral', 'revoke']);
const mediaTypes = ['image', 'video', 'document'] as const;

export async function translateCloudMessage(message: CloudMessage, contacts: readonly CloudContact[], fetchMedia: MediaFetcher): Promise<CloudTranslation> {
  const type = message.type ?? 'unknown';
  if (!message.id) return { action: 'ignore', reason: 'message without id' };
  if (silentTypes.has(type)) return { action: 'ignore', reason: `type ${type}` };
  // A user with a WhatsApp username may withhold the number: `from` is then missing and the
  // business-scoped user id (`from_user_id`) names them; replies go back to that id.
  const from = toE164(message.from) ?? toBusinessScopedUserId(message.from_user_id);
  if (!from) return { action: 'ignore', reason: 'sender without a phone number or business-scoped user id', unanswerable: true };
  const contact = contacts.find((candidate) => (message.from !== undefined && candidate.wa_id === message.from) || (message.from_user_id !== undefined && candidate.user_id === message.from_user_id));
  const sentAtSeconds = Number(message.timestamp);
  const base = {
    externalId: message.id,
    from,
    displayName: contact?.profile?.name ?? contact?.profile?.username,
    sentAt: Number.isFinite(sentAtSeconds) && sentAtSeconds > 0 ? new Date(sentAtSeconds * 1000) : new Date(),
    whatsappType: type,
  };
  const accept = (kind: ReceivedKind, text: string, parts: MessagePart[] = []): CloudTranslation => ({ action: 'accept', received: { ...base, kind, text, parts } });

  switch (type) {
    case 'text':
      return accept('message', message.text?.body ?? '');
    case 'interactive': {
      // Our buttons and list rows carry the option's value as their id (see cloud-message-building.ts).
      const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
      const text = reply?.id ?? reply?.title;
      return text ? accept('message', text) : accept('unsupported', '');
    }
    case 'button':
      return accept('message', message.button?.text ?? message.button?.payload ?? '');
    case 'location':
      if (!message.location || typeof message.location.latitude !== 'number' || typeof message.location.longitude !== 'number') return accept('unsupported', '');
      // No text, like the other channels: during a request the pipeline adds the place to it.
      return accept('message', '', [{ type: 'location', latitude: message.location.latitude, longitude: message.location.longitude }]);
    case 'audio': {
      const audio = message.audio;
      if (!audio?.id) return accept('unsupported', '');
      try {
        return accept('voice', '', [await fetchMedia(audio, audio.voice === false ? 'audio.ogg' : 'mesaj-vocal.ogg')]);
      } catch (error) {
        if (error instanceof MediaUnavailableError) return accept('voice', '');
        throw error;
      }
    }
  }
  const mediaType = mediaTypes.find((candidate) => candidate === type);
  if (mediaType) {
    const media = message[mediaType];
    const caption = media?.caption ?? '';
    if (!media?.id) return accept('media_failed', caption);
    try {
      return accept('message', caption, [await fetchMedia(media, mediaType === 'document' ? media.filename ?? 'document' : '')]);
    } catch (error) {
      if (error instanceof MediaUnavailableError) return accept('media_failed', caption);
      throw error;
    }
  }
  // Stickers, contacts, orders, "unsupported": stored, and the citizen is told what can be read.
  return accept('unsupported', '');
}
