import { is, sql } from 'drizzle-orm';
import { PgDatabase } from 'drizzle-orm/pg-core';
import type { Executor } from './connection.ts';

// Scheduled jobs that every instance runs on its own clock (the deadline digest, the retention run) must
// do their work once across instances. The job takes its lock inside its own transaction; the lock goes
// with the commit or rollback, so a crashed instance never leaves it held. The job still keeps its own
// record of what it did (the digest's digest_sent event, retention's cutoff), so an instance that runs
// after another one finished finds the work done and skips it. On SQLite there is nothing to take: a
// transaction there is BEGIN IMMEDIATE, which already admits one writer at a time.

/** The jobs that lock; each is one PostgreSQL advisory lock (key pair: jobLockSpace, number). */
const jobNumbers = { 'deadline-digest': 1, retention: 2 } as const;
export type LockedJob = keyof typeof jobNumbers;

/** The first key of every job lock ("FV"), so they stay apart from other advisory locks (the migrations' single key). */
const jobLockSpace = 0x4656;

/**
 * Waits for the job's lock and holds it until `transaction` ends. Waiting rather than skipping: if the
 * holder rolls back, the waiter still does the work; if it commits, the waiter reads its record (READ
 * COMMITTED: each statement after the lock sees the holder's commit) and skips.
 */
export async function lockJob(transaction: Executor, job: LockedJob): Promise<void> {
  if (!is(transaction, PgDatabase)) return;
  await transaction.execute(sql`select pg_advisory_xact_lock(${jobLockSpace}, ${jobNumbers[job]})`);
}
