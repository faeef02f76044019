import { and, eq, gte, inArray, lt } from 'drizzle-orm';
import { inTransaction, type Database } from '../database/connection.ts';
import { contacts, conversations, indicatorArchive, messages, tickets, type TicketRow } from '../database/schema.ts';
import { citizenTexts } from '../conversation/texts.ts';
import { foldDiacritics, languages } from '../language.ts';
import { maskPersonalData } from '../logger.ts';
import { sourcesOf, type MessagePart } from '../messages.ts';
import { localDate } from '../tickets/deadlines.ts';
import { openStatuses, type TicketStatus } from '../tickets/ticket-store.ts';
import { townHallTimeZone, yearRange } from './year-range.ts';

// The figures the funded project reports on, computed from the database alone (so they can be checked
// by anyone with a copy of it). The admin page renders these; `functionar report` prints them.

/** The funded project's promise: 540 distinct users a year. */
export const yearlyUserTarget = 540;

export interface Indicators {
  year: number;
  generatedAt: string;
  users: {
    total: number;
    target: number;
    /** total / target, e.g. 0.42 for 42 % of the promise. */
    targetShare: number;
    byChannel: Record<string, number>;
    /** First contact this year. */
    newUsers: number;
    /** First contact in an earlier year. */
    returningUsers: number;
  };
  conversations: { total: number; answeredByAssistant: number; handedToClerk: number };
  tickets: {
    total: number;
    byStatus: Record<string, number>;
    byDepartment: Record<string, number>;
    byType: Record<string, number>;
    byChannel: Record<string, number>;
  };
  firstResponse: {
    /** Tickets a clerk answered. */
    answered: number;
    /** Open tickets still waiting for a first answer. */
    waiting: number;
    medianHours: number | null;
    p90Hours: number | null;
  };
  overdue: {
    /** Tickets answered (or closed) after their legal due date, plus open ones already past it. */
    count: number;
    share: number;
    answeredLate: number;
    openPastDue: number;
  };
  topProcedures: { slug: string; title: string; count: number }[];
  unanswered: {
    total: number;
    /** Questions the knowledge base could not answer, most frequent first (personal numbers masked). */
    questions: { text: string; count: number; reason: 'out_of_scope' | 'no_answer' }[];
  };
  /** Counts carried over from conversations the retention job deleted (already included above). */
  archived: { users: number; conversations: number };
}

export interface IndicatorOptions {
  year: number;
  now?: Date;
  /** Procedure titles for the top list (the knowledge base's Romanian titles); the slug otherwise. */
  titleOf?: (slug: string) => string | undefined;
  topLimit?: number;
}

function increment(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

function sortedCounts(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([leftKey, left], [rightKey, right]) => right - left || leftKey.localeCompare(rightKey)));
}

/** Nearest-rank percentile: the value below which `fraction` of the sorted values lie. */
export function percentile(sortedValues: readonly number[], fraction: number): number | null {
  if (sortedValues.length === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * sortedValues.length));
  return sortedValues[Math.min(rank, sortedValues.length) - 1] ?? null;
}

export function median(sortedValues: readonly number[]): number | null {
  if (sortedValues.length === 0) return null;
  const middle = Math.floor(sortedValues.length / 2);
  return sortedValues.length % 2 === 1 ? (sortedValues[middle] ?? null) : ((sortedValues[middle - 1] ?? 0) + (sortedValues[middle] ?? 0)) / 2;
}

const roundHours = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
const hoursBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3_600_000;

/** The local calendar year of a stored timestamp. */
export function yearOf(timestamp: string): number {
  return Number(localDate(new Date(timestamp), townHallTimeZone).slice(0, 4));
}

const ticketOfferTexts = new Set(languages.map((language) => citizenTexts[language].ticketOffer));

/** The procedure a bot answer was about: the best-ranked source of a procedure answer. */
export function procedureOfAnswer(row: { author: string; intent: string | null; parts: unknown[] | null }): string | undefined {
  if (row.author !== 'bot' || row.intent !== 'procedure') return undefined;
  return sourcesOf(row.parts as MessagePart[] | null)[0]?.slug;
}

