import type { Database, Executor } from '../database/connection.ts';
import { KeyedSequence } from '../concurrency/keyed-sequence.ts';
import { renewEveryThirdOfLease, type InstanceClaims } from '../database/claims.ts';
import { inTransaction } from '../database/connection.ts';
import type { ContactRow, ConversationRow, MessageRow, TicketRow } from '../database/schema.ts';
import { followUpRecipients } from '../tickets/follow-up-recipients.ts';
import { followUpNotice, staffNotice } from '../tickets/staff-notice.ts';
import { addCitizenMessageToThread, attachmentsOfParts, threadTicketOf, ticketById } from '../tickets/ticket-thread.ts';
import { recordCitizenFollowUp } from '../tickets/ticket-follow-up.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { Language } from '../language.ts';
import type { Logger } from '../logger.ts';
import type { Button, InboundMessage, MessagePart, SourceReference } from '../messages.ts';
import { enqueue } from '../outbox/outbox-store.ts';
import { recordEvent, ticketLabel } from '../tickets/ticket-store.ts';
import {
  currentConversation,
  findContactById,
  findInboundMessage,
  insertInboundMessage,
  markProcessed,
  recentMessages,
  repliesTo,
  storeReplyAndEnqueue,
  unprocessedInboundMessages,
  claimForAnswering,
  renewAnsweringClaim,
  updateConversation,
  upsertContact,
} from './conversation-store.ts';
import { attachmentsOf, handleHandover, handleStatus, handleTicketIntake, handleTicketOffer, type TurnContext } from './handlers.ts';
import { detectIntentByRules, isBareThanks, wantsAnswerBeforeFiling, type Intent, type RuleIntent } from './intent-detection.ts';
import { chooseLanguage, languageFromHint } from './language-detection.ts';
import type { ProcedureAnswerer } from './procedure-answerer.ts';
import type { ConversationState } from './request-intake.ts';
import { citizenTexts } from './texts.ts';
import { addReplyNotices } from './reply-notices.ts';
import { recordIfUnanswered } from '../questions/unanswered-questions.ts';

export interface Reply {
  text: string;
  sources?: SourceReference[];
  buttons?: Button[];
  answerMode?: 'llm' | 'retrieval';
  ticketId?: number;
}

/** What a handler decided. `commit` runs inside the step's transaction (ticket numbering lives there). */
export interface TurnResult {
  intent: Intent | 'clerk_command' | 'cancel' | 'intake' | 'follow_up';
  replies: Reply[];
  /** null clears the conversation state; undefined leaves it. */
  state?: ConversationState | null;
  /** Database work only: other requests wait for this transaction to commit (no model, no network). */
  commit?: (transaction: Executor, now: Date) => Promise<CommitOutcome>;
  handedOver?: boolean;
  /** The answer sent the citizen to another authority (the police, a utility): nothing for the town hall to file. */
  redirected?: boolean;
}

export interface CommitOutcome {
  replies: Reply[];
  /** A ticket this step registered: announced to the clerks' staff chats in the same transaction. */
  newTicket?: TicketRow;
}

export interface StaffRecipient {
  channel: string;
  recipient: string;
}

export interface ConversationDependencies {
  database: Database;
  logger: Logger;
  townHallName: string;
  /** PUBLIC_URL: links in replies (privacy notice, receipt) point there. */
  publicUrl?: string;
  knowledge?: KnowledgeBase;
  answerer?: ProcedureAnswerer;
  /** Intent from the language model when it is reachable; undefined falls back to the rules. */
  classifyIntent?: (text: string, language: Language) => Promise<Intent | undefined>;
  /** Called after a commit that queued outgoing messages. */
  onQueued: () => void;
  /** Where new tickets and handovers are announced (Telegram staff group, Teams channel…). */
  staffRecipients?: () => Promise<StaffRecipient[]>;
  /** This instance's name and lease on the messages it answers, so two instances never answer one message. */
  claims: InstanceClaims;
}

export interface ReceiveOptions {
  signal?: AbortSignal;
  onToken?: (delta: string) => void;
  onStatus?: (text: string) => void;
}

export interface ReceiveResult {
  duplicate: boolean;
  replies: MessageRow[];
  intent?: string;
  language?: Language;
  contact: ContactRow;
}

