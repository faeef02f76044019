import type { ChannelRecords } from '../../../src/gateway/channel-records.ts';

// WhatsApp lets a business write freely only within 24 hours of the person's last message (the
// "customer service window"); after that, only an approved template may be sent.

export const serviceWindowMs = 24 * 60 * 60 * 1000;
/** Webhooks arrive late and clocks differ: stop a little early rather than have Meta refuse the message. */
const safetyMarginMs = 10 * 60 * 1000;

export interface ServiceWindow {
  open: boolean;
  lastInboundAt?: Date;
}

function dateOf(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * The citizen's last message is on their contact; a clerk's command confirmation carries it in the
 * outbox entry instead (clerks' commands do not make them contacts). The later of the two counts.
 */
export async function serviceWindowOf(
  records: ChannelRecords,
  channel: string,
  recipient: string,
  now: Date,
  deliveryData?: Record<string, unknown> | null,
): Promise<ServiceWindow> {
  const candidates = [await records.lastInboundAt(channel, recipient), dateOf(deliveryData?.lastInboundAt)].filter((date): date is Date => date !== undefined);
  if (candidates.length === 0) return { open: false };
  const lastInbound = new Date(Math.max(...candidates.map((date) => date.getTime())));
  return { open: now.getTime() - lastInbound.getTime() < serviceWindowMs - safetyMarginMs, lastInboundAt: lastInbound };
}

export function describeAge(since: Date | undefined, now: Date): string {
  if (!since) return 'never wrote on WhatsApp';
  const hours = Math.floor((now.getTime() - since.getTime()) / 3_600_000);
  return hours >= 48 ? `last wrote ${Math.floor(hours / 24)} days ago` : `last wrote ${hours} hours ago`;
}
