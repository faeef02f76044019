import type { ConversationService, ReceiveOptions, ReceiveResult } from '../conversation/conversation-service.ts';
import { currentConversation, insertInboundMessage, markProcessed, storeReplyAndEnqueue, upsertContact } from '../conversation/conversation-store.ts';
import { inTransaction, type Database } from '../database/connection.ts';
import { isLanguage, type Language } from '../language.ts';
import type { Logger } from '../logger.ts';
import type { InboundMessage, MessagePart } from '../messages.ts';
import { enqueue } from '../outbox/outbox-store.ts';
import { isClerkCommandText } from '../tickets/clerk-command-parser.ts';
import type { ClerkCommandOutcome, ClerkCommandRunner } from '../tickets/clerk-command-runner.ts';
import type { ClerkIdentityChannel } from '../tickets/clerk-directory.ts';
import type { ClerkRow } from '../database/schema.ts';
import { ChannelRecords } from './channel-records.ts';
import { claimUpdate, releaseUpdate } from './update-claims.ts';

// The core's door for every channel. An adapter translates a platform's payload into an InboundMessage
// and hands it here; the gateway de-duplicates it, tells a clerk's command from a citizen's message,
// gives the fixed answers, runs the pipeline and queues what is said back. No adapter touches storage.

/** Where something the core says goes: the person's id on the channel and what must round-trip to reach them. */
export interface Recipient {
  recipient: string;
  channelData?: Record<string, unknown> | null;
}

/** The identity a channel knows a clerk by (registered with `clerks add --telegram/--teams/--whatsapp`). */
export interface ClerkSender {
  kind: ClerkIdentityChannel;
  value: string;
}

export interface AcceptOptions {
  /**
   * The sender as a clerk would be registered. A clerk command from a registered clerk then runs (once)
   * instead of the pipeline; a citizen typing a command goes to the pipeline, which refuses it.
   */
  clerk?: ClerkSender;
  /** Where a clerk command's answer goes; by default back to the sender. */
  clerkReply?: Recipient;
  /**
   * A fixed answer instead of the pipeline (a voice note, an unreadable message): stored as answered. On a
   * live ticket thread (a clerk wrote to this citizen) the message also joins the thread and the clerk is told.
   */
  fixedAnswer?: { intent: string; text: (language: Language) => string };
  /** Streaming and cancellation for channels that show the answer as it is written (web chat). */
  receive?: ReceiveOptions;
}

export interface InboundOutcome {
  /** What the core made of it. */
  route: 'citizen' | 'clerk' | 'fixed' | 'duplicate';
  /** Resolves once answered: the pipeline's result for a citizen, undefined otherwise. Rejects when answering failed. */
  answered: Promise<ReceiveResult | undefined>;
}

export interface GatewayDependencies {
  database: Database;
  logger: Logger;
  conversations: ConversationService;
  clerkCommands: ClerkCommandRunner;
  /** Called after something was queued, so the outbox sends it without waiting for its next poll. */
  onQueued: () => void;
}

export class InboundGateway {
  /** Read-only views of the records an adapter needs to translate (languages, sent messages, history). */
  readonly records: ChannelRecords;

  constructor(private readonly dependencies: GatewayDependencies) {
    this.records = new ChannelRecords(dependencies.database);
  }

  /**
   * Accepts one message. Resolves once it is stored (or known to be a redelivery), so a webhook may
   * acknowledge then; rejects when it could not be stored, so the platform delivers it again.
   */
  async accept(inbound: InboundMessage, options: AcceptOptions = {}): Promise<InboundOutcome> {
    if (options.clerk && isClerkCommandText(inbound.text) && (await this.identifyClerk(options.clerk))) {
      const outcome = await this.runClerkCommand({
        channel: inbound.channel,
        claimKey: inbound.externalId,
        clerk: options.clerk,
        text: inbound.text,
        replyTo: () => options.clerkReply ?? { recipient: inbound.sender.externalId, channelData: inbound.channelData },
      });
      return { route: outcome ? 'clerk' : 'duplicate', answered: Promise.resolve(undefined) };
    }
    if (options.fixedAnswer) {
      const queued = await this.storeWithFixedAnswer(inbound, options.fixedAnswer.intent, options.fixedAnswer.text);
      if (!queued) this.dependencies.logger.info({ channel: inbound.channel, externalId: inbound.externalId }, 'duplicate delivery: not answered again');
      return { route: queued ? 'fixed' : 'duplicate', answered: Promise.resolve(undefined) };
    }
    // Throws when storing failed: nothing was accepted, the caller lets the platform redeliver.
    const { stored, answered } = await this.dependencies.conversations.accept(inbound, options.receive);
    return { route: stored.message ? 'citizen' : 'duplicate', answered };
  }

  /** Whether this message was already accepted: a redelivery need not be downloaded or counted again. */
  alreadyAccepted(channel: string, externalId: string): Promise<boolean> {
    return this.records.hasInboundMessage(channel, externalId);
  }