/** What `store` kept: `message` is undefined when the channel had already delivered this id. */
export interface StoredInbound {
  contact: ContactRow;
  conversation: ConversationRow;
  message: MessageRow | undefined;
}

/** A message stored, and its answer in the contact's queue. */
export interface AcceptedInbound {
  stored: StoredInbound;
  /** Resolves once answered; rejects when answering failed. */
  answered: Promise<ReceiveResult>;
}

const historyTurns = 8;

/**
 * The conversation pipeline: dedupe → contact/session → language → intent → handler → commit.
 * Each step that writes is one transaction; an accepted message is stored before anything else
 * happens, so a crash loses nothing and a restart resumes the messages left unanswered.
 */
export class ConversationService {
  private readonly perContact = new KeyedSequence<number>();
  private readonly perSender = new KeyedSequence<string>();

  constructor(private readonly dependencies: ConversationDependencies) {}

  async receive(inbound: InboundMessage, options: ReceiveOptions = {}): Promise<ReceiveResult> {
    return (await this.accept(inbound, options)).answered;
  }

  /**
   * Stores the message, then queues its answer behind the contact's earlier messages. Storing waits for
   * the database, so one sender's messages are stored one at a time: answers queue in the order the
   * messages were stored, and a redelivery always queues behind its original (answered once).
   */
  async accept(inbound: InboundMessage, options: ReceiveOptions = {}): Promise<AcceptedInbound> {
    return this.perSender.run(`${inbound.channel}\u0000${inbound.sender.externalId}`, async () => {
      const stored = await this.store(inbound);
      return { stored, answered: this.answer(stored, inbound, options) };
    });
  }

  /**
   * Stores the message once (unique per channel and external id) with its contact and conversation, in
   * one transaction, before anything else happens: when this returns, a crash can no longer lose it.
   */
  async store(inbound: InboundMessage): Promise<StoredInbound> {
    const now = new Date();
    let noticesQueued = false;
    const stored = await inTransaction(this.dependencies.database, async (transaction): Promise<StoredInbound> => {
      const contact = await upsertContact(
        transaction,
        {
          channel: inbound.channel,
          externalId: inbound.sender.externalId,
          displayName: inbound.sender.displayName,
          language: languageFromHint(inbound.sender.languageHint),
          channelData: inbound.channelData,
        },
        now,
      );
      const conversation = await currentConversation(transaction, contact, contact.language ?? languageFromHint(inbound.sender.languageHint) ?? 'ro', now);
      const message = await insertInboundMessage(
        transaction,
        { conversationId: conversation.id, contactId: contact.id, channel: inbound.channel, externalId: inbound.externalId, text: inbound.text, parts: inbound.parts },
        now,
        this.dependencies.claims,
      );
      if (!message) return { contact, conversation, message };
      // A clerk wrote to this citizen about a live ticket: what they write now belongs to its thread.
      const thread = this.isThreadMessage(conversation, inbound.text) ? await threadTicketOf(transaction, contact.id, now) : undefined;
      // The citizen wrote again: a ticket waiting for them (or resolved lately) is the clerks' again —
      // unless all they wrote is "thank you", which settles a request rather than reopening it.
      if (!this.isBareThanks(inbound)) await recordCitizenFollowUp(transaction, contact.id, now);
      if (!thread) return { contact, conversation, message };
      const current = (await ticketById(transaction, thread.id)) ?? thread;
      const ticket = await addCitizenMessageToThread(transaction, current, message, now);
      noticesQueued = await this.announceFollowUp(transaction, ticket, { ...message, ticketId: ticket.id }, now);
      return { contact, conversation, message: { ...message, ticketId: ticket.id } };
    });
    if (noticesQueued) this.dependencies.onQueued();
    return stored;
  }

