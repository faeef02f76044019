import { wordlessMessageText, type ThreadEntry } from './ticket-thread.ts';

// A ticket's thread as text for a terminal or a chat: one line per message, in order, with the town
// hall's local time (stored times are UTC; a clerk in Bălăușeri reads Bucharest time).

const authorNames: Record<ThreadEntry['author'], string> = { citizen: 'cetățean', clerk: 'funcționar', bot: 'bot' };

/** "06.12.2026 05:41" in the given time zone. */
export function localTimestamp(isoInstant: string, timeZone = 'Europe/Bucharest'): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(
    new Date(isoInstant),
  );
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('day')}.${part('month')}.${part('year')} ${part('hour')}:${part('minute')}`;
}

export function renderThread(thread: ThreadEntry[], timeZone = 'Europe/Bucharest'): string {
  if (thread.length === 0) return 'Fir: (niciun mesaj legat de tichet)';
  const lines = thread.map((entry) => {
    const files = entry.attachments.map((file) => ` [atașament ${file.fileName}, sha256 ${file.sha256}]`).join('');
    const text = entry.text.trim() === '' && entry.attachments.length === 0 ? wordlessMessageText(entry.kind) : entry.text.replace(/\n/g, ' ');
    return `  ${localTimestamp(entry.createdAt, timeZone)} ${authorNames[entry.author]}: ${text}${files}`;
  });
  return [`Fir (ora României):`, ...lines].join('\n');
}
