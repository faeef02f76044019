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

/**
 * What clerks see when the citizen writes again on a ticket's thread: the message itself (so a short
 * answer needs no other screen), the files sent with it, and the buttons to answer or open the ticket.
 */
/** What a message the bot answered with a fixed text was, for the clerk (the gateway's `fixedAnswer` intents). */
const fixedAnswerKinds: Record<string, string> = {
  voice_note: 'mesaj vocal — botul nu îl ascultă; ascultați-l pe canalul cetățeanului sau sunați-l',
  unsupported: 'un mesaj pe care botul nu îl poate citi (autocolant, contact, sondaj…)',
  media_failed: 'un fișier care nu a putut fi descărcat — cereți-l din nou',
};

export function followUpNotice(
  ticket: TicketRow,
  input: { text: string; attachments: { fileName: string; sha256: string }[]; assigneeName?: string; fixedAnswerKind?: string },
): OutboundMessage {
  const label = ticketLabel(ticket);
  const text = input.text.trim();
  // The citizen was answered automatically (see the gateway's fixed answers); the clerk is told what came.
  const kind = input.fixedAnswerKind ? `Cetățeanul a trimis ${fixedAnswerKinds[input.fixedAnswerKind] ?? `un mesaj (${input.fixedAnswerKind})`}; a primit răspunsul automat.` : '';
  return {
    author: 'bot',
    text: [
      `💬 Cetățeanul a scris din nou — tichet ${label}`,
      `Subiect: ${ticket.subject}`,
      text ? `Mesaj: ${text.length > 600 ? `${text.slice(0, 600)}…` : text}` : '',
      kind,
      ...input.attachments.map((file) => `Atașament: ${file.fileName} (sha256 ${file.sha256.slice(0, 16)}…)`),
      `${input.assigneeName ? `Alocat: ${input.assigneeName}` : 'Nealocat'} · Necitite: ${ticket.unreadCitizenMessages} · Canal: ${ticket.channel}`,
      `Răspundeți cu /raspunde ${label} <text>`,
    ]
      .filter(Boolean)
      .join('\n'),
    parts: [
      {
        type: 'buttons',
        buttons: [
          { label: 'Răspunde', value: `/raspunde ${label} ` },
          { label: 'Vezi', value: `/vezi ${label}` },
        ],
      },
    ],
  };
}
