import { channelNames, ticketTypeNames } from '../admin/labels.ts';
import { departmentName } from '../tickets/ticket-labels.ts';
import type { TicketRow } from '../database/schema.ts';
import { privacyPath } from '../gdpr/privacy-notice.ts';
import type { TownHall } from '../knowledge/knowledge-base.ts';
import { deadlineRules, type TicketType } from '../tickets/deadlines.ts';
import { ticketLabel } from '../tickets/ticket-store.ts';
import type { ReceiptFacts } from './receipt-document.ts';
import { verificationUrl } from './receipt-links.ts';

// What a receipt states, from the ticket as registered and the town hall's own description of itself.

/** "[de completat]" marks facts the town hall has not confirmed yet: an official paper leaves them out. */
const unconfirmed = /\[de completat\]|\[to be/i;

function addressLine(address: string): string {
  return address
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !unconfirmed.test(part))
    .join(', ');
}

export function headerLines(townHall: TownHall): string[] {
  const contacts = [
    townHall.phone && !unconfirmed.test(townHall.phone) ? `Tel.: ${townHall.phone}` : undefined,
    townHall.email ? `E-mail: ${townHall.email}` : undefined,
    townHall.website ? `Web: ${townHall.website}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return [addressLine(townHall.address), contacts.join(' · ')].filter((line) => line !== '');
}

export interface FactsInput {
  ticket: TicketRow;
  townHall: TownHall | undefined;
  townHallName: string;
  publicUrl: string | undefined;
  code: string;
  issuedAt: Date;
  signer: string | undefined;
}

export function receiptFacts(input: FactsInput): ReceiptFacts {
  const { ticket, townHall } = input;
  const department = townHall?.departments.find((candidate) => candidate.id === ticket.department);
  const rule = deadlineRules[ticket.type as TicketType] as (typeof deadlineRules)[TicketType] | undefined;
  const alreadyExtended = ticket.dueRule.includes('prelungit');
  return {
    townHall: {
      name: townHall?.name.ro ?? input.townHallName,
      nameHungarian: townHall?.name.hu,
      lines: townHall ? headerLines(townHall) : [],
    },
    ticketLabel: ticketLabel(ticket),
    registeredAt: new Date(ticket.createdAt),
    channel: channelNames[ticket.channel] ?? ticket.channel,
    type: ticketTypeNames[ticket.type] ?? ticket.type,
    department: department?.name.ro ?? departmentName(ticket.department, 'ro'),
    departmentHungarian: department?.name.hu ?? departmentName(ticket.department, 'hu'),
    subject: ticket.subject,
    dueDate: ticket.dueDate,
    dueRule: ticket.dueRule,
    extension: rule?.extension && !alreadyExtended ? rule.extension : undefined,
    code: input.code,
    verificationUrl: verificationUrl(input.publicUrl, input.code),
    issuedAt: input.issuedAt,
    signer: input.signer,
    privacyUrl: input.publicUrl ? `${input.publicUrl}${privacyPath}` : undefined,
  };
}
