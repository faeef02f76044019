import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { asc } from 'drizzle-orm';
import type { Executor } from '../database/connection.ts';
import { clerks, contacts, messages, ticketEvents, tickets, type MessageRow, type TicketEventRow, type TicketRow } from '../database/schema.ts';
import { sourcesOf, type AttachmentPart, type MessagePart } from '../messages.ts';
import { redactCredentials } from '../privacy/credentials.ts';
import { maskPersonalData } from '../privacy/masking.ts';
import { formatCsv, type CsvValue } from './csv.ts';

// `functionar export --out DIR`: the town hall's records in open formats (CSV and JSON, UTF-8) with the
// schema documented in docs/export-schema.md, so they can move to any other system: no lock-in.
// The column lists below ARE the schema; a test checks the document names every column.

export const exportSchemaVersion = 'functionar-export-v1';

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

interface Column<Row> {
  name: string;
  value: (row: Row) => JsonValue;
  /** Left out by --without-personal-data. */
  personal?: boolean;
  /** What people or clerks wrote: kept, masked, by --without-personal-data --masked-texts. */
  freeText?: boolean;
}

const label = (ticket: Pick<TicketRow, 'number' | 'year'>) => `${ticket.number}/${ticket.year}`;

export const ticketColumns: Column<TicketRow>[] = [
  { name: 'id', value: (row) => row.id },
  { name: 'label', value: (row) => label(row) },
  { name: 'number', value: (row) => row.number },
  { name: 'year', value: (row) => row.year },
  { name: 'channel', value: (row) => row.channel },
  { name: 'type', value: (row) => row.type },
  { name: 'subject', value: (row) => row.subject, personal: true, freeText: true },
  { name: 'text', value: (row) => row.text, personal: true, freeText: true },
  { name: 'procedure_slug', value: (row) => row.procedureSlug },
  { name: 'department', value: (row) => row.department },
  { name: 'status', value: (row) => row.status },
  { name: 'handover', value: (row) => row.handover },
  { name: 'contact_id', value: (row) => row.contactId },
  { name: 'conversation_id', value: (row) => row.conversationId },
  { name: 'citizen_name', value: (row) => row.citizenName, personal: true },
  { name: 'citizen_phone', value: (row) => row.citizenPhone, personal: true },
  { name: 'citizen_email', value: (row) => row.citizenEmail, personal: true },
  { name: 'consent_at', value: (row) => row.consentAt },
  { name: 'consent_version', value: (row) => row.consentVersion },
  { name: 'due_date', value: (row) => row.dueDate },
  { name: 'due_rule', value: (row) => row.dueRule },
  { name: 'assignee_clerk_id', value: (row) => row.assigneeClerkId },
  { name: 'first_response_at', value: (row) => row.firstResponseAt },
  { name: 'closed_at', value: (row) => row.closedAt },
  { name: 'created_at', value: (row) => row.createdAt },
  { name: 'updated_at', value: (row) => row.updatedAt },
];

export const eventColumns: Column<TicketEventRow & { ticketLabel: string | null }>[] = [
  { name: 'id', value: (row) => row.id },
  { name: 'ticket_id', value: (row) => row.ticketId },
  { name: 'ticket_label', value: (row) => row.ticketLabel },
  { name: 'kind', value: (row) => row.kind },
  { name: 'actor_type', value: (row) => row.actorType },
  { name: 'actor_id', value: (row) => row.actorId },
  { name: 'channel', value: (row) => row.channel },
  { name: 'detail', value: (row) => (row.detail ?? null) as JsonValue, personal: true, freeText: true },
  { name: 'created_at', value: (row) => row.createdAt },
];

function attachmentsOf(row: MessageRow): AttachmentPart[] {
  return ((row.parts ?? []) as MessagePart[]).filter((part): part is AttachmentPart => part.type === 'attachment');
}

export const messageColumns: Column<MessageRow>[] = [
  { name: 'id', value: (row) => row.id },
  { name: 'conversation_id', value: (row) => row.conversationId },
  { name: 'contact_id', value: (row) => row.contactId },
  { name: 'channel', value: (row) => row.channel },
  { name: 'direction', value: (row) => row.direction },
  { name: 'author', value: (row) => row.author },
  { name: 'text', value: (row) => row.text, personal: true, freeText: true },
  { name: 'intent', value: (row) => row.intent },
  { name: 'answer_mode', value: (row) => row.answerMode },
  { name: 'sources', value: (row) => sourcesOf(row.parts as MessagePart[] | null).map((source) => source.slug) },
  {
    name: 'attachments',
    value: (row) => attachmentsOf(row).map((file) => ({ file_name: file.fileName, media_type: file.mediaType, size: file.size, sha256: file.sha256 })),
    personal: true,
  },
  { name: 'ticket_id', value: (row) => row.ticketId },
  { name: 'clerk_id', value: (row) => row.clerkId },
  { name: 'in_reply_to', value: (row) => row.inReplyTo },
  { name: 'created_at', value: (row) => row.createdAt },
];

