import { randomUUID } from 'node:crypto';
import { and, desc, eq, gte, inArray, lte, notInArray, or, type SQL } from 'drizzle-orm';
import { inTransaction, returnedRow, type Database, type Executor } from '../database/connection.ts';
import { open311Requests, tickets, ticketEvents, type Open311RequestRow, type TicketRow } from '../database/schema.ts';
import { upsertContact } from '../conversation/conversation-store.ts';
import type { KnowledgeBase, Procedure } from '../knowledge/knowledge-base.ts';
import { enqueue } from '../outbox/outbox-store.ts';
import { deadlineRuleFor, formatDate } from '../tickets/deadlines.ts';
import { staffNotice } from '../tickets/staff-notice.ts';
import { statusLabel } from '../tickets/ticket-labels.ts';
import { createTicket, openStatuses, type TicketStatus } from '../tickets/ticket-store.ts';
import { maskPersonalData } from '../privacy/masking.ts';
import { knownNames, publishedText, type PublishMode } from './publication.ts';
import { departmentName } from './service-catalog.ts';

export const open311Channel = 'open311';

/** What a GeoReport v2 POST carries once validated (see open311-routes.ts). */
export interface NewServiceRequest {
  client: string;
  procedure: Procedure;
  /** Optional in GeoReport v2: the service and the location alone are a report. */
  description?: string;
  address?: string;
  latitude?: number;
  longitude?: number;
  mediaUrl?: string;
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  deviceId?: string;
  accountId?: string;
}

/** Field names and meanings of the GeoReport v2 specification. */
export interface ServiceRequestView {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string;
  service_notice: string;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string;
  address: string | null;
  address_id: null;
  zipcode: null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

/** "12-2026": the ticket's number and year; a slash would not survive in a URL path. */
export function serviceRequestId(ticket: Pick<TicketRow, 'number' | 'year'>): string {
  return `${ticket.number}-${ticket.year}`;
}

export function parseServiceRequestId(text: string): { number: number; year: number } | undefined {
  const match = /^(\d{1,7})[-/](\d{4})$/.exec(text.trim());
  return match ? { number: Number(match[1]), year: Number(match[2]) } : undefined;
}

/**
 * Who sent it, as stably as the client lets us know: the same account, e-mail or device is the same
 * contact (the indicators count people, and `gdpr export` finds all their requests); otherwise one each.
 */
function identityOf(request: NewServiceRequest): string {
  if (request.accountId) return `account:${request.accountId}`;
  if (request.email) return `email:${request.email.toLowerCase()}`;
  if (request.deviceId) return `device:${request.deviceId}`;
  if (request.phone) return `phone:${request.phone}`;
  return `request:${randomUUID()}`;
}

/** What the request says: the client's description, or the service's name when the client sent none. */
function reportedText(request: NewServiceRequest): string {
  return request.description ?? request.procedure.title.ro;
}

function ticketText(request: NewServiceRequest): string {
  return [
    reportedText(request),
    request.address ? `Adresă: ${request.address}` : '',
    request.latitude !== undefined && request.longitude !== undefined ? `Locație: ${request.latitude}, ${request.longitude}` : '',
    request.mediaUrl ? `Fotografie: ${request.mediaUrl}` : '',
    `Primită prin Open311 de la clientul „${request.client}”.`,
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * Registers the request as an ordinary ticket (number, legal due date, audit event), keeps the Open311
 * details beside it and announces it to the clerks' staff chats — all in one transaction.
 */
export function createServiceRequest(
  database: Database,
  request: NewServiceRequest,
  staffRecipients: { channel: string; recipient: string }[],
  now: Date,
): Promise<{ ticket: TicketRow; details: Open311RequestRow }> {
  return inTransaction(database, async (transaction) => {
    const name = [request.firstName, request.lastName].filter(Boolean).join(' ') || undefined;
    const contact = await upsertContact(
      transaction,
      { channel: open311Channel, externalId: `${request.client}/${identityOf(request)}`, displayName: name, language: 'ro', channelData: { client: request.client } },
      now,
    );
    const rule = deadlineRuleFor(request.procedure.requestType, request.procedure);
    const ticket = await createTicket(
      transaction,
      {
        contactId: contact.id,
        conversationId: null,
        channel: open311Channel,
        type: request.procedure.requestType,
        subject: reportedText(request).replace(/\s+/g, ' ').slice(0, 140),
        text: ticketText(request),
        procedureSlug: request.procedure.slug,
        department: request.procedure.department,
        citizenName: name,
        citizenPhone: request.phone,
        citizenEmail: request.email,
        // The client application asked the person's consent under its own terms; which client it was is recorded.
        consentAt: now.toISOString(),
        consentVersion: `open311:${request.client}`,
        deadline: rule,
      },
      now,
      { type: 'citizen', id: String(contact.id), channel: open311Channel },
    );
    const details = await returnedRow(
      transaction
        .insert(open311Requests)
        .values({
          ticketId: ticket.id,
          serviceCode: request.procedure.slug,
          client: request.client,
          // As the client sent it: empty when it sent none (the view then shows no text of the citizen's).
          description: request.description ?? '',
          address: request.address,
          latitude: request.latitude,
          longitude: request.longitude,
          mediaUrl: request.mediaUrl,
          deviceId: request.deviceId,
          accountId: request.accountId,
          createdAt: now.toISOString(),
        })
        .returning(),
    );
    for (const { channel, recipient } of staffRecipients) await enqueue(transaction, { channel, recipient, ticketId: ticket.id, message: staffNotice(ticket) }, now);
    return { ticket, details };
  });
}

export interface ServiceRequestQuery {
  ids?: { number: number; year: number }[];
  /** Internal ticket ids, from unguessable public tokens (request-tokens.ts). */
  ticketIds?: number[];
  serviceCodes?: string[];
  startDate?: string;
  endDate?: string;
  statuses?: ('open' | 'closed')[];
  limit: number;
}

/** Only requests that came in through Open311 are listed: chat tickets hold conversations, not public reports. */
export async function findServiceRequests(executor: Executor, query: ServiceRequestQuery): Promise<{ ticket: TicketRow; details: Open311RequestRow }[]> {
  const conditions: (SQL | undefined)[] = [];
  if (query.ids || query.ticketIds) {
    const ids = query.ids ?? [];
    const ticketIds = query.ticketIds ?? [];
    if (ids.length === 0 && ticketIds.length === 0) return [];
    conditions.push(
      or(...ids.map((id) => and(eq(tickets.number, id.number), eq(tickets.year, id.year))), ...(ticketIds.length > 0 ? [inArray(tickets.id, ticketIds)] : [])),
    );
  } else {
    if (query.serviceCodes && query.serviceCodes.length > 0) conditions.push(inArray(open311Requests.serviceCode, query.serviceCodes));
    if (query.startDate) conditions.push(gte(tickets.createdAt, query.startDate));
    if (query.endDate) conditions.push(lte(tickets.createdAt, query.endDate));
    if (query.statuses && query.statuses.length === 1) {
      conditions.push(query.statuses[0] === 'open' ? inArray(tickets.status, openStatuses) : notInArray(tickets.status, openStatuses));
    }
  }
  return executor
    .select({ ticket: tickets, details: open311Requests })
    .from(open311Requests)
    .innerJoin(tickets, eq(tickets.id, open311Requests.ticketId))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(query.limit);
}

/** The last answer a clerk sent the requester (reply or closing note): on Open311 that is the public status note. */
async function lastClerkNote(executor: Executor, ticketId: number): Promise<string | null> {
  const answers = await executor
    .select()
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), inArray(ticketEvents.kind, ['reply', 'closed'])))
    .orderBy(desc(ticketEvents.id));
  const event = answers.find((row) => typeof row.detail?.text === 'string' && row.detail.text !== '');
  return event ? String(event.detail?.text) : null;
}

