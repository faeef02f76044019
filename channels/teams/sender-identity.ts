import { asRecord, identifier, type SenderIdentity } from '../../src/gateway/sender-identity.ts';

/** Bot Framework (Teams): the activity's author. */
export function teamsSender(body: unknown): string | undefined {
  return identifier(asRecord(asRecord(body)?.from)?.id);
}

export const teamsSenderIdentities: SenderIdentity[] = [{ route: 'POST /api/messages', kind: 'platform-webhook', senderOf: (request) => teamsSender(request.body) }];
