import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { ChannelStateStore } from '../gateway/channel-state-store.ts';
import type { Database, Executor } from '../database/connection.ts';
import { firstRow, inTransaction } from '../database/connection.ts';
import { ticketEvents, tickets, type ClerkRow, type TicketRow } from '../database/schema.ts';
import { jsonField } from '../database/sql-dialect.ts';
import type { OutboundMessage } from '../messages.ts';
import { lockJob } from '../database/job-locks.ts';
import { enqueue } from '../outbox/outbox-store.ts';
import { clerksOfDepartment, listClerks } from './clerk-directory.ts';
import { formatDate, localDate, type CalendarDate } from './deadlines.ts';
import { departmentName, statusLabel } from './ticket-labels.ts';
import { openStatuses, recordEvent, ticketLabel } from './ticket-store.ts';

// The morning digest: for each department, its open tickets that are overdue or due within three days,
// sent to each of its clerks on the staff channels that can reach one person (Teams, Telegram) through
// the outbox, so a channel that is down gets it later instead of never.

export const digestHorizonDays = 3;

export interface DepartmentDigest {
  department: string;
  overdue: TicketRow[];
  dueSoon: TicketRow[];
}

export interface DigestMessage {
  department: string;
  clerk: string;
  channel: string;
  recipient: string;
  message: OutboundMessage;
}

export interface DigestReport {
  date: CalendarDate;
  departments: DepartmentDigest[];
  /** What was (or, in a dry run, would be) queued: one message per clerk and channel. */
  messages: DigestMessage[];
  /** Departments with due tickets but no clerk the digest can reach, so nobody hears of them this way. */
  unreached: string[];
}

/** How each staff channel reaches one clerk; a channel missing here (web chat, WhatsApp) gets no digest. */
export const clerkAddresses: { channel: string; addressOf(clerk: ClerkRow, executor: Executor): Promise<string | undefined> }[] = [
  // A Telegram user's private chat with the bot has the user's id.
  { channel: 'telegram', addressOf: async (clerk) => clerk.telegramId ?? undefined },
  // Teams needs a conversation the clerk opened with the bot; the Teams channel keeps it in its state, keyed by the AAD object id.
  {
    channel: 'teams',
    addressOf: async (clerk, executor) => (clerk.teamsId && (await new ChannelStateStore(executor, 'teams').get(`conversation:${clerk.teamsId}`)) ? clerk.teamsId : undefined),
  },
];

/** The addresses that reach one clerk privately, on the channels given (all when none), in clerkAddresses' order. */
export async function addressesOfClerk(executor: Executor, clerk: ClerkRow, channels?: ReadonlySet<string>): Promise<{ channel: string; recipient: string }[]> {
  const addresses: { channel: string; recipient: string }[] = [];
  for (const { channel, addressOf } of clerkAddresses) {
    if (channels && !channels.has(channel)) continue;
    const recipient = await addressOf(clerk, executor);
    if (recipient) addresses.push({ channel, recipient });
  }
  return addresses;
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  const result = new Date(`${date}T00:00:00Z`);
  result.setUTCDate(result.getUTCDate() + days);
  return result.toISOString().slice(0, 10);
}

function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Open tickets overdue or due within the horizon, grouped by department, most urgent first. */
export async function collectDigest(executor: Executor, today: CalendarDate): Promise<DepartmentDigest[]> {
  const horizon = addDays(today, digestHorizonDays);
  const rows = await executor
    .select()
    .from(tickets)
    .where(and(inArray(tickets.status, openStatuses), lte(tickets.dueDate, horizon)))
    .orderBy(tickets.department, tickets.dueDate, tickets.id);
  const byDepartment = new Map<string, DepartmentDigest>();
  for (const ticket of rows) {
    const digest = byDepartment.get(ticket.department) ?? { department: ticket.department, overdue: [], dueSoon: [] };
    (ticket.dueDate < today ? digest.overdue : digest.dueSoon).push(ticket);
    byDepartment.set(ticket.department, digest);
  }
  return [...byDepartment.values()];
}

