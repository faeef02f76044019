// The life of a ticket: one transition table, used by every command that changes a ticket's status.
// Codes are stored as they are (Romanian, without diacritics); their names on screen are in ticket-labels.ts.

export const ticketStatuses = ['nou', 'in_lucru', 'asteapta_cetatean', 'rezolvat', 'inchis'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

/** The clerks still owe the citizen something: listed as open, counted for the legal term, extendable. */
export const openStatuses: TicketStatus[] = ['nou', 'in_lucru', 'asteapta_cetatean'];

/** Closed: nothing more is sent to the citizen on this ticket. */
export const finalStatuses: TicketStatus[] = ['rezolvat', 'inchis'];

export type TicketEvent =
  /** `/preia`: a clerk takes the ticket. */
  | 'taken'
  /** `/raspunde` with an answer that asks the citizen nothing. */
  | 'answered'
  /** `/raspunde` whose text ends with a question: the next step is the citizen's. */
  | 'asked_citizen'
  /** The citizen wrote again about the ticket. */
  | 'citizen_followed_up'
  /** `/inchide N text`: closed with a last answer sent to the citizen. */
  | 'closed_with_answer'
  /** `/inchide N`: closed without a message (handled at the desk, by phone, a duplicate…). */
  | 'closed';

/**
 * From each status, the events allowed and where they lead. An event missing from a row is refused and
 * changes nothing. Events that keep the status (a second `/preia`, a reply while in progress) are listed
 * too, so "allowed" is always read from this table.
 *
 * In short: new → in progress (taken or answered) → waiting for the citizen (the answer asked something)
 * → back to in progress when the citizen writes; closed with an answer → resolved (reopened by the
 * citizen's follow-up within `reopenWindowDays`), closed without one → closed for good. docs/clerks.md.
 */
export const ticketTransitions: Record<TicketStatus, Partial<Record<TicketEvent, TicketStatus>>> = {
  nou: {
    taken: 'in_lucru',
    answered: 'in_lucru',
    asked_citizen: 'asteapta_cetatean',
    citizen_followed_up: 'nou',
    closed_with_answer: 'rezolvat',
    closed: 'inchis',
  },
  in_lucru: {
    taken: 'in_lucru',
    answered: 'in_lucru',
    asked_citizen: 'asteapta_cetatean',
    citizen_followed_up: 'in_lucru',
    closed_with_answer: 'rezolvat',
    closed: 'inchis',
  },
  asteapta_cetatean: {
    taken: 'asteapta_cetatean',
    answered: 'in_lucru',
    asked_citizen: 'asteapta_cetatean',
    citizen_followed_up: 'in_lucru',
    closed_with_answer: 'rezolvat',
    closed: 'inchis',
  },
  // Answered and closed; the citizen's follow-up within `reopenWindowDays` opens it again.
  rezolvat: {
    taken: 'rezolvat',
    citizen_followed_up: 'in_lucru',
  },
  inchis: {
    taken: 'inchis',
  },
};

/** How long after a ticket was resolved a citizen's follow-up reopens it rather than being a new matter. */
export const reopenWindowDays = 30;

export function isTicketStatus(value: string): value is TicketStatus {
  return (ticketStatuses as readonly string[]).includes(value);
}

export function isOpenStatus(status: string): boolean {
  return (openStatuses as readonly string[]).includes(status);
}

export function isFinalStatus(status: string): boolean {
  return (finalStatuses as readonly string[]).includes(status);
}

/** Where `event` leads from `current`, or undefined when the table does not allow it. */
export function nextStatus(current: string, event: TicketEvent): TicketStatus | undefined {
  return isTicketStatus(current) ? ticketTransitions[current][event] : undefined;
}

/** A clerk's reply asks the citizen something when its last sentence is a question. */
export function replyEvent(text: string): 'answered' | 'asked_citizen' {
  return /[?？]\s*$/u.test(text) ? 'asked_citizen' : 'answered';
}

/** Whether a follow-up written at `now` still reopens a ticket resolved at `resolvedAt`. */
export function withinReopenWindow(resolvedAt: string | null, now: Date): boolean {
  if (!resolvedAt) return false;
  return now.getTime() - Date.parse(resolvedAt) <= reopenWindowDays * 86_400_000;
}
