import { and, count, desc, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import { firstRow, type Executor } from '../database/connection.ts';
import { lockJob } from '../database/job-locks.ts';
import { ticketEvents, type ClerkRow } from '../database/schema.ts';
import { jsonField } from '../database/sql-dialect.ts';
import { recordEvent, type Actor } from '../tickets/ticket-store.ts';

// Failed logins are counted from the audit trail itself (ticket_events with no ticket): the record a
// town hall must keep anyway is the one the lockout reads, so the two can never disagree.

export const loginLimits = {
  /** Wrong passwords for one clerk name within the window before that name is locked. */
  failuresPerName: 5,
  /**
   * Wrong passwords from one address within the window before the address is locked. Higher than per
   * name: a town hall's office shares one public address, and one clerk's typos must not lock everyone
   * out; guessing across many names from one place is still stopped.
   */
  failuresPerAddress: 20,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
} as const;

export const loginEventKinds = {
  succeeded: 'login_succeeded',
  failed: 'login_failed',
  lockedOut: 'login_locked_out',
  refusedWhileLocked: 'login_refused_locked',
  /** Refused unchecked: as many attempts as the limit still allows were already being checked. */
  refusedWhileChecking: 'login_refused_checking',
  loggedOut: 'logout',
} as const;

export interface LoginAttempt {
  /** The normalised login name (see loginKey). */
  name: string;
  ip: string;
  userAgent?: string;
}

export interface Lockout {
  scope: 'name' | 'ip';
  until: Date;
}


/** A field of an audit event's detail, as text. */
function detailField(executor: Executor, field: string): SQL {
  return jsonField(executor, ticketEvents.detail, field);
}

function actorOf(attempt: LoginAttempt, clerk: ClerkRow | undefined): Actor {
  return clerk ? { type: 'clerk', id: String(clerk.id), channel: 'web' } : { type: 'unknown', id: `name:${attempt.name.slice(0, 80)}`, channel: 'web' };
}

async function latest(executor: Executor, kind: string, field: 'name' | 'ip', value: string, extra = sql`1 = 1`): Promise<string | undefined> {
  const row = await firstRow(
    executor
      .select({ createdAt: ticketEvents.createdAt })
      .from(ticketEvents)
      .where(and(isNull(ticketEvents.ticketId), eq(ticketEvents.kind, kind), sql`${detailField(executor, field)} = ${value}`, extra))
      .orderBy(desc(ticketEvents.id))
      .limit(1),
  );
  return row?.createdAt;
}

/** A lock still running for this name or this address, the one lasting longest. */
export async function activeLockout(executor: Executor, attempt: LoginAttempt, now: Date): Promise<Lockout | undefined> {
  const rows = await executor
    .select({ detail: ticketEvents.detail })
    .from(ticketEvents)
    .where(
      and(
        isNull(ticketEvents.ticketId),
        eq(ticketEvents.kind, loginEventKinds.lockedOut),
        sql`${detailField(executor, 'until')} > ${now.toISOString()}`,
        sql`((${detailField(executor, 'scope')} = 'name' and ${detailField(executor, 'name')} = ${attempt.name}) or (${detailField(executor, 'scope')} = 'ip' and ${detailField(executor, 'ip')} = ${attempt.ip}))`,
      ),
    );
  let longest: Lockout | undefined;
  for (const row of rows) {
    const detail = row.detail as { scope?: string; until?: string } | null;
    if (!detail?.until || (detail.scope !== 'name' && detail.scope !== 'ip')) continue;
    const until = new Date(detail.until);
    if (!longest || until > longest.until) longest = { scope: detail.scope, until };
  }
  return longest;
}

async function failuresSince(executor: Executor, field: 'name' | 'ip', value: string, now: Date): Promise<number> {
  // Counting restarts after a successful login and after a lock (so a lock is not re-armed by old failures).
  const since = [
    new Date(now.getTime() - loginLimits.windowMs).toISOString(),
    await latest(executor, loginEventKinds.succeeded, field, value),
    await latest(executor, loginEventKinds.lockedOut, field, value, sql`${detailField(executor, 'scope')} = ${field}`),
  ]
    .filter((value): value is string => value !== undefined)
    .sort()
    .at(-1) as string;
  const failures = await firstRow(
    executor
      .select({ count: count() })
      .from(ticketEvents)
      .where(and(isNull(ticketEvents.ticketId), eq(ticketEvents.kind, loginEventKinds.failed), gt(ticketEvents.createdAt, since), sql`${detailField(executor, field)} = ${value}`)),
  );
  return failures?.count ?? 0;
}

/** Records a wrong password; locks the name and/or the address when this failure reaches a limit. */
export async function recordFailedLogin(executor: Executor, attempt: LoginAttempt, clerk: ClerkRow | undefined, now: Date): Promise<Lockout | undefined> {
  // In turn with the reservations (see LoginReservations.reserve).
  await lockJob(executor, 'admin-login');
  const actor = actorOf(attempt, clerk);
  await recordEvent(executor, null, loginEventKinds.failed, actor, now, { name: attempt.name, ip: attempt.ip, userAgent: attempt.userAgent?.slice(0, 200), known: Boolean(clerk) });
  const until = new Date(now.getTime() + loginLimits.lockMs);
  let lockout: Lockout | undefined;
  const byName = await failuresSince(executor, 'name', attempt.name, now);
  if (byName >= loginLimits.failuresPerName) {
    await recordEvent(executor, null, loginEventKinds.lockedOut, actor, now, { scope: 'name', name: attempt.name, ip: attempt.ip, until: until.toISOString(), failures: byName });
    lockout = { scope: 'name', until };
  }
  const byAddress = await failuresSince(executor, 'ip', attempt.ip, now);
  if (byAddress >= loginLimits.failuresPerAddress) {
    await recordEvent(executor, null, loginEventKinds.lockedOut, actor, now, { scope: 'ip', name: attempt.name, ip: attempt.ip, until: until.toISOString(), failures: byAddress });
    lockout = { scope: 'ip', until };
  }
  return lockout;
}

/** Why an attempt was refused before its password was even looked at. */
export type LoginRefusal = { reason: 'locked'; lockout: Lockout } | { reason: 'checking'; scope: 'name' | 'ip' };

export interface LoginReservation {
  /**
   * Frees the place; call once the transaction that records the outcome (success or failure) has committed.
   * Freed earlier, a reservation running meanwhile outside the SQLite lock (PostgreSQL does not queue
   * transactions) would count neither the place nor the uncommitted failure. Idempotent.
   */
  release(): void;
}

/**
 * The lockout is decided before the slow password hash, not after it. Counting only finished failures let
 * a parallel burst pass the check together while every hash was still running (14 wrong passwords all
 * evaluated against a limit of 5, and a right one at the end signed in). So an attempt first takes a place
 * — per name and per address — in the same step that checks the lock and counts the recorded failures: a
 * transaction (reservations queue behind each other and behind the recording of outcomes), whose places are
 * read and taken synchronously after its queries. Failures + attempts being checked never exceed the limit,
 * and what does not get a place is refused without being evaluated. Places live in this process (one
 * bot-core serves the inbox of an SQLite installation); with several instances behind a proxy, a burst
 * spread across them is bounded by instances × limit, and the audit trail still locks all of them once the
 * failures are recorded.
 */
export class LoginReservations {
  private readonly checkingByName = new Map<string, number>();
  private readonly checkingByAddress = new Map<string, number>();

  /** How many attempts are being checked right now (for tests and diagnostics). */
  get checking(): number {
    let total = 0;
    for (const count of this.checkingByName.values()) total += count;
    return total;
  }

  /**
   * Must run in a transaction: other reservations, and the failures recorded in transactions, wait for it,
   * so the failures counted here are all those whose places were already given back.
   */
  async reserve(transaction: Executor, attempt: LoginAttempt, now: Date): Promise<{ reservation: LoginReservation } | { refusal: LoginRefusal }> {
    // PostgreSQL does not queue transactions as SQLite does: without this lock a failure could commit, and
    // its place be given back, between reading the failures below and counting the places (the fresh-clone
    // run saw a burst's right password sign in). Held until this transaction ends.
    await lockJob(transaction, 'admin-login');
    const lockout = await activeLockout(transaction, attempt, now);
    if (lockout) return { refusal: { reason: 'locked', lockout } };
    const failuresByName = await failuresSince(transaction, 'name', attempt.name, now);
    const failuresByAddress = await failuresSince(transaction, 'ip', attempt.ip, now);
    // From here to the increments nothing is awaited: a place released meanwhile (synchronously, by a
    // request outside the transaction) cannot fall between reading a count and writing it back.
    const checkingName = this.checkingByName.get(attempt.name) ?? 0;
    if (failuresByName + checkingName >= loginLimits.failuresPerName) return { refusal: { reason: 'checking', scope: 'name' } };
    const checkingAddress = this.checkingByAddress.get(attempt.ip) ?? 0;
    if (failuresByAddress + checkingAddress >= loginLimits.failuresPerAddress) return { refusal: { reason: 'checking', scope: 'ip' } };
    this.checkingByName.set(attempt.name, checkingName + 1);
    this.checkingByAddress.set(attempt.ip, checkingAddress + 1);
    let released = false;
    return {
      reservation: {
        release: () => {
          if (released) return;
          released = true;
          decrement(this.checkingByName, attempt.name);
          decrement(this.checkingByAddress, attempt.ip);
        },
      },
    };
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const count = (counts.get(key) ?? 0) - 1;
  // Forgotten at zero, so the maps hold only attempts in flight, not every name ever tried.
  if (count <= 0) counts.delete(key);
  else counts.set(key, count);
}

export async function recordRefusedWhileChecking(executor: Executor, attempt: LoginAttempt, clerk: ClerkRow | undefined, scope: 'name' | 'ip', now: Date): Promise<void> {
  await recordEvent(executor, null, loginEventKinds.refusedWhileChecking, actorOf(attempt, clerk), now, { name: attempt.name, ip: attempt.ip, scope });
}

export async function recordRefusedWhileLocked(executor: Executor, attempt: LoginAttempt, clerk: ClerkRow | undefined, lockout: Lockout, now: Date): Promise<void> {
  await recordEvent(executor, null, loginEventKinds.refusedWhileLocked, actorOf(attempt, clerk), now, { name: attempt.name, ip: attempt.ip, scope: lockout.scope, until: lockout.until.toISOString() });
}

export async function recordSuccessfulLogin(executor: Executor, attempt: LoginAttempt, clerk: ClerkRow, now: Date): Promise<void> {
  await recordEvent(executor, null, loginEventKinds.succeeded, actorOf(attempt, clerk), now, { name: attempt.name, ip: attempt.ip, userAgent: attempt.userAgent?.slice(0, 200) });
}

export async function recordLogout(executor: Executor, clerk: ClerkRow, ip: string, now: Date): Promise<void> {
  await recordEvent(executor, null, loginEventKinds.loggedOut, { type: 'clerk', id: String(clerk.id), channel: 'web' }, now, { name: clerk.name, ip });
}
