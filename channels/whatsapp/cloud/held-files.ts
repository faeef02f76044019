import type { ChannelStateStore } from '../../../src/gateway/channel-state-store.ts';
import type { OutboundFile } from '../outbound-rendering.ts';

// Outside WhatsApp's 24-hour window only an approved template (text) may be sent: the files of such a
// delivery (an issued document, a receipt) are held here, per recipient, and sent when the citizen next
// writes — their message opens the window again. Kept in the channel's own state for a while after the
// window: a document is also in the town hall's records, and the citizen can ask for it at the desk.

const keyPrefix = 'held-files:';
/** Long enough for a citizen who reads the template days later; not forever (the template says "write to us"). */
const holdMs = 30 * 24 * 60 * 60 * 1000;

interface HeldFiles {
  files: OutboundFile[];
}

export function holdFiles(state: ChannelStateStore, recipient: string, files: readonly OutboundFile[], now = new Date()): void {
  const held = state.get<HeldFiles>(`${keyPrefix}${recipient}`, now)?.files ?? [];
  const known = new Set(held.map((file) => file.sha256));
  state.set(`${keyPrefix}${recipient}`, { files: [...held, ...files.filter((file) => !known.has(file.sha256))] } satisfies HeldFiles, { expiresAt: new Date(now.getTime() + holdMs), now });
}

/** Takes the held files of a recipient out of the store (so two messages in a row send them once). */
export function takeHeldFiles(state: ChannelStateStore, recipient: string, now = new Date()): OutboundFile[] {
  const held = state.get<HeldFiles>(`${keyPrefix}${recipient}`, now)?.files ?? [];
  if (held.length > 0) state.delete(`${keyPrefix}${recipient}`);
  return held;
}

/** The key under which a recipient's files wait (for the erasure of their data). */
export function heldFilesKey(recipient: string): string {
  return `${keyPrefix}${recipient}`;
}
