import type { Database, Executor } from '../database/connection.ts';
import { inTransaction } from '../database/connection.ts';
import type { ClerkRow, TicketRow } from '../database/schema.ts';
import { currentConversation, findContactById, insertOutboundMessage } from '../conversation/conversation-store.ts';
import { citizenTexts, type CitizenTexts } from '../conversation/texts.ts';
import { isLanguage, type Language } from '../language.ts';
import type { Logger } from '../logger.ts';
import { enqueue } from '../outbox/outbox-store.ts';
import type { AssignTarget, ClerkCommand, ClerkOutcome, TicketFilter, TicketReference } from './clerk-command.ts';
import { succeeded, ticketOfOutcome } from './clerk-command.ts';
import { formatClerkCommand, readClerkCommand } from './clerk-command-parser.ts';
import { renderClerkOutcome } from './clerk-command-texts.ts';
import { findClerk, findClerkById, listClerks, type ClerkIdentityChannel } from './clerk-directory.ts';
import { extendedDueDate } from './deadline-extension.ts';
import { formatDate, localDate } from './deadlines.ts';
import { documentServiceOf } from '../documents/document-registry.ts';
import { findTemplate, issuedElectronically, listTemplates } from '../documents/document-templates.ts';
import { ticketDetails } from './ticket-details.ts';
import { markThreadRead } from './ticket-thread.ts';
import { isFinalStatus, isOpenStatus, nextStatus, replyEvent, type TicketEvent } from './ticket-states.ts';
import { eventsOfTicket, findTicket, listTickets, recordEvent, ticketLabel, updateTicket, type Actor } from './ticket-store.ts';

export interface ClerkIdentity {
  /** Which registered identity to look the clerk up by. */
  kind: ClerkIdentityChannel;
  value: string;
  /** The channel the command came from, for the audit trail ("telegram", "teams", "cli", "web"). */
  channel: string;
}

/** What a chat or the shell gets back from a command line: the typed outcome and the text to show. */
export interface ClerkCommandOutcome {
  outcome: ClerkOutcome;
  /** False when the sender is not a registered clerk. */
  allowed: boolean;
  ok: boolean;
  /** What the clerk is shown. */
  text: string;
  ticket?: TicketRow;
  clerk?: ClerkRow;
}

export interface CommandSource {
  /** The channel the command came from, for the audit trail ("telegram", "teams", "cli", "web"). */
  channel: string;
  /** The command as the clerk typed it, for the audit trail; typed commands are written out canonically. */
  typed?: string;
}

/** Ends a command that must change nothing: thrown inside a transaction so that it rolls back. */
class CommandRefused extends Error {
  constructor(readonly outcome: ClerkOutcome) {
    super(outcome.kind);
  }
}

