import { is, sql } from 'drizzle-orm';
import { PgDatabase } from 'drizzle-orm/pg-core';
import type { DatabaseHandle, Executor } from './connection.ts';

// Scheduled jobs that every instance runs on its own clock (the deadline digest, the retention run) must
// do their work once across instances. The job takes its lock inside its own transaction; the lock goes
// with the commit or rollback, so a crashed instance never leaves it held. The job still keeps its own
// record of what it did (the digest's digest_sent event, retention's cutoff), so an instance that runs
// after another one finished finds the work done and skips it. On SQLite there is nothing to take: a
// transaction there is BEGIN IMMEDIATE, which already admits one writer at a time.

/**
 * The jobs that lock; each is one PostgreSQL advisory lock (key pair: jobLockSpace, number). `admin-login`
 * is not a scheduled job: it makes the login throttle's check and the recording of an outcome take turns
 * (src/admin/login-throttle.ts), which SQLite's one writer already does.
 */
const jobNumbers = { 'deadline-digest': 1, retention: 2, 'knowledge-ingest': 3, 'admin-login': 4 } as const;
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

/**
 * Runs `work` while holding the job's lock on a connection of its own, for work that talks to something
 * else than the database meanwhile (the knowledge ingest writes to the shared Chroma): a transaction must
 * not stay open over it. The lock is PostgreSQL's session lock, released when the work ends or when the
 * instance dies (its connection closes). On SQLite the work just runs.
 */
export async function whileHoldingJobLock<T>(handle: DatabaseHandle, job: LockedJob, work: () => Promise<T>): Promise<T> {
  if (handle.engine !== 'postgres') return work();
  const client = await handle.pool.connect();
  try {
    await client.query('select pg_advisory_lock($1, $2)', [jobLockSpace, jobNumbers[job]]);
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock($1, $2)', [jobLockSpace, jobNumbers[job]]);
    }
  } finally {
    client.release();
  }
}
