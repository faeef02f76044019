import { foldDiacritics } from '../language.ts';
import type { ClerkCommand, ClerkCommandName, ClerkCommandProblem, TicketFilter, TicketReference } from './clerk-command.ts';
import { renderCommandProblem } from './clerk-command-texts.ts';
import { isDepartmentId } from './ticket-labels.ts';

// The reply-command grammar of DESIGN.md §4, identical on every clerk channel. Only chats and the shell
// read commands as text; everything past this module works with a ClerkCommand.

export type { ClerkCommand, TicketFilter, TicketReference } from './clerk-command.ts';

const commandNames: Record<string, ClerkCommandName> = {
  tichete: 'list',
  tickets: 'list',
  vezi: 'show',
  show: 'show',
  raspunde: 'reply',
  reply: 'reply',
  nota: 'note',
  note: 'note',
  aloca: 'assign',
  assign: 'assign',
  preia: 'take',
  take: 'take',
  prelungeste: 'extend',
  extend: 'extend',
  inchide: 'close',
  close: 'close',
  emite: 'issue',
  issue: 'issue',
};

const filterNames: Record<string, TicketFilter> = {
  deschise: 'open',
  open: 'open',
  'ale-mele': 'mine',
  mine: 'mine',
  intarziate: 'overdue',
  overdue: 'overdue',
  toate: 'all',
  all: 'all',
};

export type ParsedClerkCommand = { ok: true; command: ClerkCommand } | { ok: false; problem: ClerkCommandProblem };

/** Thrown by parseClerkCommand; the message is the Romanian hint a clerk is shown. */
export class ClerkCommandSyntaxError extends Error {
  readonly code = 'FV_ERR_CLERK_COMMAND_SYNTAX';
  constructor(readonly problem: ClerkCommandProblem) {
    super(renderCommandProblem(problem, 'ro'));
  }
}

/** Recognises "/raspunde", "/răspunde", "/reply@TownHallBot" … without judging the arguments. */
export function commandNameOf(text: string): ClerkCommandName | undefined {
  const match = /^\/([\p{L}-]+)(?:@\w+)?(?:\s|$)/u.exec(text.trim());
  if (!match?.[1]) return undefined;
  return commandNames[foldDiacritics(match[1])];
}

export function isClerkCommandText(text: string): boolean {
  return commandNameOf(text) !== undefined;
}

function ticketReferenceOf(token: string | undefined): TicketReference | undefined {
  const match = token ? /^#?(\d{1,6})(?:\/(\d{4}))?$/.exec(token) : null;
  return match ? { number: Number(match[1]), year: match[2] ? Number(match[2]) : undefined } : undefined;
}

/** Reads one command line; a mistake comes back as a problem to show, never as an exception. */
export function readClerkCommand(text: string): ParsedClerkCommand {
  const name = commandNameOf(text);
  if (!name) return { ok: false, problem: { problem: 'unknown-command' } };
  const [, ticketToken, ...rest] = text.trim().split(/\s+/);
  const remainder = text.trim().replace(/^\S+\s*/, '').replace(/^\S+\s*/, '').trim();
  if (name === 'list') {
    const filter = ticketToken ? filterNames[foldDiacritics(ticketToken)] : 'open';
    return filter ? { ok: true, command: { name, filter } } : { ok: false, problem: { problem: 'unknown-filter', filter: ticketToken ?? '' } };
  }
  const ticket = ticketReferenceOf(ticketToken);
  if (!ticket) return { ok: false, problem: { problem: 'missing-ticket-number' } };
  switch (name) {
    case 'show':
    case 'take':
      return { ok: true, command: { name, ticket } };
    case 'close':
      return { ok: true, command: { name, ticket, text: remainder } };
    case 'issue': {
      const template = rest[0]?.toLowerCase();
      if (!template) return { ok: false, problem: { problem: 'missing-text', command: name } };
      // The text keeps its line breaks: "adresa: …" lines fill the template's placeholders.
      const text = remainder.replace(/^\S+[ \t]*\n?/, '').trim();
      return { ok: true, command: { name, ticket, template, text } };
    }
    case 'reply':
    case 'note':
    case 'assign':
    case 'extend': {
      if (rest.length === 0 || remainder === '') return { ok: false, problem: { problem: 'missing-text', command: name } };
      if (name === 'assign') {
        const department = remainder.toLowerCase();
        return { ok: true, command: { name, ticket, target: isDepartmentId(department) ? { kind: 'department', department } : { kind: 'clerk-name', name: remainder } } };
      }
      return { ok: true, command: name === 'extend' ? { name, ticket, reason: remainder } : { name, ticket, text: remainder } };
    }
  }
}

/** readClerkCommand for callers that treat a mistake as an error (tests, prompts that check a command). */
export function parseClerkCommand(text: string): ClerkCommand {
  const parsed = readClerkCommand(text);
  if (!parsed.ok) throw new ClerkCommandSyntaxError(parsed.problem);
  return parsed.command;
}

/** The canonical Romanian command line of a typed command, as the audit trail records it. */
export function formatClerkCommand(command: ClerkCommand): string {
  if (command.name === 'list') return `/tichete ${{ open: 'deschise', mine: 'ale-mele', overdue: 'intarziate', all: 'toate' }[command.filter]}`;
  const ticket = command.ticket.year === undefined ? String(command.ticket.number) : `${command.ticket.number}/${command.ticket.year}`;
  switch (command.name) {
    case 'show':
      return `/vezi ${ticket}`;
    case 'take':
      return `/preia ${ticket}`;
    case 'reply':
      return `/raspunde ${ticket} ${command.text}`.slice(0, 200);
    case 'note':
      return `/nota ${ticket} ${command.text}`.slice(0, 200);
    case 'extend':
      return `/prelungeste ${ticket} ${command.reason}`.slice(0, 200);
    case 'close':
      return `/inchide ${ticket}${command.text ? ` ${command.text}` : ''}`.slice(0, 200);
    case 'issue':
      return `/emite ${ticket} ${command.template}${command.text ? ` ${command.text}` : ''}`.slice(0, 200);
    case 'assign': {
      const { target } = command;
      return `/aloca ${ticket} ${target.kind === 'department' ? target.department : target.kind === 'clerk' ? `#${target.clerkId}` : target.name}`;
    }
  }
}
