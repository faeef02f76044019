import { and, eq, inArray, isNull, or, type SQL } from 'drizzle-orm';
import { outbox, ticketEvents, type ContactRow } from '../database/schema.ts';

// Where a person's data sits besides the rows that carry their contact id — shared by the export (art. 15)
// and the erasure (art. 17), so the two can never disagree about what "their data" is.

/** The contact's channel identity as the clerk command runner records an unknown sender ("telegram:123456789"). */
export function channelActorId(contact: Pick<ContactRow, 'channel' | 'externalId'>): string {
  return `${contact.channel}:${contact.externalId}`;
}

/**
 * Audit events the person caused outside their tickets: a clerk command they typed and were refused,
 * recorded with what they wrote, either as the citizen (pipeline) or as an unknown sender (clerk channel).
 */
export function eventsByContact(contact: Pick<ContactRow, 'id' | 'channel' | 'externalId'>): SQL {
  return and(
    isNull(ticketEvents.ticketId),
    or(and(eq(ticketEvents.actorType, 'citizen'), eq(ticketEvents.actorId, String(contact.id))), eq(ticketEvents.actorId, channelActorId(contact))),
  ) as SQL;
}

/** Deliveries addressed to the person: their conversation's replies and notices sent only through the outbox. */
export function deliveriesToContact(contact: Pick<ContactRow, 'channel' | 'externalId'>, messageIds: number[]): SQL {
  return or(
    and(eq(outbox.channel, contact.channel), eq(outbox.recipient, contact.externalId)),
    messageIds.length > 0 ? inArray(outbox.messageId, messageIds) : undefined,
  ) as SQL;
}

/** Deliveries about the person's tickets to someone else (the clerks' staff notice carries the subject). */
export function deliveriesAboutTickets(ticketIds: number[]): SQL | undefined {
  return ticketIds.length > 0 ? inArray(outbox.ticketId, ticketIds) : undefined;
}