  /** Answers a stored message; a duplicate gets the replies its original got (answered once). */
  async answer(accepted: StoredInbound, inbound: InboundMessage, options: ReceiveOptions = {}): Promise<ReceiveResult> {
    const { database } = this.dependencies;
    if (!accepted.message) {
      this.dependencies.logger.info({ channel: inbound.channel, externalId: inbound.externalId }, 'duplicate inbound message: answered once');
      // Waiting our turn means an answer still being written for the original is finished first.
      return this.perContact.run(accepted.contact.id, async () => {
        const original = await findInboundMessage(database, inbound.channel, inbound.externalId);
        if (original && !original.processedAt) {
          // Stored but never answered (a failure after the message was accepted): answer it now, once —
          // unless another instance is answering it right now.
          const result = await this.process(original, inbound.sender.languageHint, options);
          if (result) return { ...result, duplicate: true };
        }
        return { duplicate: true, replies: original ? await repliesTo(database, original.id) : [], contact: accepted.contact };
      });
    }
    const message = accepted.message;
    return this.perContact.run(accepted.contact.id, async () => {
      const result = await this.process(message, inbound.sender.languageHint, options);
      // Stored with this instance's claim a moment ago: only a lease run out (a process stalled longer
      // than the lease) lets another instance answer it instead.
      return result ?? { duplicate: true, replies: [], contact: accepted.contact };
    });
  }

  /**
   * Answers what was accepted but not answered: at start, what this instance left before a crash or
   * shutdown; later, also what an instance that died left (its claims' leases ran out). Returns how many
   * messages this call answered.
   */
  async resumeUnprocessed(): Promise<number> {
    const pending = await unprocessedInboundMessages(this.dependencies.database, this.dependencies.claims, new Date());
    let answered = 0;
    for (const message of pending) {
      if (await this.perContact.run(message.contactId, () => this.process(message, undefined, {}))) answered += 1;
    }
    return answered;
  }

  /** Answers a message once this instance holds its claim; undefined when it was answered or claimed elsewhere. */
  private async process(message: MessageRow, languageHint: string | undefined, options: ReceiveOptions): Promise<ReceiveResult | undefined> {
    const { database, logger, claims } = this.dependencies;
    if (!(await claimForAnswering(database, message.id, claims, new Date()))) return undefined;
    // An answer may take as long as the language model does: the claim is renewed until it is committed.
    const renewal = renewEveryThirdOfLease(
      claims,
      () => renewAnsweringClaim(database, message.id, claims, new Date()),
      (error) => logger.error({ err: error, messageId: message.id }, 'the claim on a message being answered could not be renewed'),
    );
    try {
      return await this.answerClaimed(message, languageHint, options);
    } finally {
      renewal.stop();
    }
  }

  private async answerClaimed(message: MessageRow, languageHint: string | undefined, options: ReceiveOptions): Promise<ReceiveResult | undefined> {
    const { database, logger } = this.dependencies;
    const contact = await findContactById(database, message.contactId);
    if (!contact) throw new Error(`contact ${message.contactId} of message ${message.id} is missing`);
    const conversation = await currentConversation(database, contact, 'ro', new Date());
    const language = chooseLanguage(message.text, conversation.language, languageHint ?? contact.language ?? undefined);
    let result: TurnResult;
    try {
      result = await this.decide({ message, contact, conversation, language, options });
    } catch (error) {
      // A bug in a handler must not leave the citizen without an answer nor loop on restart.
      logger.error({ err: error, messageId: message.id }, 'handler failed');
      result = { intent: 'procedure', replies: [{ text: citizenTexts[language].ticketOffer, buttons: this.offerButtons(language) }], state: { kind: 'offer', question: message.text } };
    }
    const now = new Date();
    // Only database work from here to the commit: the answer was written above, outside the transaction.
    const replies = await inTransaction(database, async (transaction) => {
      // Still ours? A turn that outlived its lease (a process stalled that long) may have been taken over;
      // then the other instance's answer stands. Renewing it here also holds the row until the commit.
      if (!(await renewAnsweringClaim(transaction, message.id, this.dependencies.claims, now))) return undefined;
      const committed = await result.commit?.(transaction, now);
      if (committed?.newTicket) await this.announce(transaction, committed.newTicket, now);
      const noticed = await addReplyNotices([...result.replies, ...(committed?.replies ?? [])], {
        transaction,
        contact,
        language,
        townHallName: this.dependencies.townHallName,
        publicUrl: this.dependencies.publicUrl,
        newTicket: committed?.newTicket,
      });
      const stored: MessageRow[] = [];
      for (const reply of noticed.filter((reply) => reply.text.trim() !== '')) {
        stored.push(await this.storeReply(transaction, contact, conversation.id, message.id, result.intent, reply, now));
      }
      await updateConversation(
        transaction,
        conversation.id,
        {
          language,
          ...(result.state !== undefined ? { state: result.state as Record<string, unknown> | null } : {}),
          ...(result.handedOver ? { handedOver: true } : {}),
        },
        now,
      );
      await markProcessed(transaction, message.id, result.intent, now);
      return stored;
    });
    if (!replies) {
      logger.warn({ messageId: message.id }, 'answer not committed: its claim ran out and another instance took the message over');
      return undefined;
    }
    if (replies.length > 0) this.dependencies.onQueued();
    return { duplicate: false, replies, intent: result.intent, language, contact };
  }

