import { eq } from 'drizzle-orm';
import type { ChannelContext } from '../../src/gateway/channel-contract.ts';
import {
  currentConversation,
  findInboundMessage,
  insertInboundMessage,
  insertOutboundMessage,
  markProcessed,
  upsertContact,
} from '../../src/conversation/conversation-store.ts';
import { inTransaction, type Executor } from '../../src/database/connection.ts';
import { processedUpdates, type ContactRow, type ConversationRow, type MessageRow } from '../../src/database/schema.ts';
import { isLanguage, type Language } from '../../src/language.ts';
import type { InboundMessage } from '../../src/messages.ts';
import { enqueue } from '../../src/outbox/outbox-store.ts';
import { isClerkCommandText } from '../../src/tickets/clerk-command-parser.ts';
import type { ClerkCommandOutcome } from '../../src/tickets/clerk-command-runner.ts';
import { resolveNumberedChoice } from './outbound-rendering.ts';
import type { ReceivedMessage } from './received-message.ts';
import { whatsappTexts, type TownHallContacts } from './whatsapp-texts.ts';

export const whatsappChannelId = 'whatsapp';

export interface RouterOptions {
  /** Wakes the outbox after this router queued a message (it polls anyway). */
  kickOutbox: () => void;
  /** The town hall's phone and e-mail, for "write or call" answers. */
  townHallContacts: () => TownHallContacts;
}

export interface Acceptance {
  /** Resolves once the message is safely stored (at once, normally); rejects when storing failed. */
  stored: Promise<void>;
  /** Resolves once the message is answered (or found to be a duplicate); never rejects. */
  processing: Promise<void>;
}

interface Routed {
  stored: Promise<void>;
  answered: Promise<void>;
}

interface StoredExchange {
  contact: ContactRow;
  conversation: ConversationRow;
  message: MessageRow;
  language: Language;
}

/**
 * Where both drivers hand what they received. The message is stored (deduplicated by its WhatsApp id)
 * before `accept` returns, so a webhook can acknowledge at once; answering continues in the background.
 * Registered clerks' reply commands go to the clerk command runner, voice notes and unreadable messages
 * get a fixed answer, everything else goes through the same pipeline as the web chat.
 */
