import { and, eq, inArray, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Executor } from '../database/connection.ts';
import { likeIgnoringCase } from '../database/sql-dialect.ts';
import { messages, ticketEvents, tickets, type ClerkRow, type TicketRow } from '../database/schema.ts';
import { localDate } from '../tickets/deadlines.ts';
import { listTickets, openStatuses, ticketStatuses, type TicketStatus } from '../tickets/ticket-store.ts';

// The inbox's filters live in the query string (?status=open&department=urbanism&assignee=me&overdue=1&q=…),
// so a filtered view can be bookmarked or linked from a Teams card.

export type StatusFilter = 'open' | 'all' | TicketStatus;
export type AssigneeFilter = 'any' | 'me' | 'none' | number;

export interface InboxFilters {
  status: StatusFilter;
  department: string | undefined;
  assignee: AssigneeFilter;
  overdue: boolean;
  /** Search: a number ("12" or "12/2026"), a citizen's name, or words from the request or its thread. */
  search: string;
}

export interface InboxQueryString {
  status?: string;
  department?: string;
  assignee?: string;
  overdue?: string;
  q?: string;
}

/** The most rows one page shows; the summary says when there are more. */
export const inboxPageSize = 200;

/** The longest search text taken; longer input is cut (it is only ever a parameter, never SQL). */
export const searchMaximumLength = 100;

export function parseInboxFilters(query: InboxQueryString, departments: readonly string[]): InboxFilters {
  const search = (query.q ?? '').replace(/\s+/g, ' ').trim().slice(0, searchMaximumLength);
  // A search looks in every ticket, closed ones too, unless the clerk also picked a status.
  const defaultStatus: StatusFilter = search ? 'all' : 'open';
  const status: StatusFilter =
    query.status === 'all' || query.status === 'open' ? query.status : ticketStatuses.includes(query.status as TicketStatus) ? (query.status as TicketStatus) : defaultStatus;
  const department = query.department && departments.includes(query.department) ? query.department : undefined;
  let assignee: AssigneeFilter = 'any';
  if (query.assignee === 'me' || query.assignee === 'none') assignee = query.assignee;
  else if (query.assignee && /^\d{1,9}$/.test(query.assignee)) assignee = Number(query.assignee);
  return { status, department, assignee, overdue: query.overdue === '1' || query.overdue === 'on', search };
}

export function isOverdue(ticket: TicketRow, today: string): boolean {
  return ticket.dueDate < today && openStatuses.includes(ticket.status as TicketStatus);
}

/** Tickets matching the filters, soonest due date first. */
export async function inboxTickets(executor: Executor, filters: InboxFilters, clerk: ClerkRow, now: Date): Promise<TicketRow[]> {
  const today = localDate(now);
  const assigneeClerkId = filters.assignee === 'me' ? clerk.id : typeof filters.assignee === 'number' ? filters.assignee : undefined;
  const rows = await listTickets(executor, {
    status: filters.status === 'open' || filters.status === 'all' ? undefined : filters.status,
    openOnly: filters.status === 'open',
    department: filters.department,
    assigneeClerkId,
    overdueOn: filters.overdue ? today : undefined,
  });
  const assigned = filters.assignee === 'none' ? rows.filter((ticket) => ticket.assigneeClerkId === null) : rows;
  if (!filters.search) return assigned;
  const found = new Set(await searchTicketIds(executor, filters.search));
  return assigned.filter((ticket) => found.has(ticket.id));
}

/** A case-insensitive LIKE with the search text as a parameter; its own % and _ are matched literally. */
function contains(executor: Executor, column: SQLWrapper, text: string): SQL {
  const pattern = `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return likeIgnoringCase(executor, column, pattern);
}

/**
 * Ids of the tickets a search finds: "12" or "12/2026" is a ticket number (of any year, or that year), only;
 * anything else is looked for in the citizen's name, phone and e-mail, the subject and text, and the
 * messages of the ticket's thread.
 */
export async function searchTicketIds(executor: Executor, search: string): Promise<number[]> {
  const number = /^(?:nr\.?\s*)?(\d{1,6})(?:\s*\/\s*(\d{4}))?$/i.exec(search);
  const byNumber = number ? and(eq(tickets.number, Number(number[1])), number[2] ? eq(tickets.year, Number(number[2])) : undefined) : undefined;
  const inThread = sql`exists (select 1 from ${messages} where ${messages.ticketId} = ${tickets.id} and ${contains(executor, messages.text, search)})`;
  const byText = or(
    contains(executor, tickets.citizenName, search),
    contains(executor, tickets.citizenPhone, search),
    contains(executor, tickets.citizenEmail, search),
    contains(executor, tickets.subject, search),
    contains(executor, tickets.text, search),
    inThread,
  );
  const rows = await executor
    .select({ id: tickets.id })
    .from(tickets)
    .where(byNumber ?? byText);
  return rows.map((row) => row.id);
}

/** Citizen messages no clerk has opened yet, over the tickets shown. */
export function unreadTotal(rows: readonly TicketRow[]): number {
  return rows.reduce((total, ticket) => total + ticket.unreadCitizenMessages, 0);
}

/** The query string of a filter set, for links that keep the current view. */
export function filtersQueryString(filters: InboxFilters): string {
  const parameters = new URLSearchParams();
  if (filters.status !== 'open') parameters.set('status', filters.status);
  if (filters.department) parameters.set('department', filters.department);
  if (filters.assignee !== 'any') parameters.set('assignee', String(filters.assignee));
  if (filters.overdue) parameters.set('overdue', '1');
  if (filters.search) parameters.set('q', filters.search);
  const text = parameters.toString();
  return text ? `?${text}` : '';
}

/** Of these tickets, those some clerk has opened (a `viewed` event, from any surface): the others are marked new. */
export async function openedTicketIds(executor: Executor, ticketIds: readonly number[]): Promise<Set<number>> {
  if (ticketIds.length === 0) return new Set();
  const rows = await executor
    .selectDistinct({ ticketId: ticketEvents.ticketId })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.kind, 'viewed'), inArray(ticketEvents.ticketId, [...ticketIds])));
  return new Set(rows.map((row) => row.ticketId).filter((id): id is number => id !== null));
}