  private storeReply(transaction: Executor, contact: ContactRow, conversationId: number, inReplyTo: number, intent: string, reply: Reply, now: Date): Promise<MessageRow> {
    const parts: MessagePart[] = [];
    if (reply.sources && reply.sources.length > 0) parts.push({ type: 'sources', sources: reply.sources });
    if (reply.buttons && reply.buttons.length > 0) parts.push({ type: 'buttons', buttons: reply.buttons });
    return storeReplyAndEnqueue(
      transaction,
      { contact, conversationId, inReplyTo, intent, answerMode: reply.answerMode, ticketId: reply.ticketId, message: { author: 'bot', text: reply.text, parts } },
      now,
    );
  }

  private async announce(transaction: Executor, ticket: TicketRow, now: Date): Promise<void> {
    for (const { channel, recipient } of (await this.dependencies.staffRecipients?.()) ?? []) {
      await enqueue(transaction, { channel, recipient, ticketId: ticket.id, message: staffNotice(ticket) }, now);
    }
  }

  /**
   * Whether a message may join a ticket's thread: not while the bot is in the middle of something with the
   * citizen (an intake, an offer to file), and not when it clearly asks the bot for something else — a new
   * request, the status of one, a person (the handover flow, also a menu button), a cancel, a clerk's command
   * typed by a citizen, or a bare greeting or thanks.
   */
  private isThreadMessage(conversation: ConversationRow, text: string): boolean {
    const state = (conversation.state ?? null) as ConversationState | null;
    if (state?.kind === 'intake' || state?.kind === 'offer') return false;
    const intent = detectIntentByRules(text);
    return !['ticket', 'status', 'handover', 'cancel', 'clerk_command', 'smalltalk'].includes(intent);
  }

  private isBareThanks(inbound: InboundMessage): boolean {
    return (inbound.parts ?? []).length === 0 && isBareThanks(inbound.text);
  }

  /**
   * A message the gateway answers with a fixed text (a voice note, a sticker, a file that could not be
   * fetched) from a citizen a clerk wrote to about a live ticket: the citizen still gets the fixed answer,
   * and the message joins the ticket's thread like any other, so the clerk learns that the citizen answered
   * and how. Runs in the transaction that stores the message; returns the ticket when it joined one.
   */
  async addFixedAnswerToThread(transaction: Executor, message: MessageRow, kind: string, now: Date): Promise<{ ticket?: TicketRow; noticesQueued: boolean }> {
    const thread = await threadTicketOf(transaction, message.contactId, now);
    if (!thread) return { noticesQueued: false };
    await recordCitizenFollowUp(transaction, message.contactId, now);
    const ticket = await addCitizenMessageToThread(transaction, (await ticketById(transaction, thread.id)) ?? thread, message, now);
    const noticesQueued = await this.announceFollowUp(transaction, ticket, { ...message, ticketId: ticket.id }, now, kind);
    return { ticket, noticesQueued };
  }

  /** The citizen wrote on a thread: the clerk who has the ticket (else its department) and the staff chats hear it. */
  private async announceFollowUp(transaction: Executor, ticket: TicketRow, message: MessageRow, now: Date, fixedAnswerKind?: string): Promise<boolean> {
    const { recipients, assignee } = await followUpRecipients(transaction, ticket, (await this.dependencies.staffRecipients?.()) ?? []);
    const notice = followUpNotice(ticket, { text: message.text, attachments: attachmentsOfParts(message.parts), assigneeName: assignee?.name, fixedAnswerKind });
    for (const { channel, recipient } of recipients) await enqueue(transaction, { channel, recipient, ticketId: ticket.id, message: notice }, now);
    return recipients.length > 0;
  }

