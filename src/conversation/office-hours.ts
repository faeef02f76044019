import type { OfficeHours } from '../knowledge/knowledge-base.ts';
import { isWorkingDay, localDate } from '../tickets/deadlines.ts';

export type OfficeStatus = { open: true } | { open: false; nextOpening: { weekday: number; date: string; time: string } };

function localClock(instant: Date, timeZone: string): { date: string; weekday: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant);
  const value = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(value('weekday')) + 1;
  return { date: localDate(instant, timeZone), weekday, minutes: Number(value('hour')) * 60 + Number(value('minute')) };
}

function toMinutes(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function addDays(date: string, days: number): string {
  const result = new Date(`${date}T00:00:00Z`);
  result.setUTCDate(result.getUTCDate() + days);
  return result.toISOString().slice(0, 10);
}

/** Whether the town hall is open at `instant`, and if not, when it next opens (public holidays skipped). */
export function officeStatus(hours: OfficeHours[], instant: Date, timeZone = 'Europe/Bucharest'): OfficeStatus {
  const now = localClock(instant, timeZone);
  const todays = isWorkingDay(now.date) ? hours.filter((slot) => slot.days.includes(now.weekday)) : [];
  if (todays.some((slot) => now.minutes >= toMinutes(slot.open) && now.minutes < toMinutes(slot.close))) return { open: true };
  for (let offset = 0; offset <= 14; offset += 1) {
    const date = addDays(now.date, offset);
    const weekday = ((now.weekday - 1 + offset) % 7) + 1;
    if (!isWorkingDay(date)) continue;
    const slots = hours
      .filter((slot) => slot.days.includes(weekday))
      .filter((slot) => offset > 0 || toMinutes(slot.open) > now.minutes)
      .sort((left, right) => toMinutes(left.open) - toMinutes(right.open));
    const first = slots[0];
    if (first) return { open: false, nextOpening: { weekday, date, time: first.open } };
  }
  return { open: false, nextOpening: { weekday: 1, date: addDays(now.date, 1), time: '08:00' } };
}
