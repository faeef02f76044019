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

// Audit event names are in src/tickets/ticket-labels.ts (eventLabel); dates in ./dates.ts (Bucharest time).
export { formatCalendarDate, formatDateTime, formatTime } from './dates.ts';
