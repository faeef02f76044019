// What the clerk reads, in Romanian. Codes stay in the database; these are only their names on screen.
// Statuses and departments are named in src/tickets/ticket-labels.ts, the one table every surface uses.

export const ticketTypeNames: Record<string, string> = {
  petitie: 'petiție',
  'informatii-publice': 'informații de interes public',
  sesizare: 'sesizare',
  cerere: 'cerere',
  declaratie: 'declarație',
  audienta: 'audiență',
  handover: 'cere un funcționar',
};

export const channelNames: Record<string, string> = {
  webchat: 'chat pe site',
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  teams: 'Teams',
  open311: 'Open311',
  web: 'inbox web',
  cli: 'linie de comandă',
};

export const eventNames: Record<string, string> = {
  created: 'tichet înregistrat',
  reply: 'răspuns trimis cetățeanului',
  note: 'notă internă',
  assigned: 'alocat',
  closed: 'închis',
  delivery_failed: 'livrare eșuată',
  delivery_to_check: 'livrare de verificat (după restaurarea unei copii de siguranță)',
  command_refused: 'comandă refuzată',
  deadline_extended: 'termen prelungit',
  status: 'stare schimbată',
  citizen_followed_up: 'cetățeanul a revenit',
  reopened: 'redeschis (cetățeanul a revenit)',
};

const timeZone = 'Europe/Bucharest';
const dateTimeFormat = new Intl.DateTimeFormat('ro-RO', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const timeFormat = new Intl.DateTimeFormat('ro-RO', { timeZone, hour: '2-digit', minute: '2-digit' });

/** "14.03.2026, 09:05" in the town hall's time. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

export function formatTime(date: Date): string {
  return timeFormat.format(date);
}

/** "14.03.2026" from a stored calendar date "2026-03-14". */
export function formatCalendarDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : date;
}
