import type { Executor } from '../database/connection.ts';
import type { ClerkRow, TicketRow } from '../database/schema.ts';
import { localDate } from '../tickets/deadlines.ts';
import { listTickets, openStatuses, ticketStatuses, type TicketStatus } from '../tickets/ticket-store.ts';

// The inbox's filters live in the query string (?status=open&department=urbanism&assignee=me&overdue=1),
// so a filtered view can be bookmarked or linked from a Teams card.

export type StatusFilter = 'open' | 'all' | TicketStatus;
export type AssigneeFilter = 'any' | 'me' | 'none' | number;

export interface InboxFilters {
  status: StatusFilter;
  department: string | undefined;
  assignee: AssigneeFilter;
  overdue: boolean;
}

export interface InboxQueryString {
  status?: string;
  department?: string;
  assignee?: string;
  overdue?: string;
}

/** The most rows one page shows; the summary says when there are more. */
export const inboxPageSize = 200;

export function parseInboxFilters(query: InboxQueryString, departments: readonly string[]): InboxFilters {
  const status: StatusFilter =
    query.status === 'all' || query.status === 'open' ? query.status : ticketStatuses.includes(query.status as TicketStatus) ? (query.status as TicketStatus) : 'open';
  const department = query.department && departments.includes(query.department) ? query.department : undefined;
  let assignee: AssigneeFilter = 'any';
  if (query.assignee === 'me' || query.assignee === 'none') assignee = query.assignee;
  else if (query.assignee && /^\d{1,9}$/.test(query.assignee)) assignee = Number(query.assignee);
  return { status, department, assignee, overdue: query.overdue === '1' || query.overdue === 'on' };
}

export function isOverdue(ticket: TicketRow, today: string): boolean {
  return ticket.dueDate < today && openStatuses.includes(ticket.status as TicketStatus);
}

/** Tickets matching the filters, soonest due date first. */
export function inboxTickets(executor: Executor, filters: InboxFilters, clerk: ClerkRow, now: Date): TicketRow[] {
  const today = localDate(now);
  const assigneeClerkId = filters.assignee === 'me' ? clerk.id : typeof filters.assignee === 'number' ? filters.assignee : undefined;
  const rows = listTickets(executor, {
    status: filters.status === 'open' || filters.status === 'all' ? undefined : filters.status,
    openOnly: filters.status === 'open',
    department: filters.department,
    assigneeClerkId,
    overdueOn: filters.overdue ? today : undefined,
  });
  return filters.assignee === 'none' ? rows.filter((ticket) => ticket.assigneeClerkId === null) : rows;
}

/** The query string of a filter set, for links that keep the current view. */
export function filtersQueryString(filters: InboxFilters): string {
  const parameters = new URLSearchParams();
  if (filters.status !== 'open') parameters.set('status', filters.status);
  if (filters.department) parameters.set('department', filters.department);
  if (filters.assignee !== 'any') parameters.set('assignee', String(filters.assignee));
  if (filters.overdue) parameters.set('overdue', '1');
  const text = parameters.toString();
  return text ? `?${text}` : '';
}