function csvValue(value: JsonValue): CsvValue {
  if (value === null || typeof value !== 'object') return value;
  // Lists of plain values read best as "a;b"; anything richer stays JSON inside the cell.
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) return value.join(';');
  return JSON.stringify(value);
}

function maskJson(value: JsonValue, names: readonly string[]): JsonValue {
  // A receipt link sent to a web chat citizen carries their session id: it never leaves either.
  if (typeof value === 'string') return maskPersonalData(redactCredentials(value), { names, personNames: true });
  if (Array.isArray(value)) return value.map((item) => maskJson(item, names));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskJson(item, names)]));
  return value;
}

/** Full: everything (the town hall's own copy). Otherwise the files go to a third party: personal columns left out or masked, and every text masked. */
type Exposure = { personalData: true } | { personalData: false; maskTexts: boolean };

function table<Row>(rows: Row[], columns: Column<Row>[], exposure: Exposure, namesOf: (row: Row) => readonly string[]): { csv: string; json: string } {
  const chosen = columns.filter((column) => exposure.personalData || !column.personal || (exposure.maskTexts && column.freeText));
  const objects = rows.map((row) =>
    Object.fromEntries(
      chosen.map((column) => {
        const value = column.value(row);
        // Even a column not marked personal can carry a number someone typed: everything that leaves is masked.
        return [column.name, exposure.personalData ? value : maskJson(value, namesOf(row))];
      }),
    ),
  );
  const csv = `\uFEFF${formatCsv([chosen.map((column) => column.name), ...objects.map((object) => chosen.map((column) => csvValue(object[column.name] ?? null)))])}`;
  return { csv, json: `${JSON.stringify(objects, null, 2)}\n` };
}

export interface ExportSummary {
  directory: string;
  files: { name: string; rows: number; sha256: string }[];
}

/** Writes tickets, ticket-events and messages as .csv and .json, plus manifest.json with counts and hashes. */
export async function writeOpenExport(
  executor: Executor,
  directory: string,
  options: { withPersonalData: boolean; maskTexts?: boolean; now?: Date },
): Promise<ExportSummary> {
  const now = options.now ?? new Date();
  fs.mkdirSync(directory, { recursive: true });
  const ticketRows = await executor.select().from(tickets).orderBy(asc(tickets.id));
  const labels = new Map(ticketRows.map((ticket) => [ticket.id, label(ticket)]));
  const eventRows = (await executor.select().from(ticketEvents).orderBy(asc(ticketEvents.id))).map((event) => ({
    ...event,
    ticketLabel: event.ticketId === null ? null : (labels.get(event.ticketId) ?? null),
  }));
  const messageRows = await executor.select().from(messages).orderBy(asc(messages.id));
  const exposure: Exposure = options.withPersonalData ? { personalData: true } : { personalData: false, maskTexts: options.maskTexts ?? false };

  // Names to mask in a row's texts: the person of the ticket or conversation, and every clerk (who sign answers).
  const clerkNames = (await executor.select({ name: clerks.name }).from(clerks)).map((clerk) => clerk.name);
  const contactNames = new Map((await executor.select({ id: contacts.id, name: contacts.displayName }).from(contacts)).map((contact) => [contact.id, contact.name]));
  const ticketNames = new Map(ticketRows.map((ticket) => [ticket.id, [ticket.citizenName, ticket.contactId === null ? null : contactNames.get(ticket.contactId)]]));
  const present = (names: (string | null | undefined)[]) => [...clerkNames, ...names.filter((name): name is string => Boolean(name))];
  const namesOf: Record<string, (row: never) => readonly string[]> = {
    tickets: (row: TicketRow) => present(ticketNames.get(row.id) ?? []),
    'ticket-events': (row: TicketEventRow) => present(row.ticketId === null ? [] : (ticketNames.get(row.ticketId) ?? [])),
    messages: (row: MessageRow) => present([row.contactId === null ? null : contactNames.get(row.contactId), ...(row.ticketId === null ? [] : (ticketNames.get(row.ticketId) ?? []))]),
  };

  const summary: ExportSummary = { directory, files: [] };
  const write = (name: string, content: string, rows: number) => {
    fs.writeFileSync(path.join(directory, name), content, { mode: 0o640 });
    summary.files.push({ name, rows, sha256: createHash('sha256').update(content, 'utf8').digest('hex') });
  };
  for (const [name, rows, columns] of [
    ['tickets', ticketRows, ticketColumns],
    ['ticket-events', eventRows, eventColumns],
    ['messages', messageRows, messageColumns],
  ] as [string, unknown[], Column<unknown>[]][]) {
    const written = table(rows, columns, exposure, namesOf[name] as (row: unknown) => readonly string[]);
    write(`${name}.csv`, written.csv, rows.length);
    write(`${name}.json`, written.json, rows.length);
  }
  const manifest = {
    schema: exportSchemaVersion,
    documentation: 'docs/export-schema.md',
    exportedAt: now.toISOString(),
    personalData: options.withPersonalData,
    maskedTexts: !options.withPersonalData && (options.maskTexts ?? false),
    files: summary.files,
  };
  fs.writeFileSync(path.join(directory, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o640 });
  return summary;
}