/** Why a citizen's question went unanswered, judged from the pipeline's intent and the bot's reply. */
export function unansweredReason(question: { intent: string | null }, replyTexts: readonly string[]): 'out_of_scope' | 'no_answer' | undefined {
  if (question.intent === 'out_of_scope') return 'out_of_scope';
  if (replyTexts.some((text) => ticketOfferTexts.has(text))) return 'no_answer';
  return undefined;
}

function questionKey(text: string): string {
  return foldDiacritics(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function isOverdue(ticket: TicketRow, today: string): { late: boolean; open: boolean } {
  const answeredAt = ticket.firstResponseAt ?? ticket.closedAt;
  if (answeredAt) return { late: localDate(new Date(answeredAt), townHallTimeZone) > ticket.dueDate, open: false };
  const open = openStatuses.includes(ticket.status as TicketStatus);
  return { late: open && today > ticket.dueDate, open };
}

/** Users: whoever wrote to the bot this year, or filed a request without a conversation (Open311). */
function activeContactIdsOf(yearMessages: { direction: string; contactId: number }[], ticketsCreatedInYear: TicketRow[]): Set<number> {
  const ids = new Set<number>();
  for (const message of yearMessages) if (message.direction === 'inbound') ids.add(message.contactId);
  for (const ticket of ticketsCreatedInYear) ids.add(ticket.contactId);
  return ids;
}

/** Conversations: those with a citizen message this year, or that led to a ticket this year. */
function conversationIdsOf(yearMessages: { direction: string; conversationId: number }[], ticketsCreatedInYear: TicketRow[]): Set<number> {
  const ids = new Set<number>();
  for (const message of yearMessages) if (message.direction === 'inbound') ids.add(message.conversationId);
  for (const ticket of ticketsCreatedInYear) if (ticket.conversationId !== null) ids.add(ticket.conversationId);
  return ids;
}

/**
 * Everything the indicators count, read in one transaction: the retention job moves deleted conversations
 * into indicator_archive, and running between two of these reads it would have them counted twice or not at all.
 */
function readYear(database: Database, year: number, start: string, end: string) {
  return inTransaction(database, async (transaction) => {
    const yearMessages = await transaction
      .select({
        id: messages.id,
        contactId: messages.contactId,
        conversationId: messages.conversationId,
        channel: messages.channel,
        direction: messages.direction,
        author: messages.author,
        text: messages.text,
        intent: messages.intent,
        parts: messages.parts,
        inReplyTo: messages.inReplyTo,
        createdAt: messages.createdAt,
      })
      .from(messages)
      .where(and(gte(messages.createdAt, start), lt(messages.createdAt, end)));
    const yearTickets = await transaction.select().from(tickets).where(eq(tickets.year, year));
    const ticketsCreatedInYear = yearTickets.filter((ticket) => ticket.createdAt >= start && ticket.createdAt < end);
    const activeContactIds = activeContactIdsOf(yearMessages, ticketsCreatedInYear);
    const contactRows = activeContactIds.size === 0 ? [] : await transaction.select().from(contacts).where(inArray(contacts.id, [...activeContactIds]));
    const conversationIds = conversationIdsOf(yearMessages, ticketsCreatedInYear);
    const conversationRows =
      conversationIds.size === 0
        ? []
        : await transaction.select({ id: conversations.id, handedOver: conversations.handedOver }).from(conversations).where(inArray(conversations.id, [...conversationIds]));
    // What the retention job deleted still counts for its year.
    const archive = await transaction.select().from(indicatorArchive).where(eq(indicatorArchive.year, year));
    return { yearMessages, yearTickets, contactRows, conversationRows, archive };
  });
}

export async function computeIndicators(database: Database, options: IndicatorOptions): Promise<Indicators> {
  const now = options.now ?? new Date();
  const { start, end } = yearRange(options.year);
  const { yearMessages, yearTickets, contactRows, conversationRows, archive } = await readYear(database, options.year, start, end);

  const usersByChannel: Record<string, number> = {};
  let newUsers = 0;
  for (const contact of contactRows) {
    increment(usersByChannel, contact.channel);
    if (contact.createdAt >= start) newUsers += 1;
  }
  const handedToClerk = conversationRows.filter((row) => row.handedOver).length;

  // Tickets of the year (by registration number's year, as the registry counts them).
  const byStatus: Record<string, number> = {};
  const byDepartment: Record<string, number> = {};
  const byType: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  const responseHours: number[] = [];
  let waiting = 0;
  let answeredLate = 0;
  let openPastDue = 0;
  const today = localDate(now, townHallTimeZone);
  for (const ticket of yearTickets) {
    increment(byStatus, ticket.status);
    increment(byDepartment, ticket.department);
    increment(byType, ticket.type);
    increment(byChannel, ticket.channel);
    if (ticket.firstResponseAt) responseHours.push(hoursBetween(ticket.createdAt, ticket.firstResponseAt));
    else if (openStatuses.includes(ticket.status as TicketStatus)) waiting += 1;
    const overdue = isOverdue(ticket, today);
    if (overdue.late && overdue.open) openPastDue += 1;
    else if (overdue.late) answeredLate += 1;
  }
  responseHours.sort((left, right) => left - right);

  // What people asked about, and what the bot could not answer.
  const procedureCounts: Record<string, number> = {};
  const repliesByQuestion = new Map<number, string[]>();
  for (const message of yearMessages) {
    const slug = procedureOfAnswer(message);
    if (slug) increment(procedureCounts, slug);
    if (message.direction === 'outbound' && message.inReplyTo !== null) {
      repliesByQuestion.set(message.inReplyTo, [...(repliesByQuestion.get(message.inReplyTo) ?? []), message.text]);
    }
  }
  const unanswered = new Map<string, { text: string; count: number; reason: 'out_of_scope' | 'no_answer' }>();
  let unansweredTotal = 0;
  for (const message of yearMessages) {
    if (message.direction !== 'inbound') continue;
    const reason = unansweredReason(message, repliesByQuestion.get(message.id) ?? []);
    if (!reason) continue;
    unansweredTotal += 1;
    const key = questionKey(message.text);
    const entry = unanswered.get(key);
    if (entry) entry.count += 1;
    else unanswered.set(key, { text: maskPersonalData(message.text.replace(/\s+/g, ' ').trim().slice(0, 200)), count: 1, reason });
  }

  // What the retention job deleted still counts for its year.
  let archivedUsers = 0;
  let archivedConversations = 0;
  for (const row of archive) {
    if (row.metric === 'users') {
      increment(usersByChannel, row.key, row.value);
      archivedUsers += row.value;
    } else if (row.metric === 'new_users') newUsers += row.value;
    else if (row.metric === 'conversations') archivedConversations += row.value;
    else if (row.metric === 'procedure') increment(procedureCounts, row.key, row.value);
    else if (row.metric === 'unanswered') unansweredTotal += row.value;
  }

  const totalUsers = Object.values(usersByChannel).reduce((sum, value) => sum + value, 0);
  const topLimit = options.topLimit ?? 10;
  const overdueCount = answeredLate + openPastDue;
  return {
    year: options.year,
    generatedAt: now.toISOString(),
    users: {
      total: totalUsers,
      target: yearlyUserTarget,
      targetShare: Math.round((totalUsers / yearlyUserTarget) * 1000) / 1000,
      byChannel: sortedCounts(usersByChannel),
      newUsers,
      returningUsers: totalUsers - newUsers,
    },
    conversations: {
      total: conversationRows.length + archivedConversations,
      answeredByAssistant: conversationRows.length - handedToClerk + archivedConversations,
      handedToClerk,
    },
    tickets: {
      total: yearTickets.length,
      byStatus: sortedCounts(byStatus),
      byDepartment: sortedCounts(byDepartment),
      byType: sortedCounts(byType),
      byChannel: sortedCounts(byChannel),
    },
    firstResponse: {
      answered: responseHours.length,
      waiting,
      medianHours: roundHours(median(responseHours)),
      p90Hours: roundHours(percentile(responseHours, 0.9)),
    },
    overdue: {
      count: overdueCount,
      share: yearTickets.length === 0 ? 0 : Math.round((overdueCount / yearTickets.length) * 1000) / 1000,
      answeredLate,
      openPastDue,
    },
    topProcedures: Object.entries(sortedCounts(procedureCounts))
      .slice(0, topLimit)
      .map(([slug, count]) => ({ slug, title: options.titleOf?.(slug) ?? slug, count })),
    unanswered: {
      total: unansweredTotal,
      questions: [...unanswered.values()].sort((left, right) => right.count - left.count || left.text.localeCompare(right.text)).slice(0, 20),
    },
    archived: { users: archivedUsers, conversations: archivedConversations },
  };
}
