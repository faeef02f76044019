// Years are the town hall's calendar years (Europe/Bucharest), like ticket numbering: a message written
// at 00:30 on 1 January local time belongs to the new year although it is still 31 December in UTC.

export const townHallTimeZone = 'Europe/Bucharest';

function offsetMinutes(instant: Date, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** The UTC instant (ISO, as the database stores timestamps) at which a local calendar day starts. */
export function startOfLocalDay(date: string, timeZone = townHallTimeZone): string {
  const midnightUtc = new Date(`${date}T00:00:00Z`);
  const guess = new Date(midnightUtc.getTime() - offsetMinutes(midnightUtc, timeZone) * 60_000);
  // The offset at the guess itself settles the day a DST change happens on.
  return new Date(midnightUtc.getTime() - offsetMinutes(guess, timeZone) * 60_000).toISOString();
}

/** [start, end) of a local calendar year as ISO instants, comparable with stored created_at texts. */
export function yearRange(year: number, timeZone = townHallTimeZone): { start: string; end: string } {
  return { start: startOfLocalDay(`${year}-01-01`, timeZone), end: startOfLocalDay(`${year + 1}-01-01`, timeZone) };
}