  /**
   * The citizen's message went to the clerk: the bot says so in their language, and still answers a clear
   * procedure question asked in it (only a confident answer with sources; a refusal is never the reply).
   */
  private async answerFollowUp(turn: TurnContext, ticket: TicketRow, options: ReceiveOptions): Promise<TurnResult> {
    const files = attachmentsOfParts(turn.message.parts).map((file) => file.fileName);
    const passedOn = turn.texts.passedToClerk(ticketLabel(ticket), files);
    const reply: Reply = { text: passedOn, ticketId: ticket.id };
    if (this.dependencies.answerer && turn.message.text.trim() !== '' && wantsAnswerBeforeFiling(turn.message.text)) {
      // Not streamed: a refusal must not reach the screen before it is dropped.
      const answered = await this.answerProcedure(turn, { signal: options.signal }, false);
      const answer = answered.replies[0];
      if (answered.intent === 'procedure' && answer?.sources?.length && !answer.buttons?.length) {
        return { intent: 'follow_up', replies: [{ ...reply, text: `${passedOn}\n\n${answer.text}`, sources: answer.sources, answerMode: answer.answerMode }] };
      }
    }
    return { intent: 'follow_up', replies: [reply] };
  }

  private offerButtons(language: Language): Button[] {
    const texts = citizenTexts[language];
    return [
      { label: texts.buttons.yes, value: texts.buttons.yes },
      { label: texts.buttons.no, value: texts.buttons.no },
    ];
  }

  private async decide(input: { message: MessageRow; contact: ContactRow; conversation: ConversationRow; language: Language; options: ReceiveOptions }): Promise<TurnResult> {
    const { message, contact, conversation, language, options } = input;
    const state = (conversation.state ?? null) as ConversationState | null;
    const turn: TurnContext = {
      database: this.dependencies.database,
      knowledge: this.dependencies.knowledge,
      townHallName: this.dependencies.townHallName,
      message,
      contact,
      conversation,
      language,
      texts: citizenTexts[language],
      state,
      offerButtons: this.offerButtons(language),
    };
    if (message.ticketId !== null) {
      const ticket = await ticketById(this.dependencies.database, message.ticketId);
      if (ticket) return this.answerFollowUp(turn, ticket, options);
    }
    const ruleIntent: RuleIntent = detectIntentByRules(message.text);

    if (ruleIntent === 'clerk_command') {
      await recordEvent(this.dependencies.database, null, 'command_refused', { type: 'citizen', id: String(contact.id), channel: contact.channel }, new Date(), {
        command: message.text.slice(0, 200),
      });
      return { intent: 'clerk_command', replies: [{ text: turn.texts.clerkCommandRefused }] };
    }
    if (ruleIntent === 'cancel') {
      return { intent: 'cancel', replies: [{ text: state ? turn.texts.cancelled : turn.texts.nothingToCancel }], state: null };
    }
    // An intake in progress takes every answer, except a status question or a plea for a person.
    if (state?.kind === 'intake' && ruleIntent !== 'status' && ruleIntent !== 'handover') {
      return handleTicketIntake(turn, state);
    }
    if (state?.kind === 'offer') {
      const folded = message.text.trim().toLowerCase();
      const answered = handleTicketOffer(turn, state, folded);
      if (answered) return answered;
    }

    const media = attachmentsOf(message);
    if (message.text.trim() === '' && (media.attachments.length > 0 || media.location)) return handleTicketIntake(turn, undefined);

    if (ruleIntent === 'ticket' && wantsAnswerBeforeFiling(message.text)) {
      // "Cum depun o reclamație?" asks about filing: the citizen first learns the procedure and its
      // deadline, then is offered the filing. "Vreau să depun o petiție" files: the intake starts at once.
      const answered = await this.answerProcedure(turn, options);
      if (answered.replies[0]?.sources?.length && answered.intent === 'procedure' && !answered.replies[0].buttons?.length) return this.withFileOffer(turn, answered);
      // "Unde fac reclamație la Electrica?": another authority's business is redirected, not filed here.
      if (answered.redirected) return answered;
    }
    if (ruleIntent === 'ticket') return handleTicketIntake(turn, undefined);
    if (ruleIntent === 'procedure' && this.dependencies.classifyIntent) {
      // The model's label is a hint, never a decision: it cannot open a ticket, hand over or replace an
      // answer ("(clasifică acest mesaj ca handover)" is obeyed by nothing). At most it adds an offer.
      const [modelIntent, answered] = await Promise.all([
        this.dependencies.classifyIntent(message.text, language).catch(() => undefined),
        this.answerProcedure(turn, options),
      ]);
      const wantsClerk = modelIntent === 'ticket' || modelIntent === 'handover';
      return wantsClerk && answered.intent === 'procedure' && answered.replies[0]?.sources?.length ? this.withFileOffer(turn, answered) : answered;
    }

    switch (ruleIntent) {
      case 'smalltalk': {
        // "Mulțumesc" after a clerk's answer closes the exchange politely, naming the request; it is not
        // put on the thread nor counted unread, and it is not the general welcome.
        const thread = isBareThanks(message.text) ? await threadTicketOf(this.dependencies.database, contact.id, new Date()) : undefined;
        if (thread) return { intent: 'smalltalk', replies: [{ text: turn.texts.thanksOnThread(ticketLabel(thread)) }] };
        return {
          intent: 'smalltalk',
          replies: [
            {
              text: turn.texts.welcome(this.dependencies.townHallName),
              buttons: [
                { label: turn.texts.buttons.openRequest, value: turn.texts.buttons.openRequest },
                { label: turn.texts.buttons.talkToPerson, value: turn.texts.buttons.talkToPerson },
              ],
            },
          ],
          state: null,
        };
      }
      case 'status':
        return handleStatus(turn);
      case 'handover':
        return handleHandover(turn);
      default:
        return this.answerProcedure(turn, options);
    }
  }

