import { asRecord, identifier, type SenderIdentity } from '../../src/gateway/sender-identity.ts';
import { webhookPath } from './webhook-route.ts';

/** Telegram: whoever acts in the update (message author, button presser…), else the chat. */
export function telegramSender(body: unknown): string | undefined {
  const update = asRecord(body);
  if (!update) return undefined;
  for (const value of Object.values(update)) {
    const item = asRecord(value);
    if (!item) continue;
    const id = identifier(asRecord(item.from)?.id) ?? identifier(asRecord(item.user)?.id) ?? identifier(asRecord(item.chat)?.id);
    if (id) return id;
  }
  return undefined;
}

export const telegramSenderIdentities: SenderIdentity[] = [{ route: `POST ${webhookPath}`, kind: 'platform-webhook', senderOf: (request) => telegramSender(request.body) }];