function ticketLine(ticket: TicketRow, today: CalendarDate, clerkNames: Map<number, string>): string {
  const days = daysBetween(today, ticket.dueDate);
  const when = days < 0 ? `întârziat ${-days} ${-days === 1 ? 'zi' : 'zile'}` : days === 0 ? 'azi' : days === 1 ? 'mâine' : `peste ${days} zile`;
  const assignee = ticket.assigneeClerkId ? (clerkNames.get(ticket.assigneeClerkId) ?? 'alocat') : 'nealocat';
  const status = statusLabel(ticket.status, 'ro', 'staff');
  return `• ${ticketLabel(ticket)} — termen ${formatDate(ticket.dueDate)} (${when}) — ${status}, ${assignee} — ${ticket.subject.slice(0, 80)}`;
}

export function digestText(digest: DepartmentDigest, today: CalendarDate, clerkNames: Map<number, string>): string {
  const department = departmentName(digest.department, 'ro');
  return [
    `⏰ Termene — compartimentul ${department}, ${formatDate(today)}`,
    ...(digest.overdue.length > 0 ? [`Întârziate (${digest.overdue.length}):`, ...digest.overdue.map((ticket) => ticketLine(ticket, today, clerkNames))] : []),
    ...(digest.dueSoon.length > 0
      ? [`Termen în următoarele ${digestHorizonDays} zile (${digest.dueSoon.length}):`, ...digest.dueSoon.map((ticket) => ticketLine(ticket, today, clerkNames))]
      : []),
    'Detalii: /vezi N · răspuns: /raspunde N text · prelungire (o dată, cu motiv): /prelungeste N motiv',
  ].join('\n');
}

/** Whether a digest already went out on this date (sent by the scheduler or by `functionar digest`). */
export async function digestSentOn(executor: Executor, date: CalendarDate): Promise<boolean> {
  const sent = await firstRow(
    executor
      .select({ id: ticketEvents.id })
      .from(ticketEvents)
      .where(and(isNull(ticketEvents.ticketId), eq(ticketEvents.kind, 'digest_sent'), sql`${jsonField(executor, ticketEvents.detail, 'date')} = ${date}`))
      .limit(1),
  );
  return sent !== undefined;
}

export interface DigestOptions {
  now: Date;
  timeZone?: string;
  /** Channels that are enabled in this installation; others are not queued to. */
  channels: ReadonlySet<string>;
  /** Compute and return the messages without queueing or recording anything. */
  dryRun?: boolean;
  /** The scheduler's run: nothing is queued when a digest already went out on this date (from any instance). */
  oncePerDay?: boolean;
}

/** Builds today's digest and, unless a dry run, queues it and records a `digest_sent` event — in one transaction. */
export async function sendDigest(database: Database, options: DigestOptions): Promise<DigestReport> {
  const date = localDate(options.now, options.timeZone);
  const build = async (executor: Executor): Promise<DigestReport> => {
    const departments = await collectDigest(executor, date);
    const clerkNames = new Map((await listClerks(executor)).map((clerk) => [clerk.id, clerk.name]));
    const messages: DigestMessage[] = [];
    const unreached: string[] = [];
    for (const digest of departments) {
      const message: OutboundMessage = { author: 'bot', text: digestText(digest, date, clerkNames), parts: [] };
      const addressed: DigestMessage[] = [];
      for (const clerk of await clerksOfDepartment(executor, digest.department)) {
        if (!clerk.active) continue;
        for (const { channel, recipient } of await addressesOfClerk(executor, clerk, options.channels)) {
          addressed.push({ department: digest.department, clerk: clerk.name, channel, recipient, message });
        }
      }
      if (addressed.length === 0) unreached.push(digest.department);
      messages.push(...addressed);
    }
    return { date, departments, messages, unreached };
  };
  if (options.dryRun) return build(database);
  return inTransaction(database, async (transaction) => {
    // Every instance's scheduler (and `functionar digest`) may get here at the same minute: one at a time,
    // and the scheduler's run reads, under the lock, whether another one already sent today's.
    await lockJob(transaction, 'deadline-digest');
    if (options.oncePerDay && (await digestSentOn(transaction, date))) return { date, departments: [], messages: [], unreached: [] };
    const report = await build(transaction);
    for (const { channel, recipient, message } of report.messages) await enqueue(transaction, { channel, recipient, message }, options.now);
    if (report.messages.length > 0) {
      await recordEvent(transaction, null, 'digest_sent', { type: 'system', channel: 'digest' }, options.now, {
        date,
        messages: report.messages.length,
        departments: report.departments.map(({ department, overdue, dueSoon }) => ({ department, overdue: overdue.length, dueSoon: dueSoon.length })),
        unreached: report.unreached,
      });
    }
    return report;
  });
}
