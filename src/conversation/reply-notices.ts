import { and, eq } from 'drizzle-orm';
import { firstRow, type Executor } from '../database/connection.ts';
import { messages, type ContactRow, type TicketRow } from '../database/schema.ts';
import { privacyNoticeLine } from '../gdpr/privacy-notice.ts';
import type { Language } from '../language.ts';
import { receiptLinkLine, webchatReceiptUrl } from '../receipts/receipt-links.ts';
import type { Reply } from './conversation-service.ts';

// A pipeline step after the handler: lines the town hall owes the citizen whatever was asked.
// - the privacy notice (GDPR art. 13) on the first reply a contact ever gets, on channels where the bot
//   cannot speak first (Telegram, WhatsApp, Teams); the web chat bubble shows it itself before the
//   first question (GET /privacy/notice.json), so its replies stay exactly what was streamed;
// - on the web chat, the link to the registration receipt of a request just registered (Telegram and
//   WhatsApp do not get the PDF yet: see docs/e-government.md).

/** Channels whose own interface shows the privacy notice before the first question. */
const channelsShowingTheNotice = new Set(['webchat']);

export interface NoticeContext {
  transaction: Executor;
  contact: ContactRow;
  language: Language;
  townHallName: string;
  publicUrl: string | undefined;
  newTicket?: TicketRow;
}

async function isFirstReply(transaction: Executor, contactId: number): Promise<boolean> {
  const earlier = await firstRow(
    transaction
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.contactId, contactId), eq(messages.direction, 'outbound')))
      .limit(1),
  );
  return !earlier;
}

function appendLine(reply: Reply, line: string): Reply {
  return { ...reply, text: `${reply.text}\n\n${line}` };
}

export async function addReplyNotices(replies: Reply[], context: NoticeContext): Promise<Reply[]> {
  const result = [...replies];
  const { newTicket, contact, language } = context;
  if (newTicket && !newTicket.handover && contact.channel === 'webchat') {
    const index = Math.max(
      result.findIndex((reply) => reply.ticketId === newTicket.id),
      0,
    );
    const reply = result[index];
    if (reply) result[index] = appendLine(reply, receiptLinkLine(language, webchatReceiptUrl(context.publicUrl, contact.externalId, newTicket)));
  }
  const firstIndex = result.findIndex((reply) => reply.text.trim() !== '');
  const first = result[firstIndex];
  if (first && !channelsShowingTheNotice.has(contact.channel) && (await isFirstReply(context.transaction, contact.id))) {
    result[firstIndex] = appendLine(first, privacyNoticeLine(language, context.townHallName, context.publicUrl));
  }
  return result;
}
