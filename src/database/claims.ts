// Work several instances share (outbox sends, inbound messages waiting for an answer) is claimed by one
// of them: a row carries `claimed_by` (config.instance.id) and `lease_until`. The claimer renews the lease
// while it works; a lease that ran out means the claimer died (or hung), and another instance may take the
// work over. The instance id is stable across restarts (INSTANCE_ID, else host name and data directory),
// so an instance restarted after a crash takes back its own claims at once instead of waiting for them to
// run out. Times are the instances' clocks (ISO text, as every time in the store): keep them in sync (NTP);
// a lease of 30 s leaves room for far more skew than NTP allows.

export interface InstanceClaims {
  /** The name this instance writes on what it claims. */
  id: string;
  /** How long a claim holds unless renewed; renewed every third of it. */
  leaseMs: number;
}

/** The `lease_until` of a claim made or renewed at `now`. */
export function leaseEnd(claims: InstanceClaims, now: Date): string {
  return new Date(now.getTime() + claims.leaseMs).toISOString();
}

/**
 * Calls `renew` every third of the lease until stopped, so the claims it renews never run out while this
 * instance is alive. A failed renewal is reported and tried again at the next tick (a lease survives two).
 */
export function renewEveryThirdOfLease(claims: InstanceClaims, renew: () => Promise<unknown>, onError: (error: unknown) => void): { stop(): void } {
  const timer = setInterval(() => {
    renew().catch(onError);
  }, Math.max(1, Math.floor(claims.leaseMs / 3)));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
