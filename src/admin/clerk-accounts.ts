import { eq } from 'drizzle-orm';
import type { Database, Executor } from '../database/connection.ts';
import { inTransaction } from '../database/connection.ts';
import { adminSessions, clerks, type ClerkRow } from '../database/schema.ts';
import { AppError, NotFoundError, ValidationError } from '../errors.ts';
import { listClerks } from '../tickets/clerk-directory.ts';
import { hashPassword, passwordProblem } from './password-hashing.ts';

/** Login names are compared without case or surrounding spaces: "ana pop" is Ana Pop. */
export function loginKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('ro');
}

export async function findClerkByLoginName(executor: Executor, name: string): Promise<ClerkRow | undefined> {
  const key = loginKey(name);
  return (await listClerks(executor)).find((clerk) => clerk.active && loginKey(clerk.name) === key);
}

export class WeakPasswordError extends ValidationError {
  constructor(problem: string) {
    super('FV_ERR_WEAK_PASSWORD', problem);
  }
}

/**
 * Stores a new password for a clerk and signs out every open session of theirs: a password is changed
 * because it leaked or the person left, and neither should keep a browser signed in.
 */
export async function setClerkPassword(database: Database, name: string, password: string): Promise<ClerkRow> {
  const problem = passwordProblem(password);
  if (problem) throw new WeakPasswordError(problem);
  const clerk = await findClerkByLoginName(database, name);
  if (!clerk) throw new NotFoundError('FV_ERR_CLERK_NOT_FOUND', `No active clerk named "${name}"; add one with \`functionar clerks add\``);
  const passwordHash = await hashPassword(password);
  return inTransaction(database, async (transaction) => {
    await transaction.delete(adminSessions).where(eq(adminSessions.clerkId, clerk.id));
    const [updated] = await transaction.update(clerks).set({ passwordHash }).where(eq(clerks.id, clerk.id)).returning();
    if (!updated) throw new AppError('FV_ERR_CLERK_NOT_FOUND', `Clerk "${name}" disappeared while the password was set`, 404);
    return updated;
  });
}
