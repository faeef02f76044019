import type { FastifyRequest } from 'fastify';

// Each channel says, for its own routes, who is writing; the rate limits only consume the declarations
// (src/security names no channel). These helpers read untrusted bodies without trusting their shape.

/** How the per-sender rate limit finds who is writing on one of a channel's routes. */
export interface SenderIdentity {
  /** Method and URL as Fastify registers it: "POST /webhooks/telegram". */
  route: string;
  /**
   * `platform-webhook`: requests come from the platform's few shared addresses (Telegram, Meta, Microsoft),
   * so only the per-sender budget applies, read from the parsed body. `session`: a citizen writes from
   * their own address through a session in the URL, limited per address and per session before the body is read.
   */
  kind: 'platform-webhook' | 'session';
  senderOf(request: Pick<FastifyRequest, 'body' | 'params'>): string | undefined;
}

/** A channel's declarations, each sender prefixed with the channel, so ids of two channels never share a budget. */
export interface ChannelSenderIdentity extends SenderIdentity {
  channel: string;
}

/** What the channels declare about their routes, decorated on the app before the protection layer registers. */
export interface ChannelRouteDeclarations {
  senderIdentities: ChannelSenderIdentity[];
  /** Routes that create something kept for months (a web chat session): a daily budget per address on top. */
  recordCreatingRoutes: string[];
  /** Webhooks authenticated by a secret, a signature or a token: an address that keeps failing is refused. */
  authenticatedRoutes: string[];
}

declare module 'fastify' {
  interface FastifyInstance {
    channelRoutes: ChannelRouteDeclarations;
  }
}

export const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** A number or a short non-empty string: anything else in a sender field is not an id. */
export const identifier = (value: unknown): string | undefined =>
  (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value !== '' && value.length <= 200) ? String(value) : undefined;
