import type { TicketRow } from '../database/schema.ts';
import type { DepartmentId } from './ticket-labels.ts';
import type { TicketEvent } from './ticket-states.ts';

// What a clerk asks for and what came of it, as data. Text exists only at the edges: chats and the shell
// parse a command line into a ClerkCommand (clerk-command-parser.ts), the web inbox builds one from its
// forms, and every surface shows a ClerkOutcome through one renderer (clerk-command-texts.ts).

export type TicketFilter = 'open' | 'mine' | 'overdue' | 'all';

export interface TicketReference {
  number: number;
  /** Undefined when the clerk typed the number alone: the current year is meant. */
  year: number | undefined;
}

/** An assignment goes to a department or to a clerk; chats name the clerk, the web inbox picks one by id. */
export type AssignTarget = { kind: 'department'; department: DepartmentId } | { kind: 'clerk'; clerkId: number } | { kind: 'clerk-name'; name: string };

export type ClerkCommand =
  | { name: 'list'; filter: TicketFilter }
  | { name: 'show'; ticket: TicketReference }
  | { name: 'reply'; ticket: TicketReference; text: string }
  | { name: 'note'; ticket: TicketReference; text: string }
  | { name: 'assign'; ticket: TicketReference; target: AssignTarget }
  | { name: 'take'; ticket: TicketReference }
  | { name: 'extend'; ticket: TicketReference; reason: string }
  | { name: 'close'; ticket: TicketReference; text: string }
  /** `/emite N SLUG [text]`: the procedure's document, made from knowledge/documents/SLUG.yaml, signed and sent. */
  | { name: 'issue'; ticket: TicketReference; template: string; text: string };

export type ClerkCommandName = ClerkCommand['name'];

/** Why a command line is not a command (the parser's answer instead of a ClerkCommand). */
export type ClerkCommandProblem =
  | { problem: 'unknown-command' }
  | { problem: 'unknown-filter'; filter: string }
  | { problem: 'missing-ticket-number' }
  | { problem: 'missing-text'; command: 'reply' | 'note' | 'assign' | 'extend' | 'issue' };

export type ExtensionRefusal =
  /** The ticket is no longer open. */
  | 'not-open'
  /** Only petitions, reports and public-information requests may be extended. */
  | 'type-not-extendable'
  | 'already-extended'
  /** Decided and told before the term runs out. */
  | 'term-expired'
  /** The term is already longer than the extended one. */
  | 'already-longer';

export interface ClerkSummary {
  id: number;
  name: string;
}

/** What `/vezi` shows besides the ticket row. */
export interface TicketDetails {
  contactName: string | null;
  assigneeName: string | null;
  /** The last messages of the ticket's conversation, oldest first. */
  conversation: { author: 'citizen' | 'clerk' | 'bot'; text: string }[];
  /** What happened to the request (reads and refused commands stay in the audit trail only). */
  history: { createdAt: string; kind: string; text: string | null }[];
  /** The ticket's thread, oldest first: the citizen's messages, the clerks' replies, the bot's messages about it. */
  thread?: import('./ticket-thread.ts').ThreadEntry[];
}

export type ClerkOutcome =
  // Refused or failed: nothing changed.
  | { kind: 'not-allowed' }
  | { kind: 'invalid-command'; problem: ClerkCommandProblem }
  | { kind: 'ticket-not-found'; number: number; year: number }
  | { kind: 'invalid-transition'; ticket: TicketRow; from: string; event: TicketEvent }
  | { kind: 'unknown-assignee'; ticket: TicketRow; target: string }
  | { kind: 'citizen-gone'; ticket: TicketRow }
  | { kind: 'extension-refused'; ticket: TicketRow; reason: ExtensionRefusal }
  | { kind: 'unknown-document'; ticket: TicketRow; template: string; available: string[] }
  /** The law wants this paper printed on a form or handed over in person: it is not issued electronically. */
  | { kind: 'document-not-electronic'; ticket: TicketRow; title: string; reason: string; presence: boolean }
  /** This process cannot issue documents (no document service was set up). */
  | { kind: 'documents-unavailable' }
  // Done.
  | { kind: 'listed'; filter: TicketFilter; tickets: TicketRow[]; today: string }
  | { kind: 'shown'; ticket: TicketRow; details: TicketDetails }
  | { kind: 'replied'; ticket: TicketRow; publishedOnOpen311: boolean }
  | { kind: 'noted'; ticket: TicketRow }
  | { kind: 'taken'; ticket: TicketRow; clerk: ClerkSummary }
  | { kind: 'moved-to-department'; ticket: TicketRow; department: DepartmentId }
  | { kind: 'assigned-to-clerk'; ticket: TicketRow; clerk: ClerkSummary }
  | { kind: 'deadline-extended'; ticket: TicketRow; dueDate: string; basis: string }
  | { kind: 'closed'; ticket: TicketRow; citizenMessaged: boolean }
  | { kind: 'document-issued'; ticket: TicketRow; document: IssuedDocumentSummary };

/** What `/emite` tells the clerk about the document it registered. */
export interface IssuedDocumentSummary {
  /** "12/2026" in the outgoing register. */
  label: string;
  title: string;
  code: string;
  signed: boolean;
}

export type ClerkOutcomeKind = ClerkOutcome['kind'];

const failureKinds = new Set<ClerkOutcomeKind>(['not-allowed', 'invalid-command', 'ticket-not-found', 'invalid-transition', 'unknown-assignee', 'citizen-gone', 'extension-refused', 'unknown-document', 'document-not-electronic', 'documents-unavailable']);

export function succeeded(outcome: ClerkOutcome): boolean {
  return !failureKinds.has(outcome.kind);
}

/** The ticket the outcome is about, when there is one (a chat threads its answer under that ticket). */
export function ticketOfOutcome(outcome: ClerkOutcome): TicketRow | undefined {
  return 'ticket' in outcome ? outcome.ticket : undefined;
}
