import type { Database, Executor } from '../database/connection.ts';
import { inTransaction } from '../database/connection.ts';
import type { ClerkRow, TicketRow } from '../database/schema.ts';
import { currentConversation, findContactById, insertOutboundMessage, messagesOfContact } from '../conversation/conversation-store.ts';
import { citizenTexts, type CitizenTexts } from '../conversation/texts.ts';
import { isLanguage, type Language } from '../language.ts';
import type { Logger } from '../logger.ts';
import { enqueue } from '../outbox/outbox-store.ts';
import { ClerkCommandSyntaxError, parseClerkCommand, type ClerkCommand, type TicketReference } from './clerk-command-parser.ts';
import { findClerk, listClerks, type ClerkIdentityChannel } from './clerk-directory.ts';
import { extendedDueDate } from './deadline-extension.ts';
import { formatDate, localDate } from './deadlines.ts';
import {
  eventsOfTicket,
  findTicket,
  listTickets,
  openStatuses,
  recordEvent,
  statusLabels,
  ticketLabel,
  updateTicket,
  type Actor,
  type TicketStatus,
} from './ticket-store.ts';

export const departmentIds = ['urbanism', 'taxe-impozite', 'registru-agricol', 'stare-civila', 'asistenta-sociala', 'registratura', 'secretariat'];

export interface ClerkIdentity {
  /** Which registered identity to look the clerk up by. */
  kind: ClerkIdentityChannel;
  value: string;
  /** The channel the command came from, for the audit trail ("telegram", "teams", "cli", "web"). */
  channel: string;
}

export interface ClerkCommandOutcome {
  allowed: boolean;
  ok: boolean;
  /** What the clerk is shown. */
  text: string;
  ticket?: TicketRow;
  clerk?: ClerkRow;
}

const quietEventKinds = new Set(['viewed', 'command_failed']);

class CommandFailure extends Error {
  constructor(
    message: string,
    /** The ticket the refused command was about, when it exists: the refusal shows in its history. */
    readonly ticketId: number | null = null,
  ) {
    super(message);
  }
}