export class InboundRouter {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly context: ChannelContext,
    private readonly options: RouterOptions,
  ) {}

  accept(received: ReceivedMessage): Acceptance {
    let routed: Routed;
    try {
      routed = this.route(received);
    } catch (error) {
      routed = { stored: Promise.reject(error), answered: Promise.resolve() };
    }
    const processing = Promise.all([routed.stored, routed.answered]).then(
      () => undefined,
      (error: unknown) => {
        this.context.logger.error({ err: error, channel: whatsappChannelId, messageId: received.externalId }, 'whatsapp message could not be answered');
      },
    );
    this.pending.add(processing);
    void processing.finally(() => this.pending.delete(processing));
    return { stored: routed.stored, processing };
  }

  /** Waits for the answers still being prepared (graceful shutdown, tests). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private inboundOf(received: ReceivedMessage, text: string): InboundMessage {
    return {
      channel: whatsappChannelId,
      externalId: received.externalId,
      sender: { externalId: received.from, displayName: received.displayName },
      text,
      parts: received.parts.length > 0 ? received.parts : undefined,
      channelData: { ...received.channelData, lastInboundAt: received.sentAt.toISOString() },
    };
  }

  private route(received: ReceivedMessage): Routed {
    const done: Routed = { stored: Promise.resolve(), answered: Promise.resolve() };
    const { database, clerkCommands, conversations } = this.context;
    if (received.kind !== 'message') {
      const contacts = this.options.townHallContacts();
      const fixedAnswers = {
        voice: (language: Language) => whatsappTexts[language].voiceNote(contacts),
        unsupported: (language: Language) => whatsappTexts[language].unsupported(contacts),
        media_failed: (language: Language) => whatsappTexts[language].mediaFailed,
      };
      this.storeWithFixedAnswer(this.inboundOf(received, received.text), received.kind === 'voice' ? 'voice_note' : received.kind, fixedAnswers[received.kind]);
      return done;
    }
    if (isClerkCommandText(received.text) && clerkCommands.identify({ kind: 'whatsapp', value: received.from })) {
      this.runClerkCommand(received);
      return done;
    }
    const choice = resolveNumberedChoice(database, whatsappChannelId, received.from, received.text);
    const answered = conversations.receive(this.inboundOf(received, choice ?? received.text)).then((result) => {
      if (result.duplicate) this.context.logger.info({ channel: whatsappChannelId, messageId: received.externalId }, 'duplicate whatsapp delivery: not answered again');
    });
    // The pipeline stores the message before its first pause, so the webhook may acknowledge now. If it
    // did not (storing failed), the caller waits for the failure and the webhook asks Meta to redeliver.
    if (!findInboundMessage(database, whatsappChannelId, received.externalId)) return { stored: answered.then(() => undefined), answered };
    return { stored: Promise.resolve(), answered };
  }

  /** Stores the message once and marks it answered, so a restart does not hand it to the pipeline. */
  private storeAnswered(transaction: Executor, inbound: InboundMessage, intent: string, now: Date): StoredExchange | undefined {
    const contact = upsertContact(
      transaction,
      { channel: inbound.channel, externalId: inbound.sender.externalId, displayName: inbound.sender.displayName, channelData: inbound.channelData },
      now,
    );
    const conversation = currentConversation(transaction, contact, contact.language ?? 'ro', now);
    const message = insertInboundMessage(
      transaction,
      { conversationId: conversation.id, contactId: contact.id, channel: inbound.channel, externalId: inbound.externalId, text: inbound.text, parts: inbound.parts },
      now,
    );
    if (!message) return undefined;
    markProcessed(transaction, message.id, intent, now);
    const language = isLanguage(conversation.language) ? conversation.language : 'ro';
    return { contact, conversation, message, language };
  }

  private queueAnswer(transaction: Executor, exchange: StoredExchange, text: string, intent: string, now: Date): void {
    const stored = insertOutboundMessage(
      transaction,
      {
        conversationId: exchange.conversation.id,
        contactId: exchange.contact.id,
        channel: whatsappChannelId,
        author: 'bot',
        text,
        parts: [],
        intent,
        inReplyTo: exchange.message.id,
      },
      now,
    );
    enqueue(
      transaction,
      {
        channel: whatsappChannelId,
        recipient: exchange.contact.externalId,
        recipientChannelData: exchange.contact.channelData,
        messageId: stored.id,
        message: { author: 'bot', text, parts: [] },
      },
      now,
    );
  }

  private storeWithFixedAnswer(inbound: InboundMessage, intent: string, answer: (language: Language) => string): void {
    const now = new Date();
    const queued = inTransaction(this.context.database, (transaction) => {
      const exchange = this.storeAnswered(transaction, inbound, intent, now);
      if (!exchange) return false;
      this.queueAnswer(transaction, exchange, answer(exchange.language), intent, now);
      return true;
    });
    if (queued) this.options.kickOutbox();
    else this.context.logger.info({ channel: whatsappChannelId, messageId: inbound.externalId }, 'duplicate whatsapp delivery: not answered again');
  }

  /**
   * At most once: the message id is claimed before the command runs, so a redelivered webhook never
   * sends a clerk's reply to a citizen twice. Clerks' commands stay out of the citizens' conversations
   * (and out of the indicators); the confirmation goes to the clerk through the outbox.
   */
  private runClerkCommand(received: ReceivedMessage): void {
    const { database, clerkCommands, logger } = this.context;
    const claimed = database
      .insert(processedUpdates)
      .values({ channel: whatsappChannelId, externalId: received.externalId })
      .onConflictDoNothing({ target: [processedUpdates.channel, processedUpdates.externalId] })
      .returning()
      .get();
    if (!claimed) {
      logger.info({ channel: whatsappChannelId, messageId: received.externalId }, 'duplicate whatsapp clerk command: not run again');
      return;
    }
    let outcome: ClerkCommandOutcome;
    try {
      outcome = clerkCommands.run({ kind: 'whatsapp', value: received.from, channel: whatsappChannelId }, received.text);
    } catch (error) {
      // Nothing was changed (each command is one transaction): let WhatsApp's redelivery try again.
      database.delete(processedUpdates).where(eq(processedUpdates.id, claimed.id)).run();
      throw error;
    }
    enqueue(
      database,
      {
        channel: whatsappChannelId,
        recipient: received.from,
        // The clerk just wrote: this opens the 24-hour window for the confirmation (Cloud API).
        recipientChannelData: { ...received.channelData, lastInboundAt: received.sentAt.toISOString() },
        message: { author: 'bot', text: outcome.text, parts: [] },
      },
      new Date(),
    );
    this.options.kickOutbox();
  }
}
