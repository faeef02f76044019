import { and, eq } from 'drizzle-orm';
import type { Database } from '../../src/database/connection.ts';
import { processedUpdates } from '../../src/database/schema.ts';
import { teamsChannelId } from './conversation-references.ts';

// Teams redelivers an activity when our answer was slow or lost; a clerk's command must run once.
// Activity ids are unique within a conversation, so the pair is the key.

function keyOf(conversationId: string, activityId: string): string {
  return `${conversationId}|${activityId}`;
}

/** Records that an activity is being handled; false when it already was (a redelivery). */
export function claimActivity(database: Database, conversationId: string, activityId: string): boolean {
  const inserted = database
    .insert(processedUpdates)
    .values({ channel: teamsChannelId, externalId: keyOf(conversationId, activityId) })
    .onConflictDoNothing({ target: [processedUpdates.channel, processedUpdates.externalId] })
    .returning()
    .get();
  return inserted !== undefined;
}

/** Forgets a claim whose handling failed before anything changed, so Teams' retry is handled. */
export function releaseActivity(database: Database, conversationId: string, activityId: string): void {
  database
    .delete(processedUpdates)
    .where(and(eq(processedUpdates.channel, teamsChannelId), eq(processedUpdates.externalId, keyOf(conversationId, activityId))))
    .run();
}
