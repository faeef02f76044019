import fs from 'node:fs';
import path from 'node:path';
import { and, desc, eq } from 'drizzle-orm';
import { KeyedSequence } from '../../concurrency/keyed-sequence.ts';
import { firstRow, inTransaction, returnedRow, type Database } from '../../database/connection.ts';
import { knowledgeVersions, ticketEvents, type KnowledgeVersionRow } from '../../database/schema.ts';
import { AppError } from '../../errors.ts';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.ts';

// Publishing a knowledge file from the editor: the file on disk is written (it stays the source of
// truth), the version is kept in knowledge_versions (who, when, what), the publish is audited, and the
// running knowledge base reloads before the clerk sees the outcome. Unpublishing moves the file to
// .unpublished/ inside KNOWLEDGE_DIR, which the loader skips; a restore brings any kept version back.

export type KnowledgeAction = 'create' | 'publish' | 'restore' | 'unpublish' | 'disk';

export const unpublishedDirectory = '.unpublished';

export function unpublishedPath(file: string): string {
  return path.join(unpublishedDirectory, path.basename(file));
}

/** Only files inside the knowledge directory, never a path that climbs out of it. */
export function resolveKnowledgeFile(knowledgeDirectory: string, file: string): string {
  const absolute = path.resolve(knowledgeDirectory, file);
  if (!absolute.startsWith(path.resolve(knowledgeDirectory) + path.sep)) throw new AppError('FV_ERR_KNOWLEDGE_PATH', 'Not a knowledge file', 400);
  return absolute;
}

