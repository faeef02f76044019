import type { FastifyInstance } from 'fastify';
import type { Delivery } from '../../src/gateway/channel-contract.ts';
import type { Language } from '../../src/language.ts';
import type { RenderedOutbound } from './outbound-rendering.ts';

/** One way of talking to WhatsApp (Cloud API or WhatsApp Web); the adapter around it is the same. */
export interface WhatsappDriver {
  readonly name: 'cloud-api' | 'whatsapp-web';
  registerRoutes?(app: FastifyInstance): Promise<void> | void;
  start?(): Promise<void>;
  send(delivery: Delivery, rendered: RenderedOutbound, language: Language): Promise<{ externalId?: string }>;
  readiness(): { ready: boolean; reason?: string };
  stop?(): Promise<void>;
}