/** Runs the reply commands for every clerk channel; each step that changes data is one transaction. */
export class ClerkCommandRunner {
  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
    /** Called after a commit that queued messages, so the outbox sends them without waiting to poll. */
    private readonly onQueued: () => void,
  ) {}

  identify(identity: Pick<ClerkIdentity, 'kind' | 'value'>): ClerkRow | undefined {
    return findClerk(this.database, identity.kind, identity.value);
  }

  run(identity: ClerkIdentity, text: string): ClerkCommandOutcome {
    const now = new Date();
    const clerk = this.identify(identity);
    if (!clerk) {
      recordEvent(this.database, null, 'command_refused', { type: 'unknown', id: `${identity.kind}:${identity.value}`, channel: identity.channel }, now, {
        command: text.slice(0, 200),
      });
      this.logger.warn({ channel: identity.channel }, 'clerk command refused: identity is not a registered clerk');
      return { allowed: false, ok: false, text: 'Nu aveți dreptul să folosiți comenzile pentru funcționari. Nimic nu a fost modificat.' };
    }
    const actor: Actor = { type: 'clerk', id: String(clerk.id), channel: identity.channel };
    let command: ClerkCommand;
    try {
      command = parseClerkCommand(text);
    } catch (error) {
      if (!(error instanceof ClerkCommandSyntaxError)) throw error;
      recordEvent(this.database, null, 'command_invalid', actor, now, { command: text.slice(0, 200) });
      return { allowed: true, ok: false, text: error.message, clerk };
    }
    try {
      const outcome = this.execute(command, clerk, actor, now);
      return { allowed: true, ok: true, clerk, ...outcome };
    } catch (error) {
      if (!(error instanceof CommandFailure)) throw error;
      // Every command leaves a trace, also one that changed nothing (the change itself was rolled back).
      recordEvent(this.database, error.ticketId, 'command_failed', actor, now, { command: text.slice(0, 200), reason: error.message });
      return { allowed: true, ok: false, text: error.message, clerk };
    }
  }

  private execute(command: ClerkCommand, clerk: ClerkRow, actor: Actor, now: Date): { text: string; ticket?: TicketRow } {
    switch (command.name) {
      case 'list': {
        const listing = this.list(command.filter, clerk, now);
        recordEvent(this.database, null, 'tickets_listed', actor, now, { filter: command.filter, count: listing.count });
        return { text: listing.text };
      }
      case 'show': {
        const ticket = this.ticket(this.database, command.ticket, now);
        // Reading a citizen's request is recorded too: who saw which personal data, and when.
        recordEvent(this.database, ticket.id, 'viewed', actor, now);
        return { text: this.describe(ticket), ticket };
      }
      case 'extend':
        return this.extend(command.ticket, command.reason, clerk, actor, now);
      case 'reply':
        return this.reply(command.ticket, command.text, clerk, actor, now);
      case 'note':
        return inTransaction(this.database, (transaction) => {
          const ticket = this.ticket(transaction, command.ticket, now);
          recordEvent(transaction, ticket.id, 'note', actor, now, { text: command.text });
          return { text: `Notă internă adăugată la ${ticketLabel(ticket)}.`, ticket };
        });
      case 'assign':
        return this.assign(command.ticket, command.target, actor, now);
      case 'take':
        return inTransaction(this.database, (transaction) => {
          const ticket = this.ticket(transaction, command.ticket, now);
          const updated = updateTicket(transaction, ticket.id, { assigneeClerkId: clerk.id, status: ticket.status === 'nou' ? 'in_lucru' : ticket.status }, now);
          recordEvent(transaction, ticket.id, 'assigned', actor, now, { clerkId: clerk.id, clerk: clerk.name });
          return { text: `${ticketLabel(ticket)} vă este alocat (${clerk.name}).`, ticket: updated };
        });
      case 'close':
        return this.close(command.ticket, command.text, clerk, actor, now);
    }
  }

  private ticket(executor: Executor, reference: TicketReference, now: Date): TicketRow {
    const year = reference.year ?? Number(localDate(now).slice(0, 4));
    const ticket = findTicket(executor, { number: reference.number, year });
    if (!ticket) throw new CommandFailure(`Tichetul ${reference.number}/${year} nu există.`);
    return ticket;
  }

  private list(filter: 'open' | 'mine' | 'overdue' | 'all', clerk: ClerkRow, now: Date): { text: string; count: number } {
    const today = localDate(now);
    const rows = listTickets(this.database, {
      openOnly: filter === 'open' || filter === 'mine',
      assigneeClerkId: filter === 'mine' ? clerk.id : undefined,
      overdueOn: filter === 'overdue' ? today : undefined,
    });
    if (rows.length === 0) return { text: 'Niciun tichet.', count: 0 };
    const lines = rows.slice(0, 30).map((ticket) => {
      const overdue = ticket.dueDate < today && ['nou', 'in_lucru', 'asteapta_cetatean'].includes(ticket.status) ? ' ⚠ întârziat' : '';
      return `${ticketLabel(ticket)} · ${statusLabels[ticket.status as TicketStatus]?.ro ?? ticket.status} · ${ticket.department} · termen ${formatDate(ticket.dueDate)}${overdue} · ${ticket.subject.slice(0, 60)}`;
    });
    return { text: [`${rows.length} tichete:`, ...lines, rows.length > 30 ? `… și încă ${rows.length - 30}` : ''].filter(Boolean).join('\n'), count: rows.length };
  }

  describe(ticket: TicketRow): string {
    const contact = findContactById(this.database, ticket.contactId);
    const history = messagesOfContact(this.database, ticket.contactId)
      .filter((message) => ticket.conversationId === null || message.conversationId === ticket.conversationId)
      .slice(-8)
      .map((message) => `  ${message.author === 'citizen' ? 'cetățean' : message.author === 'clerk' ? 'funcționar' : 'bot'}: ${message.text.slice(0, 200).replace(/\n/g, ' ')}`);
    // What happened to the request, not who looked at it: reads and refused commands stay in the audit trail only.
    const events = eventsOfTicket(this.database, ticket.id).filter((event) => !quietEventKinds.has(event.kind)).map((event) => `  ${event.createdAt.slice(0, 16).replace('T', ' ')} ${event.kind}${event.detail && 'text' in event.detail ? `: ${String(event.detail.text).slice(0, 120)}` : ''}`);
    const assignee = ticket.assigneeClerkId ? listClerks(this.database).find((clerk) => clerk.id === ticket.assigneeClerkId)?.name : undefined;
    return [
      `Tichet ${ticketLabel(ticket)} — ${ticket.subject}`,
      `Tip: ${ticket.type}${ticket.handover ? ' (cere un funcționar)' : ''} · Compartiment: ${ticket.department} · Stare: ${statusLabels[ticket.status as TicketStatus]?.ro ?? ticket.status}`,
      `Termen legal: ${formatDate(ticket.dueDate)} (${ticket.dueRule})`,
      `Canal: ${ticket.channel}${contact?.displayName ? ` · ${contact.displayName}` : ''}${ticket.citizenName ? ` · Nume: ${ticket.citizenName}` : ''}${ticket.citizenPhone ? ` · Tel: ${ticket.citizenPhone}` : ''}${ticket.citizenEmail ? ` · E-mail: ${ticket.citizenEmail}` : ''}`,
      assignee ? `Alocat: ${assignee}` : 'Nealocat',
      `Text: ${ticket.text}`,
      history.length > 0 ? `Conversație:\n${history.join('\n')}` : '',
      events.length > 0 ? `Istoric:\n${events.join('\n')}` : '',
    ]
      .filter(Boolean)
      .join('\n');
  }

  /** Writes to the citizen in their conversation's language; `compose` picks the text from that language's set. */
  private queueCitizenMessage(transaction: Executor, ticket: TicketRow, compose: (texts: CitizenTexts) => string, clerk: ClerkRow, now: Date): void {
    const contact = findContactById(transaction, ticket.contactId);
    if (!contact) throw new CommandFailure(`Cetățeanul tichetului ${ticketLabel(ticket)} nu mai există.`);
    const conversation = currentConversation(transaction, contact, contact.language ?? 'ro', now);
    const language: Language = isLanguage(conversation.language) ? conversation.language : 'ro';
    const body = compose(citizenTexts[language]);
    const stored = insertOutboundMessage(
      transaction,
      { conversationId: conversation.id, contactId: contact.id, channel: contact.channel, author: 'clerk', text: body, parts: [], ticketId: ticket.id, clerkId: clerk.id },
      now,
    );
    enqueue(
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

  private reply(reference: TicketReference, text: string, clerk: ClerkRow, actor: Actor, now: Date): { text: string; ticket: TicketRow } {
    const result = inTransaction(this.database, (transaction) => {
      const ticket = this.ticket(transaction, reference, now);
      if (ticket.status === 'inchis') throw new CommandFailure(`${ticketLabel(ticket)} este închis; nu se mai poate răspunde.`, ticket.id);
      this.queueCitizenMessage(transaction, ticket, (texts) => texts.clerkReply(ticketLabel(ticket), text), clerk, now);
      const updated = updateTicket(
        transaction,
        ticket.id,
        {
          status: ticket.status === 'nou' ? 'in_lucru' : ticket.status,
          firstResponseAt: ticket.firstResponseAt ?? now.toISOString(),
          assigneeClerkId: ticket.assigneeClerkId ?? clerk.id,
        },
        now,
      );
      recordEvent(transaction, ticket.id, 'reply', actor, now, { text });
      // On Open311 the answer becomes the request's public status_notes (as OPEN311_PUBLISH allows): say so.
      const published = ticket.channel === 'open311' ? ' Cerere Open311: răspunsul apare public în API (status_notes), după regula primăriei OPEN311_PUBLISH.' : '';
      return { text: `Răspuns trimis cetățeanului pentru ${ticketLabel(ticket)} (canal ${ticket.channel}).${published}`, ticket: updated };
    });
    this.onQueued();
    return result;
  }

  /**
   * One extension per ticket, with a reason the citizen is told: petitions (and reports, which OG 27/2002
   * treats as petitions) get 15 more days (art. 9); public-information requests go from 10 to 30 days
   * (Legea 544/2001 art. 7). Counted from registration, like the first term, and decided before it runs out.
   */
  private extend(reference: TicketReference, reason: string, clerk: ClerkRow, actor: Actor, now: Date): { text: string; ticket: TicketRow } {
    const result = inTransaction(this.database, (transaction) => {
      const ticket = this.ticket(transaction, reference, now);
      const label = ticketLabel(ticket);
      if (!openStatuses.includes(ticket.status as TicketStatus)) {
        throw new CommandFailure(`${label} este ${statusLabels[ticket.status as TicketStatus]?.ro ?? ticket.status}; termenul nu se mai prelungește.`, ticket.id);
      }
      const extension = extendedDueDate(ticket.type, localDate(new Date(ticket.createdAt)));
      if (!extension) {
        throw new CommandFailure(
          `Termenul unui tichet de tip „${ticket.type}” nu se prelungește: legea permite prelungirea doar la petiții (OG 27/2002, art. 9) și la cererile de informații publice (Legea 544/2001, art. 7).`,
          ticket.id,
        );
      }
      if (eventsOfTicket(transaction, ticket.id).some((event) => event.kind === 'deadline_extended')) {
        throw new CommandFailure(`Termenul tichetului ${label} a fost deja prelungit; legea permite o singură prelungire.`, ticket.id);
      }
      if (ticket.dueDate < localDate(now)) {
        throw new CommandFailure(`Termenul tichetului ${label} a expirat la ${formatDate(ticket.dueDate)}; prelungirea se hotărăște și se comunică înainte de expirare.`, ticket.id);
      }
      const extendedDue = extension.dueDate;
      if (extendedDue <= ticket.dueDate) {
        throw new CommandFailure(`Termenul tichetului ${label} (${formatDate(ticket.dueDate)}) este deja mai lung decât cel prelungit legal.`, ticket.id);
      }
      const updated = updateTicket(transaction, ticket.id, { dueDate: extendedDue, dueRule: `${ticket.dueRule}; prelungit: ${extension.basis}` }, now);
      recordEvent(transaction, ticket.id, 'deadline_extended', actor, now, { reason, previousDueDate: ticket.dueDate, dueDate: extendedDue, basis: extension.basis });
      this.queueCitizenMessage(transaction, ticket, (texts) => texts.deadlineExtended(label, formatDate(extendedDue), reason, extension.basis), clerk, now);
      return { text: `Termenul tichetului ${label} a fost prelungit până la ${formatDate(extendedDue)} (${extension.basis}). Cetățeanul a primit motivul.`, ticket: updated };
    });
    this.onQueued();
    return result;
  }

  private assign(reference: TicketReference, target: string, actor: Actor, now: Date): { text: string; ticket: TicketRow } {
    return inTransaction(this.database, (transaction) => {
      const ticket = this.ticket(transaction, reference, now);
      const department = departmentIds.find((id) => id === target.toLowerCase());
      if (department) {
        const updated = updateTicket(transaction, ticket.id, { department, assigneeClerkId: null }, now);
        recordEvent(transaction, ticket.id, 'assigned', actor, now, { department });
        return { text: `${ticketLabel(ticket)} mutat la compartimentul ${department}.`, ticket: updated };
      }
      const clerk = listClerks(transaction).find((candidate) => candidate.name.toLowerCase() === target.toLowerCase());
      if (!clerk) throw new CommandFailure(`„${target}” nu este nici compartiment (${departmentIds.join(', ')}), nici funcționar înregistrat.`, ticket.id);
      const updated = updateTicket(transaction, ticket.id, { assigneeClerkId: clerk.id }, now);
      recordEvent(transaction, ticket.id, 'assigned', actor, now, { clerkId: clerk.id, clerk: clerk.name });
      return { text: `${ticketLabel(ticket)} alocat lui ${clerk.name}.`, ticket: updated };
    });
  }

  private close(reference: TicketReference, text: string, clerk: ClerkRow, actor: Actor, now: Date): { text: string; ticket: TicketRow } {
    const result = inTransaction(this.database, (transaction) => {
      const ticket = this.ticket(transaction, reference, now);
      if (ticket.status === 'inchis') throw new CommandFailure(`${ticketLabel(ticket)} este deja închis.`, ticket.id);
      if (text) this.queueCitizenMessage(transaction, ticket, (texts) => texts.clerkReply(ticketLabel(ticket), text), clerk, now);
      const updated = updateTicket(
        transaction,
        ticket.id,
        { status: 'inchis', closedAt: now.toISOString(), firstResponseAt: ticket.firstResponseAt ?? (text ? now.toISOString() : null) },
        now,
      );
      recordEvent(transaction, ticket.id, 'closed', actor, now, text ? { text } : {});
      return { text: `${ticketLabel(ticket)} închis.${text ? ' Cetățeanul a primit mesajul.' : ''}`, ticket: updated };
    });
    if (text) this.onQueued();
    return result;
  }
}
