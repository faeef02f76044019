import { foldDiacritics } from '../language.ts';

// The reply-command grammar of DESIGN.md §4, identical on every clerk channel.

export type TicketFilter = 'open' | 'mine' | 'overdue' | 'all';

export interface TicketReference {
  number: number;
  /** Undefined when the clerk typed the number alone: the current year is meant. */
  year: number | undefined;
}

export type ClerkCommand =
  | { name: 'list'; filter: TicketFilter }
  | { name: 'show'; ticket: TicketReference }
  | { name: 'reply'; ticket: TicketReference; text: string }
  | { name: 'note'; ticket: TicketReference; text: string }
  | { name: 'assign'; ticket: TicketReference; target: string }
  | { name: 'take'; ticket: TicketReference }
  | { name: 'extend'; ticket: TicketReference; reason: string }
  | { name: 'close'; ticket: TicketReference; text: string };

const commandNames: Record<string, ClerkCommand['name']> = {
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

const missingTextHints: Record<'reply' | 'note' | 'assign' | 'extend', string> = {
  reply: 'Lipsește textul: /raspunde N text',
  note: 'Lipsește textul: /nota N text',
  assign: 'Spuneți cui: /aloca N departament|funcționar',
  // The law asks for the reason to be told to the petitioner (OG 27/2002 art. 9, Legea 544/2001 art. 7).
  extend: 'Lipsește motivul: /prelungeste N motiv (motivul îl primește și cetățeanul)',
};

export class ClerkCommandSyntaxError extends Error {
  readonly code = 'FV_ERR_CLERK_COMMAND_SYNTAX';
}

const usage =
  'Comenzi: /tichete [deschise|ale-mele|intarziate], /vezi N, /raspunde N text, /nota N text, /aloca N departament|funcționar, /preia N, /prelungeste N motiv, /inchide N [text] (N sau N/AAAA)';

/** Recognises "/raspunde", "/răspunde", "/reply@TownHallBot" … without judging the arguments. */
export function commandNameOf(text: string): ClerkCommand['name'] | undefined {
  const match = /^\/([\p{L}-]+)(?:@\w+)?(?:\s|$)/u.exec(text.trim());
  if (!match?.[1]) return undefined;
  return commandNames[foldDiacritics(match[1])];
}

export function isClerkCommandText(text: string): boolean {
  return commandNameOf(text) !== undefined;
}

function parseTicketReference(token: string | undefined): TicketReference {
  const match = token ? /^#?(\d{1,6})(?:\/(\d{4}))?$/.exec(token) : null;
  if (!match) throw new ClerkCommandSyntaxError(`Lipsește numărul tichetului (ex. 12 sau 12/2026). ${usage}`);
  return { number: Number(match[1]), year: match[2] ? Number(match[2]) : undefined };
}

export function parseClerkCommand(text: string): ClerkCommand {
  const name = commandNameOf(text);
  if (!name) throw new ClerkCommandSyntaxError(`Comandă necunoscută. ${usage}`);
  const [, ticketToken, ...rest] = text.trim().split(/\s+/);
  const remainder = text.trim().replace(/^\S+\s*/, '').replace(/^\S+\s*/, '').trim();
  switch (name) {
    case 'list': {
      const filter = ticketToken ? filterNames[foldDiacritics(ticketToken)] : 'open';
      if (!filter) throw new ClerkCommandSyntaxError(`Filtru necunoscut „${ticketToken}”. ${usage}`);
      return { name, filter };
    }
    case 'show':
    case 'take':
      return { name, ticket: parseTicketReference(ticketToken) };
    case 'close':
      return { name, ticket: parseTicketReference(ticketToken), text: remainder };
    case 'reply':
    case 'note':
    case 'assign':
    case 'extend': {
      const ticket = parseTicketReference(ticketToken);
      if (rest.length === 0 || remainder === '') {
        throw new ClerkCommandSyntaxError(missingTextHints[name]);
      }
      if (name === 'assign') return { name, ticket, target: remainder };
      return name === 'extend' ? { name, ticket, reason: remainder } : { name, ticket, text: remainder };
    }
  }
}
