import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import { archiveEntryIdForNewRecord } from '../archive/nomenclator.ts';
import { firstRow, returnedRow, type Executor } from '../database/connection.ts';
import { nextNumber } from '../database/number-sequences.ts';
import { ticketEvents, tickets, type TicketEventRow, type TicketRow } from '../database/schema.ts';
import type { DeadlineRule, TicketType } from './deadlines.ts';
import { dueDate, localDate } from './deadlines.ts';
import { openStatuses } from './ticket-states.ts';

// Statuses and their transitions live in ticket-states.ts, their names in ticket-labels.ts.
export { openStatuses, ticketStatuses, type TicketStatus } from './ticket-states.ts';

export function ticketLabel(ticket: Pick<TicketRow, 'number' | 'year'>): string {
  return `${ticket.number}/${ticket.year}`;
}

export interface NewTicket {
  contactId: number;
  conversationId: number | null;
  channel: string;
  type: TicketType;
  subject: string;
  text: string;
  procedureSlug?: string;
  department: string;
  handover?: boolean;
  citizenName?: string;
  citizenPhone?: string;
  citizenEmail?: string;
  consentAt?: string;
  consentVersion?: string;
  deadline: DeadlineRule;
}

export interface Actor {
  type: TicketEventRow['actorType'];
  id?: string;
  channel?: string;
}

/**
 * Creates a ticket with the next number of its year. Must run inside a transaction that also holds
 * whatever else this step writes: the number is taken and used in one atomic step, so no gaps, no twins.
 */
export async function createTicket(executor: Executor, input: NewTicket, now: Date, actor: Actor): Promise<TicketRow> {
  const registeredOn = localDate(now);
  const year = Number(registeredOn.slice(0, 4));
  const number = await nextNumber(executor, 'tickets', year);
  const timestamp = now.toISOString();
  const ticket = await returnedRow(
    executor
      .insert(tickets)
      .values({
        year,
        number,
        contactId: input.contactId,
        conversationId: input.conversationId,
        channel: input.channel,
        type: input.type,
        subject: input.subject,
        text: input.text,
        procedureSlug: input.procedureSlug,
        department: input.department,
        handover: input.handover ?? false,
        citizenName: input.citizenName,
        citizenPhone: input.citizenPhone,
        citizenEmail: input.citizenEmail,
        consentAt: input.consentAt,
        consentVersion: input.consentVersion,
        dueDate: dueDate(registeredOn, input.deadline),
        dueRule: input.deadline.basis,
        status: 'nou',
        // Filed under the archive index entry of its procedure or department (knowledge/archive-nomenclator.yaml).
        archiveEntry: archiveEntryIdForNewRecord(input),
        createdAt: timestamp,
        updatedAt: timestamp,
      })
      .returning(),
  );
  await recordEvent(executor, ticket.id, 'created', actor, now, {
    type: input.type,
    department: input.department,
    handover: input.handover ?? false,
  });
  return ticket;
}

export async function recordEvent(
  executor: Executor,
  ticketId: number | null,
  kind: string,
  actor: Actor,
  now: Date,
  detail?: Record<string, unknown>,
): Promise<void> {
  await executor.insert(ticketEvents).values({
    ticketId,
    kind,
    actorType: actor.type,
    actorId: actor.id,
    channel: actor.channel,
    detail,
    createdAt: now.toISOString(),
  });
}

export function findTicket(executor: Executor, reference: { number: number; year: number }): Promise<TicketRow | undefined> {
  return firstRow(
    executor
      .select()
      .from(tickets)
      .where(and(eq(tickets.number, reference.number), eq(tickets.year, reference.year))),
  );
}

export async function ticketsOfContact(executor: Executor, contactId: number): Promise<TicketRow[]> {
  return executor.select().from(tickets).where(eq(tickets.contactId, contactId)).orderBy(desc(tickets.id));
}

export function openHandoverTicket(executor: Executor, contactId: number): Promise<TicketRow | undefined> {
  return firstRow(
    executor
      .select()
      .from(tickets)
      .where(and(eq(tickets.contactId, contactId), eq(tickets.handover, true), inArray(tickets.status, openStatuses)))
      .orderBy(desc(tickets.id))
      .limit(1),
  );
}

export async function eventsOfTicket(executor: Executor, ticketId: number): Promise<TicketEventRow[]> {
  return executor.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.id));
}

export interface TicketQuery {
  status?: string;
  openOnly?: boolean;
  assigneeClerkId?: number;
  overdueOn?: string;
  department?: string;
}

export async function listTickets(executor: Executor, query: TicketQuery = {}): Promise<TicketRow[]> {
  const conditions = [
    query.status ? eq(tickets.status, query.status) : undefined,
    query.openOnly || query.overdueOn ? inArray(tickets.status, openStatuses) : undefined,
    query.assigneeClerkId !== undefined ? eq(tickets.assigneeClerkId, query.assigneeClerkId) : undefined,
    query.overdueOn ? lt(tickets.dueDate, query.overdueOn) : undefined,
    query.department ? eq(tickets.department, query.department) : undefined,
  ].filter((condition) => condition !== undefined);
  return executor
    .select()
    .from(tickets)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(asc(tickets.dueDate), asc(tickets.id));
}

export async function updateTicket(executor: Executor, ticketId: number, changes: Partial<TicketRow>, now: Date): Promise<TicketRow> {
  return returnedRow(
    executor
      .update(tickets)
      .set({ ...changes, updatedAt: now.toISOString() })
      .where(eq(tickets.id, ticketId))
      .returning(),
  );
}
