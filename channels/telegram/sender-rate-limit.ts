/**
 * A per-sender sliding window: a citizen (or a script) flooding the bot cannot fill the language
 * model's queue for everyone else. In memory on purpose: it protects this process, and a restart
 * forgiving a sender is harmless.
 */
export class SenderRateLimit {
  private readonly arrivals = new Map<string, number[]>();

  constructor(
    private readonly maximum: number,
    private readonly windowMs: number,
  ) {}

  /** 'allowed', 'limited' for every message over the limit, and 'just-limited' for the first one (to warn once). */
  take(sender: string, now = Date.now()): 'allowed' | 'just-limited' | 'limited' {
    const recent = (this.arrivals.get(sender) ?? []).filter((time) => now - time < this.windowMs);
    if (recent.length >= this.maximum) {
      if (recent.length > this.maximum) return 'limited';
      // One arrival past the limit is remembered, so only the first refused message is answered.
      recent.push(now);
      this.arrivals.set(sender, recent);
      return 'just-limited';
    }
    recent.push(now);
    this.arrivals.set(sender, recent);
    if (this.arrivals.size > 10_000) this.forgetIdle(now);
    return 'allowed';
  }

  private forgetIdle(now: number): void {
    for (const [sender, times] of this.arrivals) if (times.every((time) => now - time >= this.windowMs)) this.arrivals.delete(sender);
  }
}
