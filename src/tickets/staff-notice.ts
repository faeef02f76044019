import type { TicketRow } from '../database/schema.ts';
import type { OutboundMessage } from '../messages.ts';
import { formatDate } from './deadlines.ts';
import { ticketLabel } from './ticket-store.ts';

/** What clerks see in their staff chat when a ticket is registered; the buttons carry reply commands. */
export function staffNotice(ticket: TicketRow): OutboundMessage {
  const label = ticketLabel(ticket);
  const heading = ticket.handover ? `🙋 Cetățeanul cere un funcționar — tichet ${label}` : `📥 Tichet nou ${label}`;
  return {
    author: 'bot',
    text: [
      heading,
      `Subiect: ${ticket.subject}`,
      `Tip: ${ticket.type} · Compartiment: ${ticket.department} · Canal: ${ticket.channel}`,
      `Termen legal: ${formatDate(ticket.dueDate)} (${ticket.dueRule})`,
      `Răspundeți cu /raspunde ${label} <text>`,
    ].join('\n'),
    parts: [
      {
        type: 'buttons',
        buttons: [
          { label: 'Preia', value: `/preia ${label}` },
          { label: 'Răspunde', value: `/raspunde ${label} ` },
          { label: 'Vezi', value: `/vezi ${label}` },
        ],
      },
    ],
  };
}
