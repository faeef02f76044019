import { asc, eq } from 'drizzle-orm';
import { firstRow, returnedRow, type Executor } from '../database/connection.ts';
import { savedReplies, type SavedReplyRow } from '../database/schema.ts';
import type { Language } from '../language.ts';

// Saved replies: canned answers clerks keep per department ('' = every department) and language, picked
// in the ticket page's reply box. Managed at /admin/replies; none are shipped, each town hall writes its own.

export const savedReplyTitleMaximumLength = 120;

export async function listSavedReplies(executor: Executor): Promise<SavedReplyRow[]> {
  return executor.select().from(savedReplies).orderBy(asc(savedReplies.language), asc(savedReplies.department), asc(savedReplies.title), asc(savedReplies.id));
}

export function findSavedReply(executor: Executor, id: number): Promise<SavedReplyRow | undefined> {
  return firstRow(executor.select().from(savedReplies).where(eq(savedReplies.id, id)));
}

export function addSavedReply(executor: Executor, reply: { department: string; language: Language; title: string; text: string }): Promise<SavedReplyRow> {
  return returnedRow(executor.insert(savedReplies).values(reply).returning());
}

export async function deleteSavedReply(executor: Executor, id: number): Promise<boolean> {
  const deleted = await executor.delete(savedReplies).where(eq(savedReplies.id, id)).returning({ id: savedReplies.id });
  return deleted.length > 0;
}

/**
 * The saved replies for a ticket, split in two: those in the citizen's language for the ticket's
 * department (or every department) first — the ones the clerk should pick — then all the others.
 */
export async function savedRepliesFor(executor: Executor, department: string, language: Language): Promise<{ suggested: SavedReplyRow[]; others: SavedReplyRow[] }> {
  const all = await listSavedReplies(executor);
  const fits = (reply: SavedReplyRow) => reply.language === language && (reply.department === '' || reply.department === department);
  return { suggested: all.filter(fits), others: all.filter((reply) => !fits(reply)) };
}
