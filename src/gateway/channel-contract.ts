import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { NotificationBus } from '../database/notification-bus.ts';
import type { Logger } from '../logger.ts';
import type { OutboundMessage } from '../messages.ts';
import type { SenderIdentity } from './sender-identity.ts';
import type { ChannelStateStore } from './channel-state-store.ts';
import type { InboundGateway } from './inbound-gateway.ts';

/** What the outbox hands an adapter to deliver. */
export interface Delivery {
  outboxId: number;
  /** The stored message id, when the delivery is a conversation message (absent for staff notices). */
  messageId: number | null;
  /** The recipient's id on the channel (contact external id, staff chat id…). */
  recipient: string;
  recipientChannelData: Record<string, unknown> | null;
  message: OutboundMessage;
  createdAt: string;
}

export class DeliveryError extends Error {
  readonly code = 'FV_ERR_DELIVERY';
  constructor(
    message: string,
    /** Whether trying again later can help (429, 5xx, network) or not (blocked by the user, 403). */
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** What the core hands an adapter: no database, only the gateway and the adapter's own state. */
export interface ChannelContext {
  config: Config;
  logger: Logger;
  /** Where inbound messages go (dedupe, clerk commands, fixed answers, the pipeline) and what the adapter may read. */
  gateway: InboundGateway;
  /** This channel's own key/value store (Teams conversation references…). */
  state: ChannelStateStore;
  /**
   * Events every instance hears (a reply sent from one instance, to a stream held by another): small
   * payloads, ids rather than bodies (at most 7999 bytes); what else a receiver needs, it reads through `gateway`.
   */
  notifications: NotificationBus;
}

export type { NotificationBus };

export interface ChannelAdapter {
  readonly id: string;
  /**
   * Whether repeating a send after a crash cannot produce a second visible message (the web chat
   * de-duplicates by message id); such deliveries are retried, others are reported as uncertain.
   */
  readonly idempotentSend: boolean;
  registerRoutes?(app: FastifyInstance): Promise<void> | void;
  start?(): Promise<void>;
  send(delivery: Delivery): Promise<{ externalId?: string }>;
  /** Staff chats on this channel where new tickets are announced to clerks (may be empty; may read the channel's state). */
  staffRecipients?(): Promise<string[]>;
  readiness?(): { ready: boolean; reason?: string };
  stop?(): Promise<void>;
}

/** A channel folder exports one of these; `channels/index.ts` lists them. */
export interface ChannelDefinition {
  id: string;
  /** Who writes on each of the channel's routes, for the per-sender rate limit (known before the channel is created). */
  senderIdentities?: SenderIdentity[];
  /** Routes ("POST /api/webchat/sessions") that create something kept for months: limited per address per day too. */
  recordCreatingRoutes?: string[];
  /** Routes where a request proves itself with a secret, signature or token: failed attempts are counted per address. */
  authenticatedRoutes?: string[];
  /**
   * Returns undefined when the channel is not configured (e.g. no bot token). May be asynchronous, so
   * a channel loads its SDK (botbuilder, whatsapp-web.js…) only when it is configured.
   */
  create(context: ChannelContext): ChannelAdapter | undefined | Promise<ChannelAdapter | undefined>;
}

/** The staff chats of every adapter, each with its channel: where new tickets and follow-ups are announced. */
export async function staffChatsOf(adapters: Iterable<ChannelAdapter>): Promise<{ channel: string; recipient: string }[]> {
  const chats: { channel: string; recipient: string }[] = [];
  for (const adapter of adapters) {
    for (const recipient of (await adapter.staffRecipients?.()) ?? []) chats.push({ channel: adapter.id, recipient });
  }
  return chats;
}