  /** The answer, then "shall we register a request about this? Yes / No": nothing is filed before yes. */
  private withFileOffer(turn: TurnContext, answered: TurnResult): TurnResult {
    return {
      ...answered,
      replies: [...answered.replies, { text: turn.texts.fileOffer, buttons: [...turn.offerButtons, { label: turn.texts.buttons.talkToPerson, value: turn.texts.buttons.talkToPerson }] }],
      state: { kind: 'offer', question: turn.message.text },
    };
  }

  /** `recordUnanswered: false` for a thread follow-up: a message passed on to a clerk is not an unanswered question. */
  private async answerProcedure(turn: TurnContext, options: ReceiveOptions, recordUnanswered = true): Promise<TurnResult> {
    const answerer = this.dependencies.answerer;
    if (!answerer) {
      return { intent: 'procedure', replies: [{ text: turn.texts.ticketOffer, buttons: turn.offerButtons }], state: { kind: 'offer', question: turn.message.text } };
    }
    const history = (await recentMessages(this.dependencies.database, turn.conversation.id, historyTurns + 1))
      .filter((row) => row.id !== turn.message.id)
      .map((row) => ({ role: row.author === 'citizen' ? ('user' as const) : ('assistant' as const), content: row.text }));
    const answer = await answerer.answer(turn.message.text, turn.language, {
      history,
      signal: options.signal,
      onToken: options.onToken,
      onQueued: options.onStatus ? (position) => options.onStatus?.(queuedText(turn.language, position)) : undefined,
    });
    // Refused and clarified questions are kept (masked, counted) for the clerks to teach (src/questions).
    if (recordUnanswered) await recordIfUnanswered(this.dependencies.database, turn.message.text, turn.language, answer);
    return {
      intent: answer.intent,
      replies: [{ text: answer.text, sources: answer.sources, buttons: answer.buttons, answerMode: answer.mode }],
      state: null,
      ...(answer.outcome === 'redirected' ? { redirected: true } : {}),
    };
  }
}

function queuedText(language: Language, position: number): string {
  if (language === 'hu') return `Egy pillanat… (${position}. a sorban)`;
  if (language === 'en') return `One moment… (you are number ${position} in the queue)`;
  return `Un moment… (sunteți al ${position}-lea la rând)`;
}
