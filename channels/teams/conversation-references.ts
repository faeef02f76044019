import { desc, eq } from 'drizzle-orm';
import type { ConversationReference } from 'botbuilder';
import type { Executor } from '../../src/database/connection.ts';
import { findContact, upsertContact } from '../../src/conversation/conversation-store.ts';
import { contacts } from '../../src/database/schema.ts';

// A bot can write to a Teams conversation on its own only with a conversation reference (service URL,
// conversation id, tenant) taken from an activity Teams sent. They are kept on `contacts` rows of the
// channel "teams", marked with what they are: a clerk's personal chat with the bot (keyed by the clerk's
// AAD object id, as registered with `clerks add --teams`) or a team channel (keyed by its id,
// 19:…@thread.tacv2). Citizens never write on Teams, so these rows are staff, not citizens.

export const teamsChannelId = 'teams';

export type TeamsConversationKind = 'clerk' | 'channel' | 'group';

export interface StoredConversation {
  kind: TeamsConversationKind;
  conversationReference: Partial<ConversationReference>;
  /** The team's name for a channel, when Teams told it. */
  teamName?: string;
}

export interface KnownConversation extends StoredConversation {
  key: string;
  displayName: string | null;
  lastSeenAt: string | null;
}

function storedConversationOf(channelData: Record<string, unknown> | null | undefined): StoredConversation | undefined {
  const reference = channelData?.conversationReference as Partial<ConversationReference> | undefined;
  if (!reference?.serviceUrl || !reference.conversation?.id) return undefined;
  return { kind: (channelData?.kind as TeamsConversationKind | undefined) ?? 'group', conversationReference: reference, teamName: channelData?.teamName as string | undefined };
}

export function rememberConversation(executor: Executor, key: string, stored: StoredConversation, displayName: string | undefined, now: Date): void {
  upsertContact(
    executor,
    {
      channel: teamsChannelId,
      externalId: key,
      displayName,
      channelData: { kind: stored.kind, conversationReference: stored.conversationReference, ...(stored.teamName ? { teamName: stored.teamName } : {}) },
    },
    now,
  );
}

export function findConversation(executor: Executor, key: string): StoredConversation | undefined {
  return storedConversationOf(findContact(executor, teamsChannelId, key)?.channelData);
}

export function knownConversations(executor: Executor): KnownConversation[] {
  return executor
    .select()
    .from(contacts)
    .where(eq(contacts.channel, teamsChannelId))
    .orderBy(desc(contacts.lastSeenAt))
    .all()
    .flatMap((row) => {
      const stored = storedConversationOf(row.channelData);
      return stored ? [{ ...stored, key: row.externalId, displayName: row.displayName, lastSeenAt: row.lastSeenAt }] : [];
    });
}

/** The most recently seen conversation of a kind: its service URL and tenant serve to reach another one. */
export function latestConversation(executor: Executor, kind?: TeamsConversationKind): StoredConversation | undefined {
  return knownConversations(executor).find((conversation) => kind === undefined || conversation.kind === kind);
}
