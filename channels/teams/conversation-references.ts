import type { ConversationReference } from 'botbuilder';
import type { ChannelStateStore } from '../../src/gateway/channel-state-store.ts';

// A bot can write to a Teams conversation on its own only with a conversation reference (service URL,
// conversation id, tenant) taken from an activity Teams sent. They are staff's, not citizens': kept in
// the channel's own state store under "conversation:<key>", a clerk's personal chat with the bot keyed
// by the clerk's AAD object id (as registered with `clerks add --teams`), a team channel by its id
// (19:…@thread.tacv2), a group chat by its conversation id.

export const teamsChannelId = 'teams';

export type TeamsConversationKind = 'clerk' | 'channel' | 'group';

export interface StoredConversation {
  kind: TeamsConversationKind;
  conversationReference: Partial<ConversationReference>;
  /** The team's name for a channel, when Teams told it. */
  teamName?: string;
  /** The clerk's or the channel's name, for `functionar teams conversations`. */
  displayName?: string;
}

export interface KnownConversation extends StoredConversation {
  key: string;
  displayName?: string;
  lastSeenAt: string;
}

const prefix = 'conversation:';

/** The state key of a conversation: the deadline digest reads a clerk's personal chat under this key too. */
export function conversationStateKey(key: string): string {
  return `${prefix}${key}`;
}

function usable(stored: StoredConversation | undefined): StoredConversation | undefined {
  const reference = stored?.conversationReference;
  return reference?.serviceUrl && reference.conversation?.id ? stored : undefined;
}

export async function rememberConversation(state: ChannelStateStore, key: string, stored: StoredConversation, now: Date): Promise<void> {
  const previous = await state.get<StoredConversation>(conversationStateKey(key));
  await state.set(conversationStateKey(key), { ...stored, displayName: stored.displayName ?? previous?.displayName }, { now });
}

export async function findConversation(state: ChannelStateStore, key: string): Promise<StoredConversation | undefined> {
  return usable(await state.get<StoredConversation>(conversationStateKey(key)));
}

/** Every conversation the bot has seen, most recently seen first. */
export async function knownConversations(state: ChannelStateStore): Promise<KnownConversation[]> {
  return (await state.entries<StoredConversation>(prefix)).flatMap((entry) => {
    const stored = usable(entry.value);
    return stored ? [{ ...stored, key: entry.key.slice(prefix.length), lastSeenAt: entry.updatedAt }] : [];
  });
}

/** The most recently seen conversation of a kind: its service URL and tenant serve to reach another one. */
export async function latestConversation(state: ChannelStateStore, kind?: TeamsConversationKind): Promise<StoredConversation | undefined> {
  return (await knownConversations(state)).find((conversation) => kind === undefined || conversation.kind === kind);
}
