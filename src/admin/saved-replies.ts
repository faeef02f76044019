import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../database/connection.ts';
import { savedReplies, type SavedReplyRow } from '../database/schema.ts';
import type { Language } from '../language.ts';

// Saved replies: canned answers clerks keep per department ('' = every department) and language, picked
// in the ticket page's reply box. Managed at /admin/replies; none are shipped, each town hall writes its own.

export const savedReplyTitleMaximumLength = 120;

export function listSavedReplies(executor: Executor): SavedReplyRow[] {
  return executor.select().from(savedReplies).orderBy(asc(savedReplies.language), asc(savedReplies.department), asc(savedReplies.title)).all();
}

export function findSavedReply(executor: Executor, id: number): SavedReplyRow | undefined {
  return executor.select().from(savedReplies).where(eq(savedReplies.id, id)).get();
}

export function addSavedReply(executor: Executor, reply: { department: string; language: Language; title: string; text: string }): SavedReplyRow {
  return executor.insert(savedReplies).values(reply).returning().get();
}

export function deleteSavedReply(executor: Executor, id: number): boolean {
  return executor.delete(savedReplies).where(eq(savedReplies.id, id)).run().changes > 0;
}

/**
 * The saved replies for a ticket, split in two: those in the citizen's language for the ticket's
 * department (or every department) first — the ones the clerk should pick — then all the others.
 */
export function savedRepliesFor(executor: Executor, department: string, language: Language): { suggested: SavedReplyRow[]; others: SavedReplyRow[] } {
  const all = listSavedReplies(executor);
  const fits = (reply: SavedReplyRow) => reply.language === language && (reply.department === '' || reply.department === department);
  return { suggested: all.filter(fits), others: all.filter((reply) => !fits(reply)) };
}