/** The end of a calendar day in the town hall's time zone, with its UTC offset (ISO 8601 as the spec asks). */
export function endOfLocalDay(date: string, timeZone = 'Europe/Bucharest'): string {
  const noon = new Date(`${date}T12:00:00Z`);
  const offsetName = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(noon).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const offset = offsetName === 'GMT' ? '+00:00' : offsetName.replace('GMT', '');
  return `${date}T23:59:59${offset}`;
}

export interface ViewOptions {
  knowledge: KnowledgeBase | undefined;
  townHallName: string;
  /** OPEN311_PUBLISH: how much of the description and the clerk's answer is shown. */
  publish: PublishMode;
  /** The id clients see: the unguessable token, or `N-YYYY` when the town hall reads openly. */
  publicId: (ticket: TicketRow) => string;
}

export async function toServiceRequestView(executor: Executor, row: { ticket: TicketRow; details: Open311RequestRow }, options: ViewOptions): Promise<ServiceRequestView> {
  const { knowledge, townHallName, publish } = options;
  const { ticket, details } = row;
  // Looked up once, and only when texts are masked.
  const names = publish === 'masked' ? await knownNames(executor, ticket) : [];
  const namesOnTicket = () => names;
  const note = await lastClerkNote(executor, ticket.id);
  const procedure = knowledge?.procedure(details.serviceCode);
  const department = knowledge ? departmentName(knowledge, ticket.department, 'ro') : ticket.department;
  const open = openStatuses.includes(ticket.status as TicketStatus);
  return {
    service_request_id: options.publicId(ticket),
    status: open ? 'open' : 'closed',
    status_notes: (note === null ? undefined : publishedText(note, publish, namesOnTicket)) ?? statusLabel(ticket.status, 'ro', 'citizen'),
    service_name: procedure?.title.ro ?? details.serviceCode,
    service_code: details.serviceCode,
    // Not published: an empty text, so clients that require the field keep working.
    description: publishedText(details.description, publish, namesOnTicket) ?? '',
    agency_responsible: `${townHallName} — ${department}`,
    service_notice: `Înregistrată cu nr. ${ticket.number}/${ticket.year}. Termen legal de răspuns: ${formatDate(ticket.dueDate)} (${ticket.dueRule}).`,
    requested_datetime: ticket.createdAt,
    updated_datetime: ticket.updatedAt ?? ticket.createdAt,
    expected_datetime: endOfLocalDay(ticket.dueDate),
    address: details.address === null || publish !== 'masked' ? details.address : maskPersonalData(details.address, { names: namesOnTicket(), personNames: true }),
    address_id: null,
    zipcode: null,
    lat: details.latitude,
    long: details.longitude,
    media_url: details.mediaUrl,
  };
}
