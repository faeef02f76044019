import type { ChannelRecords, DeliveryStatusOutcome } from '../../../src/gateway/channel-records.ts';
import { describeCloudErrors, reEngagementErrorCode, type CloudStatus } from './webhook-payload.ts';

// Status webhooks (sent → delivered → read, or failed) land on the outbox entry that carried the
// message, found by its wamid. They may arrive out of order; a later state never goes back.

const reported = new Set(['sent', 'delivered', 'read', 'played', 'failed'] as const);
type Reported = typeof reported extends Set<infer T> ? T : never;

export type StatusOutcome = DeliveryStatusOutcome | 'ignored';

/** A Cloud API status in the core's words; the core keeps the order and records a failure on the ticket. */
export async function recordDeliveryStatus(records: ChannelRecords, channel: string, status: CloudStatus): Promise<StatusOutcome> {
  const wamid = status.id;
  const name = status.status;
  if (!wamid || !name || !reported.has(name as Reported)) return 'ignored';
  const seconds = Number(status.timestamp);
  const at = new Date(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : Date.now());
  if (name !== 'failed') return records.recordDeliveryStatus(channel, { externalId: wamid, status: name as Reported, at });
  const outsideWindow = status.errors?.some((error) => error.code === reEngagementErrorCode);
  const reason = `WhatsApp could not deliver the message: ${describeCloudErrors(status.errors)}${
    outsideWindow ? ' — more than 24 hours passed since the citizen last wrote; contact them another way' : ''
  }`;
  return records.recordDeliveryStatus(channel, { externalId: wamid, status: 'failed', at, reason });
}
