import { and, eq } from 'drizzle-orm';
import { firstRow, type Executor } from '../database/connection.ts';
import { processedUpdates } from '../database/schema.ts';

// The one claim mechanism for what a channel delivers outside the conversation pipeline (a clerk's
// command, a notice answered once): the messages table de-duplicates citizens' messages, this the rest.
// A platform redelivers when our answer was slow or lost; the claim makes the work run once, also across
// a restart.

/** Records that an update is handled; false when it already was (a redelivery). */
export async function claimUpdate(executor: Executor, channel: string, externalId: string): Promise<boolean> {
  const inserted = await firstRow(
    executor
      .insert(processedUpdates)
      .values({ channel, externalId })
      .onConflictDoNothing({ target: [processedUpdates.channel, processedUpdates.externalId] })
      .returning(),
  );
  return inserted !== undefined;
}

/** Forgets a claim whose work failed before anything changed, so the platform's redelivery is handled. */
export async function releaseUpdate(executor: Executor, channel: string, externalId: string): Promise<void> {
  await executor.delete(processedUpdates).where(and(eq(processedUpdates.channel, channel), eq(processedUpdates.externalId, externalId)));
}
