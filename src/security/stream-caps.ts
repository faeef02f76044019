import { AppError } from '../errors.ts';

// Live-update streams (server-sent events) hold a socket and a subscription for as long as the browser
// keeps them: 250 streams on one session from one address were all accepted and kept. Two caps:
//  - per session, the oldest stream is closed when a new one comes: a browser that reconnects after a
//    network change opens a new stream before the server notices the old socket is dead, and a citizen
//    may have the town hall's site open in a few tabs; none of them must be refused;
//  - per address, a new stream is refused (429) once the address holds its share: closing someone else's
//    stream instead would let one address push every other citizen behind the same NAT off.

/** Streams one web chat session may hold at once (tabs of the same browser share the session). */
export const streamsPerSession = 4;

export class TooManyStreamsError extends AppError {
  constructor() {
    super('FV_ERR_TOO_MANY_STREAMS', 'Too many live-update streams are open from this address; close other chat windows and try again.', 429);
  }
}

interface OpenStream {
  address: string;
  close: () => void;
}

export class StreamCaps {
  private readonly bySession = new Map<string, OpenStream[]>();
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly perAddress: number,
    private readonly perSession = streamsPerSession,
  ) {}

  /**
   * Registers a stream about to open, closing the session's oldest one if the session is full; throws
   * TooManyStreamsError when the address is full. `close` ends the stream; the returned release must be
   * called when the stream ends for any reason (idempotent).
   */
  open(sessionId: string, address: string, close: () => void): () => void {
    const streams = this.bySession.get(sessionId) ?? [];
    const oldest = streams.length >= this.perSession ? streams[0] : undefined;
    const heldByAddress = (this.byAddress.get(address) ?? 0) - (oldest?.address === address ? 1 : 0);
    if (heldByAddress >= this.perAddress) throw new TooManyStreamsError();
    // Closing it runs its release, which takes it out of both counts.
    oldest?.close();
    const stream: OpenStream = { address, close };
    this.bySession.set(sessionId, [...(this.bySession.get(sessionId) ?? []), stream]);
    this.byAddress.set(address, (this.byAddress.get(address) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const remaining = (this.bySession.get(sessionId) ?? []).filter((candidate) => candidate !== stream);
      if (remaining.length > 0) this.bySession.set(sessionId, remaining);
      else this.bySession.delete(sessionId);
      const count = (this.byAddress.get(address) ?? 0) - 1;
      if (count > 0) this.byAddress.set(address, count);
      else this.byAddress.delete(address);
    };
  }

  /** Streams open now (diagnostics and tests). */
  get openCount(): number {
    let total = 0;
    for (const count of this.byAddress.values()) total += count;
    return total;
  }
}
