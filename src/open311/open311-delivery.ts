import type { ChannelAdapter } from '../gateway/channel-contract.ts';
import { open311Channel } from './service-requests.ts';

/**
 * Open311 clients are not pushed to: they poll `requests.json`, where a clerk's answer shows as the
 * request's status_notes (read from the ticket's events). Delivering a clerk reply to this channel is
 * therefore only acknowledging it, so the outbox does not report it as failed.
 */
export const open311DeliveryAdapter: ChannelAdapter = {
  id: open311Channel,
  idempotentSend: true,
  async send(delivery) {
    return { externalId: `open311-${delivery.outboxId}` };
  },
};
