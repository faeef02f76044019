import type { Executor } from '../database/connection.ts';
import type { ClerkRow, TicketRow } from '../database/schema.ts';
import { clerksOfDepartment, findClerkById } from './clerk-directory.ts';
import { addressesOfClerk } from './deadline-digest.ts';

// Who hears that a citizen wrote again on a ticket. The staff chats (Telegram group, Teams channel) always:
// they are where tickets are announced and answered, and a Telegram bot cannot write privately to a clerk
// who never opened a chat with it. Privately, on the channels that reach one person (Telegram, Teams),
// the clerk the ticket is assigned to — or, when nobody has it, every active clerk of its department.

export interface NoticeRecipient {
  channel: string;
  recipient: string;
}

export async function followUpRecipients(
  executor: Executor,
  ticket: TicketRow,
  staffChats: NoticeRecipient[],
): Promise<{ recipients: NoticeRecipient[]; assignee?: ClerkRow }> {
  const assignee = ticket.assigneeClerkId !== null ? await findClerkById(executor, ticket.assigneeClerkId) : undefined;
  const clerks = assignee ? [assignee] : (await clerksOfDepartment(executor, ticket.department)).filter((clerk) => clerk.active);
  const personal: NoticeRecipient[] = [];
  for (const clerk of clerks) personal.push(...(await addressesOfClerk(executor, clerk)));
  const unique = new Map<string, NoticeRecipient>();
  for (const recipient of [...staffChats, ...personal]) unique.set(`${recipient.channel}\u0000${recipient.recipient}`, recipient);
  return { recipients: [...unique.values()], assignee };
}
