import type { Procedure, RequestType } from '../knowledge/knowledge-base.ts';

// Legal response times in one table. Terms in calendar days that end on a non-working day move to the
// next working day (Codul de procedură civilă art. 181 alin. 2, applied by analogy to administrative terms).

export type TicketType = RequestType | 'handover';

export interface DeadlineRule {
  days: number;
  workingDays: boolean;
  /** What the citizen and the clerk are told the term rests on. */
  basis: string;
  /** How much longer the term may be extended, and on what basis. */
  extension?: { days: number; basis: string };
}

export const deadlineRules: Record<TicketType, DeadlineRule> = {
  petitie: {
    days: 30,
    workingDays: false,
    basis: 'OG 27/2002, art. 8',
    extension: { days: 15, basis: 'OG 27/2002, art. 9' },
  },
  'informatii-publice': {
    days: 10,
    workingDays: false,
    basis: 'Legea 544/2001, art. 7 alin. (1)',
    extension: { days: 20, basis: 'Legea 544/2001, art. 7 alin. (1) — 30 de zile când complexitatea o justifică' },
  },
  sesizare: {
    days: 30,
    workingDays: false,
    basis: 'OG 27/2002, art. 8',
    extension: { days: 15, basis: 'OG 27/2002, art. 9' },
  },
  cerere: { days: 30, workingDays: false, basis: 'OG 27/2002, art. 8 (termen general)' },
  declaratie: { days: 30, workingDays: false, basis: 'OG 27/2002, art. 8 (termen general)' },
  audienta: { days: 30, workingDays: false, basis: 'OG 27/2002, art. 8 (termen general)' },
  // "I want to talk to a person" is not a petition: nobody waits 30 days for a call back. The town hall's
  // own service rule (no law sets it): a clerk answers by the end of the next working day after the
  // request — a Friday evening request is answered on Monday. Not extendable: if it needs more, the clerk
  // files it as a request of its proper type. docs/deadlines-and-outbox.md.
  handover: { days: 1, workingDays: true, basis: 'regula primăriei: un funcționar răspunde până la sfârșitul următoarei zile lucrătoare' },
};

/** The procedure's own legal term wins over the general one of its request type. */
export function deadlineRuleFor(type: TicketType, procedure?: Procedure): DeadlineRule {
  const general = deadlineRules[type];
  if (procedure?.deadline.days && type !== 'petitie' && type !== 'informatii-publice') {
    return {
      days: procedure.deadline.days,
      workingDays: procedure.deadline.workingDays,
      basis: `${procedure.title.ro}: ${procedure.legalBasis[0] ?? general.basis}`,
    };
  }
  return general;
}

/** A calendar date as YYYY-MM-DD, the form tickets store. */
export type CalendarDate = string;

function toDate(date: CalendarDate): Date {
  return new Date(`${date}T00:00:00Z`);
}

function fromDate(date: Date): CalendarDate {
  return date.toISOString().slice(0, 10);
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  const result = toDate(date);
  result.setUTCDate(result.getUTCDate() + days);
  return fromDate(result);
}

/** Orthodox Easter Sunday (Julian computus, shifted to the Gregorian calendar). */
export function orthodoxEaster(year: number): CalendarDate {
  const a = year % 4;
  const b = year % 7;
  const c = year % 19;
  const d = (19 * c + 15) % 30;
  const e = (2 * a + 4 * b - d + 34) % 7;
  const month = Math.floor((d + e + 114) / 31);
  const day = ((d + e + 114) % 31) + 1;
  const julian = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return addDays(julian, 13);
}

/** Public holidays of Codul muncii art. 139. */
export function publicHolidays(year: number): Set<CalendarDate> {
  const fixed = ['01-01', '01-02', '01-06', '01-07', '01-24', '05-01', '06-01', '08-15', '11-30', '12-01', '12-25', '12-26'];
  const easter = orthodoxEaster(year);
  return new Set([
    ...fixed.map((monthDay) => `${year}-${monthDay}`),
    addDays(easter, -2),
    easter,
    addDays(easter, 1),
    addDays(easter, 49),
    addDays(easter, 50),
  ]);
}

export function isWorkingDay(date: CalendarDate): boolean {
  const weekday = toDate(date).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !publicHolidays(Number(date.slice(0, 4))).has(date);
}

function nextWorkingDay(date: CalendarDate): CalendarDate {
  let current = date;
  while (!isWorkingDay(current)) current = addDays(current, 1);
  return current;
}

/** The due date of a term starting on `registeredOn` (the day of registration does not count). */
export function dueDate(registeredOn: CalendarDate, rule: Pick<DeadlineRule, 'days' | 'workingDays'>): CalendarDate {
  if (!rule.workingDays) return nextWorkingDay(addDays(registeredOn, rule.days));
  let current = registeredOn;
  let remaining = rule.days;
  while (remaining > 0) {
    current = addDays(current, 1);
    if (isWorkingDay(current)) remaining -= 1;
  }
  return current;
}

/** Today's date in the town hall's time zone. */
export function localDate(instant: Date, timeZone = 'Europe/Bucharest'): CalendarDate {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

export function formatDate(date: CalendarDate): string {
  const [year, month, day] = date.split('-');
  return `${day}.${month}.${year}`;
}
