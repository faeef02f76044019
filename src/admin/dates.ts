// Every date a person reads in the web inbox is the town hall's time (Europe/Bucharest), whatever the
// server's clock zone: the database keeps UTC instants, and receipts and terms are Bucharest dates.

const timeZone = 'Europe/Bucharest';
const dateTimeFormat = new Intl.DateTimeFormat('ro-RO', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat('ro-RO', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat('ro-RO', { timeZone, hour: '2-digit', minute: '2-digit' });

/** "14.03.2026, 09:05" in the town hall's time, from a stored UTC instant. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

/** "14.03.2026": the town hall's calendar day of a stored UTC instant (not its UTC day). */
export function formatInstantDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** "09:05" in the town hall's time. */
export function formatTime(date: Date): string {
  return timeFormat.format(date);
}

/** "14.03.2026" from a stored calendar date "2026-03-14" (terms are already Bucharest days). */
export function formatCalendarDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : date;
}
