import { asRecord, identifier, type SenderIdentity } from '../../src/gateway/sender-identity.ts';
import { webhookPath } from './cloud/cloud-driver.ts';

/**
 * WhatsApp Cloud API: the `from` number of the first message, or the business-scoped user id of a user
 * who hides the number behind a username; status callbacks carry neither.
 */
export function whatsappSender(body: unknown): string | undefined {
  const entries = asRecord(body)?.entry;
  if (!Array.isArray(entries)) return undefined;
  for (const entry of entries.slice(0, 10)) {
    const changes = asRecord(entry)?.changes;
    if (!Array.isArray(changes)) continue;
    for (const change of changes.slice(0, 10)) {
      const messages = asRecord(asRecord(change)?.value)?.messages;
      if (!Array.isArray(messages)) continue;
      const first = asRecord(messages[0]);
      const from = identifier(first?.from) ?? identifier(first?.from_user_id);
      if (from) return from;
    }
  }
  return undefined;
}

export const whatsappSenderIdentities: SenderIdentity[] = [{ route: `POST ${webhookPath}`, kind: 'platform-webhook', senderOf: (request) => whatsappSender(request.body) }];