  identifyClerk(clerk: ClerkSender): Promise<ClerkRow | undefined> {
    return this.dependencies.clerkCommands.identify(clerk);
  }

  /**
   * Runs a clerk's command at most once per `claimKey` (when the platform gives the update an id): the key is claimed first, so a redelivered update
   * never sends a clerk's reply to a citizen twice, and released when the command failed before changing
   * anything (each command is one transaction). The answer is queued to `replyTo` when it names someone.
   * Returns undefined for a redelivery.
   */
  async runClerkCommand(input: {
    channel: string;
    claimKey: string | undefined;
    clerk: ClerkSender;
    text: string;
    replyTo?: (outcome: ClerkCommandOutcome) => Recipient | undefined;
  }): Promise<ClerkCommandOutcome | undefined> {
    const { database, clerkCommands, logger } = this.dependencies;
    const claimKey = input.claimKey;
    if (claimKey !== undefined && !(await claimUpdate(database, input.channel, claimKey))) {
      logger.info({ channel: input.channel }, 'clerk command delivered again: not run again');
      return undefined;
    }
    let outcome: ClerkCommandOutcome;
    try {
      outcome = await clerkCommands.run({ kind: input.clerk.kind, value: input.clerk.value, channel: input.channel }, input.text);
    } catch (error) {
      if (claimKey !== undefined) await releaseUpdate(database, input.channel, claimKey);
      throw error;
    }
    const recipient = input.replyTo?.(outcome);
    if (recipient) await this.notify({ channel: input.channel, ...recipient, text: outcome.text, ticketId: outcome.ticket?.id });
    return outcome;
  }

  /**
   * A message the adapter itself has the bot say outside a conversation (a notice, "/id", a prompt).
   * With `claimKey`, said once per key: false when the key was already claimed (a redelivery).
   */
  async notify(input: Recipient & { channel: string; text: string; parts?: MessagePart[]; ticketId?: number; claimKey?: string }): Promise<boolean> {
    const { database } = this.dependencies;
    const queued = await inTransaction(database, async (transaction) => {
      if (input.claimKey !== undefined && !(await claimUpdate(transaction, input.channel, input.claimKey))) return false;
      await enqueue(
        transaction,
        {
          channel: input.channel,
          recipient: input.recipient,
          recipientChannelData: input.channelData ?? null,
          ticketId: input.ticketId,
          message: { author: 'bot', text: input.text, parts: input.parts ?? [] },
        },
        new Date(),
      );
      return true;
    });
    if (queued) this.dependencies.onQueued();
    return queued;
  }

  /** Claims work the adapter does itself once per key (an answer given in the platform's own turn). */
  claim(channel: string, key: string): Promise<boolean> {
    return claimUpdate(this.dependencies.database, channel, key);
  }

  release(channel: string, key: string): Promise<void> {
    return releaseUpdate(this.dependencies.database, channel, key);
  }

  /** The language to speak to someone in: their latest conversation's, else none known. */
  async languageOf(channel: string, externalId: string): Promise<Language | undefined> {
    const language = await this.records.languageOf(channel, externalId);
    return isLanguage(language) ? language : undefined;
  }

  /** Stores the message once, answered with a fixed text in the contact's language; false for a redelivery. */
  private async storeWithFixedAnswer(inbound: InboundMessage, intent: string, answer: (language: Language) => string): Promise<boolean> {
    const now = new Date();
    const queued = await inTransaction(this.dependencies.database, async (transaction) => {
      const contact = await upsertContact(
        transaction,
        { channel: inbound.channel, externalId: inbound.sender.externalId, displayName: inbound.sender.displayName, channelData: inbound.channelData },
        now,
      );
      const conversation = await currentConversation(transaction, contact, contact.language ?? 'ro', now);
      const message = await insertInboundMessage(
        transaction,
        { conversationId: conversation.id, contactId: contact.id, channel: inbound.channel, externalId: inbound.externalId, text: inbound.text, parts: inbound.parts },
        now,
      );
      if (!message) return false;
      // Marked answered in the same step, so a restart does not hand it to the pipeline.
      await markProcessed(transaction, message.id, intent, now);
      // A citizen a clerk wrote to about a live ticket: the clerk hears of it too (the thread, a notice).
      const thread = await this.dependencies.conversations.addFixedAnswerToThread(transaction, message, intent, now);
      const language = isLanguage(conversation.language) ? conversation.language : 'ro';
      await storeReplyAndEnqueue(
        transaction,
        { contact, conversationId: conversation.id, inReplyTo: message.id, intent, ticketId: thread.ticket?.id, message: { author: 'bot', text: answer(language), parts: [] } },
        now,
      );
      return true;
    });
    if (queued) this.dependencies.onQueued();
    return queued;
  }
}
