import type { OutboxRow } from '../database/schema.ts';

export interface DeliveryStatus {
  state: 'delivered' | 'pending' | 'failed' | 'unknown';
  /** "livrat", "în așteptare", "eșuat: motiv" — what the clerk reads next to the reply. */
  text: string;
}

const channelReports: Record<string, string> = { delivered: 'primit', read: 'citit' };

/** How far a clerk's reply got, from its outbox row (absent when it was never queued). */
export function deliveryStatusOf(entry: OutboxRow | undefined): DeliveryStatus {
  if (!entry) return { state: 'unknown', text: 'netrimis prin outbox' };
  switch (entry.status) {
    case 'sent': {
      // Some channels report later that the message reached the phone or was read.
      const reported = (entry as OutboxRow & { deliveryStatus?: string | null }).deliveryStatus;
      const detail = reported ? channelReports[reported] : undefined;
      return { state: 'delivered', text: detail ? `livrat (${detail})` : 'livrat' };
    }
    case 'failed':
      return { state: 'failed', text: `eșuat: ${entry.lastError ?? 'motiv necunoscut'}` };
    case 'sending':
      return { state: 'pending', text: 'în așteptare (se trimite acum)' };
    case 'pending':
      return {
        state: 'pending',
        text: entry.attempts > 0 ? `în așteptare (încercarea ${entry.attempts + 1}; ultima eroare: ${entry.lastError ?? 'necunoscută'})` : 'în așteptare',
      };
  }
}