/** Runs the clerk commands for every clerk surface; each step that changes data is one transaction. */
export class ClerkCommandRunner {
  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
    /** Called after a commit that queued messages, so the outbox sends them without waiting to poll. */
    private readonly onQueued: () => void,
  ) {}

  identify(identity: Pick<ClerkIdentity, 'kind' | 'value'>): Promise<ClerkRow | undefined> {
    return findClerk(this.database, identity.kind, identity.value);
  }

  /**
   * The chat edge: a command line from a chat identity, answered with text in the clerk's language
   * (Romanian on every clerk channel today).
   */
  async run(identity: ClerkIdentity, text: string, language: Language = 'ro'): Promise<ClerkCommandOutcome> {
    const clerk = await this.identify(identity);
    const typed = text.slice(0, 200);
    let outcome: ClerkOutcome;
    if (!clerk) {
      outcome = await this.refuse(`${identity.kind}:${identity.value}`, identity.channel, typed, new Date());
    } else {
      const parsed = readClerkCommand(text);
      if (parsed.ok) {
        outcome = await this.runCommand(clerk.id, parsed.command, { channel: identity.channel, typed });
      } else {
        await recordEvent(this.database, null, 'command_invalid', { type: 'clerk', id: String(clerk.id), channel: identity.channel }, new Date(), { command: typed });
        outcome = { kind: 'invalid-command', problem: parsed.problem };
      }
    }
    return {
      outcome,
      allowed: outcome.kind !== 'not-allowed',
      ok: succeeded(outcome),
      text: renderClerkOutcome(outcome, language),
      ticket: ticketOfOutcome(outcome),
      clerk,
    };
  }

  /** Runs one command for the clerk with this id (the web inbox's signed-in clerk, or one a chat identified). */
  async runCommand(clerkId: number, command: ClerkCommand, source: CommandSource): Promise<ClerkOutcome> {
    const now = new Date();
    const typed = source.typed ?? formatClerkCommand(command);
    const clerk = await findClerkById(this.database, clerkId);
    if (!clerk) return this.refuse(`clerk:${clerkId}`, source.channel, typed, now);
    const actor: Actor = { type: 'clerk', id: String(clerk.id), channel: source.channel };
    let outcome: ClerkOutcome;
    try {
      outcome = await this.execute(command, clerk, actor, now);
    } catch (error) {
      if (!(error instanceof CommandRefused)) throw error;
      outcome = error.outcome;
    }
    if (!succeeded(outcome)) {
      // Every command leaves a trace, also one that changed nothing (the change itself was rolled back).
      await recordEvent(this.database, ticketOfOutcome(outcome)?.id ?? null, 'command_failed', actor, now, { command: typed, reason: renderClerkOutcome(outcome, 'ro') });
    }
    return outcome;
  }

  private async refuse(identity: string, channel: string, typed: string, now: Date): Promise<ClerkOutcome> {
    await recordEvent(this.database, null, 'command_refused', { type: 'unknown', id: identity, channel }, now, { command: typed });
    this.logger.warn({ channel }, 'clerk command refused: identity is not a registered clerk');
    return { kind: 'not-allowed' };
  }

  private async execute(command: ClerkCommand, clerk: ClerkRow, actor: Actor, now: Date): Promise<ClerkOutcome> {
    switch (command.name) {
      case 'list': {
        const tickets = await this.list(command.filter, clerk, now);
        await recordEvent(this.database, null, 'tickets_listed', actor, now, { filter: command.filter, count: tickets.length });
        return { kind: 'listed', filter: command.filter, tickets, today: localDate(now) };
      }
      case 'show': {
        const ticket = await this.ticket(this.database, command.ticket, now);
        // Reading a citizen's request is recorded too: who saw which personal data, and when.
        await recordEvent(this.database, ticket.id, 'viewed', actor, now);
        // The clerk has now seen what the citizen wrote: the ticket's unread marker goes.
        await markThreadRead(this.database, ticket.id);
        return { kind: 'shown', ticket, details: await ticketDetails(this.database, ticket) };
      }
      case 'extend':
        return this.extend(command.ticket, command.reason, clerk, actor, now);
      case 'reply':
        return this.reply(command.ticket, command.text, clerk, actor, now);
      case 'note':
        return inTransaction(this.database, async (transaction): Promise<ClerkOutcome> => {
          const ticket = await this.ticket(transaction, command.ticket, now);
          await recordEvent(transaction, ticket.id, 'note', actor, now, { text: command.text });
          return { kind: 'noted', ticket };
        });
      case 'assign':
        return this.assign(command.ticket, command.target, actor, now);
      case 'take':
        return inTransaction(this.database, async (transaction): Promise<ClerkOutcome> => {
          const ticket = await this.ticket(transaction, command.ticket, now);
          const status = this.transition(ticket, 'taken');
          const updated = await updateTicket(transaction, ticket.id, { assigneeClerkId: clerk.id, status }, now);
          await recordEvent(transaction, ticket.id, 'assigned', actor, now, { clerkId: clerk.id, clerk: clerk.name });
          return { kind: 'taken', ticket: updated, clerk: { id: clerk.id, name: clerk.name } };
        });
      case 'close':
        return this.close(command.ticket, command.text, clerk, actor, now);
      case 'issue':
        return this.issue(command.ticket, command.template, command.text, clerk, actor, now);
    }
  }

  private async ticket(executor: Executor, reference: TicketReference, now: Date): Promise<TicketRow> {
    const year = reference.year ?? Number(localDate(now).slice(0, 4));
    const ticket = await findTicket(executor, { number: reference.number, year });
    if (!ticket) throw new CommandRefused({ kind: 'ticket-not-found', number: reference.number, year });
    return ticket;
  }

  /** The ticket's next status by the transition table (ticket-states.ts); a move it does not allow is refused. */
  private transition(ticket: TicketRow, event: TicketEvent): TicketRow['status'] {
    const next = nextStatus(ticket.status, event);
    if (!next) throw new CommandRefused({ kind: 'invalid-transition', ticket, from: ticket.status, event });
    return next;
  }

  private list(filter: TicketFilter, clerk: ClerkRow, now: Date): Promise<TicketRow[]> {
    return listTickets(this.database, {
      openOnly: filter === 'open' || filter === 'mine',
      assigneeClerkId: filter === 'mine' ? clerk.id : undefined,
      overdueOn: filter === 'overdue' ? localDate(now) : undefined,
    });
  }

  /** Writes to the citizen in their conversation's language; `compose` picks the text from that language's set. */
  private async queueCitizenMessage(transaction: Executor, ticket: TicketRow, compose: (texts: CitizenTexts) => string, clerk: ClerkRow, now: Date): Promise<void> {
    const contact = await findContactById(transaction, ticket.contactId);
    if (!contact) throw new CommandRefused({ kind: 'citizen-gone', ticket });
    const conversation = await currentConversation(transaction, contact, contact.language ?? 'ro', now);
    const language: Language = isLanguage(conversation.language) ? conversation.language : 'ro';
    const body = compose(citizenTexts[language]);
    const stored = await insertOutboundMessage(
      transaction,
      { conversationId: conversation.id, contactId: contact.id, channel: contact.channel, author: 'clerk', text: body, parts: [], ticketId: ticket.id, clerkId: clerk.id },
      now,
    );
    await enqueue(
      transaction,
      {
        channel: contact.channel,
        recipient: contact.externalId,
        recipientChannelData: contact.channelData,
        messageId: stored.id,
        ticketId: ticket.id,
        message: { author: 'clerk', text: body, parts: [] },
      },
      now,
    );
  }

  private async reply(reference: TicketReference, text: string, clerk: ClerkRow, actor: Actor, now: Date): Promise<ClerkOutcome> {
    const outcome = await inTransaction(this.database, async (transaction): Promise<ClerkOutcome> => {
      const ticket = await this.ticket(transaction, reference, now);
      // An answer that asks the citizen something leaves the next step to them ("așteaptă cetățeanul").
      const status = this.transition(ticket, replyEvent(text));
      await this.queueCitizenMessage(transaction, ticket, (texts) => texts.clerkReply(ticketLabel(ticket), text), clerk, now);
      const updated = await updateTicket(
        transaction,
        ticket.id,
        // Answering is reading: the citizen's messages before this reply are no longer unread.
        { status, firstResponseAt: ticket.firstResponseAt ?? now.toISOString(), assigneeClerkId: ticket.assigneeClerkId ?? clerk.id, unreadCitizenMessages: 0 },
        now,
      );
      await recordEvent(transaction, ticket.id, 'reply', actor, now, { text });
      // On Open311 the answer becomes the request's public status_notes (as OPEN311_PUBLISH allows): say so.
      return { kind: 'replied', ticket: updated, publishedOnOpen311: ticket.channel === 'open311' };
    });
    this.onQueued();
    return outcome;
  }

  /**
   * One extension per ticket, with a reason the citizen is told: petitions (and reports, which OG 27/2002
   * treats as petitions) get 15 more days (art. 9); public-information requests go from 10 to 30 days
   * (Legea 544/2001 art. 7). Counted from registration, like the first term, and decided before it runs out.
   */
  private async extend(reference: TicketReference, reason: string, clerk: ClerkRow, actor: Actor, now: Date): Promise<ClerkOutcome> {
    const outcome = await inTransaction(this.database, async (transaction): Promise<ClerkOutcome> => {
      const ticket = await this.ticket(transaction, reference, now);
      const refuse = (why: Extract<ClerkOutcome, { kind: 'extension-refused' }>['reason']) => new CommandRefused({ kind: 'extension-refused', ticket, reason: why });
      if (!isOpenStatus(ticket.status)) throw refuse('not-open');
      const extension = extendedDueDate(ticket.type, localDate(new Date(ticket.createdAt)));
      if (!extension) throw refuse('type-not-extendable');
      if ((await eventsOfTicket(transaction, ticket.id)).some((event) => event.kind === 'deadline_extended')) throw refuse('already-extended');
      if (ticket.dueDate < localDate(now)) throw refuse('term-expired');
      const extendedDue = extension.dueDate;
      if (extendedDue <= ticket.dueDate) throw refuse('already-longer');
      const label = ticketLabel(ticket);
      const updated = await updateTicket(transaction, ticket.id, { dueDate: extendedDue, dueRule: `${ticket.dueRule}; prelungit: ${extension.basis}` }, now);
      await recordEvent(transaction, ticket.id, 'deadline_extended', actor, now, { reason, previousDueDate: ticket.dueDate, dueDate: extendedDue, basis: extension.basis });
      await this.queueCitizenMessage(transaction, ticket, (texts) => texts.deadlineExtended(label, formatDate(extendedDue), reason, extension.basis), clerk, now);
      return { kind: 'deadline-extended', ticket: updated, dueDate: extendedDue, basis: extension.basis };
    });
    this.onQueued();
    return outcome;
  }

  private assign(reference: TicketReference, target: AssignTarget, actor: Actor, now: Date): Promise<ClerkOutcome> {
    return inTransaction(this.database, async (transaction): Promise<ClerkOutcome> => {
      const ticket = await this.ticket(transaction, reference, now);
      if (target.kind === 'department') {
        const updated = await updateTicket(transaction, ticket.id, { department: target.department, assigneeClerkId: null }, now);
        await recordEvent(transaction, ticket.id, 'assigned', actor, now, { department: target.department });
        return { kind: 'moved-to-department', ticket: updated, department: target.department };
      }
      const clerk =
        target.kind === 'clerk'
          ? await findClerkById(transaction, target.clerkId)
          : (await listClerks(transaction)).find((candidate) => candidate.name.toLowerCase() === target.name.toLowerCase());
      if (!clerk) throw new CommandRefused({ kind: 'unknown-assignee', ticket, target: target.kind === 'clerk' ? `#${target.clerkId}` : target.name });
      const updated = await updateTicket(transaction, ticket.id, { assigneeClerkId: clerk.id }, now);
      await recordEvent(transaction, ticket.id, 'assigned', actor, now, { clerkId: clerk.id, clerk: clerk.name });
      return { kind: 'assigned-to-clerk', ticket: updated, clerk: { id: clerk.id, name: clerk.name } };
    });
  }

  /**
   * `/emite`: registers the document in the outgoing register in the same transaction that resolves the
   * ticket; the PDF is then made, signed and sent to the citizen by the document service (src/documents).
   * A paper the law wants printed or handed over in person is refused with the reason.
   */
  private async issue(reference: TicketReference, slug: string, text: string, clerk: ClerkRow, actor: Actor, now: Date): Promise<ClerkOutcome> {
    const documents = documentServiceOf(this.database);
    if (!documents) return { kind: 'documents-unavailable' };
    const found = await this.ticket(this.database, reference, now);
    const template = findTemplate(documents.options.knowledgeDirectory, slug);
    if (!template) return { kind: 'unknown-document', ticket: found, template: slug, available: listTemplates(documents.options.knowledgeDirectory).map((candidate) => candidate.slug) };
    if (!issuedElectronically(template)) {
      return { kind: 'document-not-electronic', ticket: found, title: template.title, reason: template.reason ?? '', presence: template.requires_presence };
    }
    const { outcome, document } = await inTransaction(this.database, async (transaction) => {
      const ticket = await this.ticket(transaction, reference, now);
      // A resolved request may need its document again (the first one revoked, a second copy): it stays resolved.
      const status = isFinalStatus(ticket.status) ? ticket.status : this.transition(ticket, 'closed_with_answer');
      const registered = await documents.register(transaction, { ticket, template, text, clerk, actor }, now);
      const updated = await updateTicket(
        transaction,
        ticket.id,
        {
          status,
          closedAt: ticket.closedAt ?? now.toISOString(),
          firstResponseAt: ticket.firstResponseAt ?? now.toISOString(),
          assigneeClerkId: ticket.assigneeClerkId ?? clerk.id,
          unreadCitizenMessages: 0,
        },
        now,
      );
      const summary = { label: `${registered.number}/${registered.year}`, title: registered.title, code: registered.code, signed: registered.signed };
      return { outcome: { kind: 'document-issued', ticket: updated, document: summary } satisfies ClerkOutcome, document: registered };
    });
    documents.afterRegistered(document);
    return outcome;
  }

  /** With a last message the citizen got an answer ("rezolvat"); without one the ticket is simply closed. */
  private async close(reference: TicketReference, text: string, clerk: ClerkRow, actor: Actor, now: Date): Promise<ClerkOutcome> {
    const outcome = await inTransaction(this.database, async (transaction): Promise<ClerkOutcome> => {
      const ticket = await this.ticket(transaction, reference, now);
      const status = this.transition(ticket, text ? 'closed_with_answer' : 'closed');
      if (text) await this.queueCitizenMessage(transaction, ticket, (texts) => texts.clerkReply(ticketLabel(ticket), text), clerk, now);
      const updated = await updateTicket(
        transaction,
        ticket.id,
        { status, closedAt: now.toISOString(), firstResponseAt: ticket.firstResponseAt ?? (text ? now.toISOString() : null) },
        now,
      );
      await recordEvent(transaction, ticket.id, 'closed', actor, now, text ? { text } : {});
      return { kind: 'closed', ticket: updated, citizenMessaged: Boolean(text) };
    });
    if (text) this.onQueued();
    return outcome;
  }
}
