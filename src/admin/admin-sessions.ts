import { createHash, randomBytes } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import { firstRow, returnedRow, type Executor } from '../database/connection.ts';
import { adminSessions, clerks, type AdminSessionRow, type ClerkRow } from '../database/schema.ts';
import { isDistinctFrom } from '../database/sql-dialect.ts';
import { safeEqual } from '../security/constant-time.ts';

/** A working day and a bit; then the clerk signs in again. */
export const sessionLifetimeMs = 12 * 60 * 60_000;
/** A tablet left open at the counter signs itself out after this long without use. */
export const sessionIdleMs = 2 * 60 * 60_000;
/** Writing `lastSeenAt` on every page would be a write per click; once a minute is precise enough. */
const touchIntervalMs = 60_000;

export interface SignedInClerk {
  session: AdminSessionRow;
  clerk: ClerkRow;
}

export type Flash = NonNullable<AdminSessionRow['flash']>;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A form's CSRF token against the session's, through the one constant-time comparison of secrets. */
export function tokensMatch(expected: string, received: string | undefined): boolean {
  return safeEqual(received, expected);
}

/** Creates a session; returns the token for the cookie (only its hash is stored). */
export async function createSession(
  executor: Executor,
  clerk: ClerkRow,
  details: { ip: string; userAgent?: string },
  now: Date,
): Promise<{ token: string; session: AdminSessionRow }> {
  await executor.delete(adminSessions).where(lt(adminSessions.expiresAt, now.toISOString()));
  const token = randomToken();
  const session = await returnedRow(
    executor
      .insert(adminSessions)
      .values({
        tokenHash: hashToken(token),
        clerkId: clerk.id,
        csrfToken: randomToken(),
        ip: details.ip,
        userAgent: details.userAgent?.slice(0, 300),
        createdAt: now.toISOString(),
        lastSeenAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + sessionLifetimeMs).toISOString(),
      })
      .returning(),
  );
  return { token, session };
}

/** The signed-in clerk of a cookie token, or undefined when the session is unknown, expired, idle or the clerk inactive. */
export async function findSession(executor: Executor, token: string | undefined, now: Date): Promise<SignedInClerk | undefined> {
  if (!token || token.length > 200) return undefined;
  const row = await firstRow(
    executor
      .select({ session: adminSessions, clerk: clerks })
      .from(adminSessions)
      .innerJoin(clerks, eq(adminSessions.clerkId, clerks.id))
      .where(eq(adminSessions.tokenHash, hashToken(token))),
  );
  if (!row) return undefined;
  const idleSince = new Date(row.session.lastSeenAt).getTime();
  if (row.session.expiresAt <= now.toISOString() || now.getTime() - idleSince > sessionIdleMs || !row.clerk.active) {
    await executor.delete(adminSessions).where(eq(adminSessions.id, row.session.id));
    return undefined;
  }
  if (now.getTime() - idleSince > touchIntervalMs) {
    await executor.update(adminSessions).set({ lastSeenAt: now.toISOString() }).where(eq(adminSessions.id, row.session.id));
  }
  return row;
}

export async function destroySession(executor: Executor, sessionId: number): Promise<void> {
  await executor.delete(adminSessions).where(eq(adminSessions.id, sessionId));
}

export async function setFlash(executor: Executor, sessionId: number, flash: Flash): Promise<void> {
  await executor.update(adminSessions).set({ flash }).where(eq(adminSessions.id, sessionId));
}

/** The one-time message of the session, cleared as it is read. */
export async function takeFlash(executor: Executor, session: AdminSessionRow): Promise<Flash | undefined> {
  if (!session.flash) return undefined;
  await executor.update(adminSessions).set({ flash: null }).where(eq(adminSessions.id, session.id));
  return session.flash;
}

/**
 * Marks a form submission as handled; false when this session already handled the same submission id
 * (a double click or a resent POST), so the reply is not sent to the citizen twice.
 */
export async function claimSubmission(executor: Executor, sessionId: number, submissionId: string): Promise<boolean> {
  const claimed = await executor
    .update(adminSessions)
    .set({ lastSubmissionId: submissionId })
    // IS DISTINCT FROM treats a NULL (no submission yet) as different, unlike `!=`.
    .where(and(eq(adminSessions.id, sessionId), isDistinctFrom(executor, adminSessions.lastSubmissionId, submissionId)))
    .returning({ id: adminSessions.id });
  return claimed.length > 0;
}

