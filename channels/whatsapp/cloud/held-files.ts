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

export async function holdFiles(state: ChannelStateStore, recipient: string, files: readonly OutboundFile[], now = new Date()): Promise<void> {
  const held = (await state.get<HeldFiles>(`${keyPrefix}${recipient}`, now))?.files ?? [];
  const known = new Set(held.map((file) => file.sha256));
  await state.set(`${keyPrefix}${recipient}`, { files: [...held, ...files.filter((file) => !known.has(file.sha256))] } satisfies HeldFiles, { expiresAt: new Date(now.getTime() + holdMs), now });
}

/** The files waiting for a recipient. */
export async function heldFilesOf(state: ChannelStateStore, recipient: string, now = new Date()): Promise<OutboundFile[]> {
  return (await state.get<HeldFiles>(`${keyPrefix}${recipient}`, now))?.files ?? [];
}

/** Once the files are in the outbox: two messages in a row do not send them twice. */
export function forgetHeldFiles(state: ChannelStateStore, recipient: string): Promise<void> {
  return state.delete(`${keyPrefix}${recipient}`);
}

/** The key under which a recipient's files wait (for the erasure of their data). */
export function heldFilesKey(recipient: string): string {
  return `${keyPrefix}${recipient}`;
}