export function readKnowledgeFile(knowledgeDirectory: string, file: string): string | undefined {
  try {
    return fs.readFileSync(resolveKnowledgeFile(knowledgeDirectory, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Written beside the file under a hidden name, then renamed: the watcher and the loader never see half a file. */
function writeAtomically(absolute: string, content: string): void {
  fs.mkdirSync(path.dirname(absolute), { recursive: true });
  const temporary = path.join(path.dirname(absolute), `.${path.basename(absolute)}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, absolute);
}

export async function versionsOf(db: Database, file: string): Promise<KnowledgeVersionRow[]> {
  return db.select().from(knowledgeVersions).where(eq(knowledgeVersions.file, file)).orderBy(desc(knowledgeVersions.id));
}

export function findVersion(db: Database, file: string, id: number): Promise<KnowledgeVersionRow | undefined> {
  return firstRow(db.select().from(knowledgeVersions).where(and(eq(knowledgeVersions.file, file), eq(knowledgeVersions.id, id))));
}

export interface PublishRequest {
  file: string;
  /** The new content; '' with action unpublish. */
  content: string;
  action: Exclude<KnowledgeAction, 'disk'>;
  summary: string;
  clerkId: number;
}

/**
 * The editor's file change and its version, and the recording of a change seen on disk, take turns: a
 * change seen on disk is then read and compared with a history that already holds the editor's own version
 * (unpublishing moves the file away; read in between, it looked deleted by hand).
 */
const knowledgeWrites = new KeyedSequence<'knowledge'>();
const inTurn = <Result>(work: () => Promise<Result>): Promise<Result> => knowledgeWrites.run('knowledge', work);

export async function publishKnowledgeFile(db: Database, knowledge: KnowledgeBase, request: PublishRequest, now: Date): Promise<KnowledgeVersionRow> {
  const version = await inTurn(() => writeAndRecord(db, knowledge, request, now));
  await knowledge.reload('editor', [request.file]);
  return version;
}

async function writeAndRecord(db: Database, knowledge: KnowledgeBase, request: PublishRequest, now: Date): Promise<KnowledgeVersionRow> {
  const directory = knowledge.knowledgeDirectory();
  const absolute = resolveKnowledgeFile(directory, request.file);
  const hidden = resolveKnowledgeFile(directory, unpublishedPath(request.file));
  const previous = readKnowledgeFile(directory, request.file) ?? readKnowledgeFile(directory, unpublishedPath(request.file));
  if (request.action === 'unpublish') {
    if (!fs.existsSync(absolute)) throw new AppError('FV_ERR_NOT_PUBLISHED', 'The file is not published', 409);
    fs.mkdirSync(path.dirname(hidden), { recursive: true });
    fs.renameSync(absolute, hidden);
  } else {
    writeAtomically(absolute, request.content);
    if (fs.existsSync(hidden)) fs.rmSync(hidden);
  }
  return inTransaction(db, async (transaction) => {
    // The first publish of a hand-written file keeps what was there, so it can be restored.
    const hasHistory = await firstRow(transaction.select({ id: knowledgeVersions.id }).from(knowledgeVersions).where(eq(knowledgeVersions.file, request.file)).limit(1));
    if (!hasHistory && previous !== undefined) {
      await transaction
        .insert(knowledgeVersions)
        .values({ file: request.file, content: previous, action: 'disk', summary: 'versiunea de pe disc dinaintea primei publicări din editor', publishedAt: new Date(now.getTime() - 1).toISOString() });
    }
    const row = await returnedRow(
      transaction
        .insert(knowledgeVersions)
        .values({ file: request.file, content: request.content, action: request.action, summary: request.summary || null, publishedByClerkId: request.clerkId, publishedAt: now.toISOString() })
        .returning(),
    );
    await transaction.insert(ticketEvents).values({
      ticketId: null,
      kind: 'knowledge_published',
      actorType: 'clerk',
      actorId: String(request.clerkId),
      channel: 'web',
      detail: { file: request.file, action: request.action, versionId: row.id, summary: request.summary },
      createdAt: now.toISOString(),
    });
    return row;
  });
}

/**
 * A file changed by hand on the server: its content becomes a `disk` version (unless it is what the
 * editor itself just published), so the history stays complete and the change can be undone. In its turn
 * with the editor's publishing, the files are read and the transaction starts with nothing awaited between;
 * the versions appear when it commits, a moment after the reload was announced.
 */
export function recordDiskChanges(db: Database, knowledgeDirectory: string, files: readonly string[], now: Date): Promise<void> {
  return inTurn(() => recordDiskVersions(db, knowledgeDirectory, files, now));
}

function recordDiskVersions(db: Database, knowledgeDirectory: string, files: readonly string[], now: Date): Promise<void> {
  const changed = files
    .filter((file) => !file.split(/[\\/]/).some((segment) => segment.startsWith('.')))
    .map((file) => ({ file, content: readKnowledgeFile(knowledgeDirectory, file) ?? '' }));
  return inTransaction(db, async (transaction) => {
    for (const { file, content } of changed) {
      const latest = await firstRow(transaction.select().from(knowledgeVersions).where(eq(knowledgeVersions.file, file)).orderBy(desc(knowledgeVersions.id)).limit(1));
      if (latest?.content === content) continue;
      if (latest === undefined && content === '') continue;
      await transaction.insert(knowledgeVersions).values({ file, content, action: 'disk', summary: content === '' ? 'fișier șters pe disc' : 'modificat pe disc', publishedAt: now.toISOString() });
    }
  });
}

/** Lines removed and added between two versions (a plain longest-common-subsequence diff). */
export function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const left = before.split('\n');
  const right = after.split('\n');
  const lengths: number[][] = Array.from({ length: left.length + 1 }, () => new Array<number>(right.length + 1).fill(0));
  for (let i = left.length - 1; i >= 0; i--) {
    for (let j = right.length - 1; j >= 0; j--) lengths[i]![j] = left[i] === right[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  }
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (left[i] === right[j]) {
      i++;
      j++;
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) removed.push(left[i++]!);
    else added.push(right[j++]!);
  }
  removed.push(...left.slice(i));
  added.push(...right.slice(j));
  return { removed: removed.filter((line) => line.trim() !== ''), added: added.filter((line) => line.trim() !== '') };
}
