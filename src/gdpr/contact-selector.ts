import { and, eq } from 'drizzle-orm';
import { firstRow, type Executor } from '../database/connection.ts';
import { contacts, tickets, type ContactRow } from '../database/schema.ts';
import { AppError, NotFoundError } from '../errors.ts';

// How an administrator names the person whose data is asked for: the contact's id (shown by the admin
// inbox and `tickets show`), its channel identity ("whatsapp:+40740123456", "telegram:123456789"), or
// a ticket the person filed ("ticket:12/2026") — whatever the request letter mentions.

export class ContactSelectorError extends AppError {
  constructor(selector: string) {
    super('FV_ERR_CONTACT_SELECTOR', `"${selector}" is not a contact: use the contact id (12), channel:id (whatsapp:+40740123456) or ticket:N/YYYY`, 400);
  }
}

export async function findContactBySelector(executor: Executor, selector: string): Promise<ContactRow> {
  const text = selector.trim();
  let contact: ContactRow | undefined;
  if (/^\d+$/.test(text)) {
    contact = await firstRow(executor.select().from(contacts).where(eq(contacts.id, Number(text))));
  } else if (/^ticket:/i.test(text)) {
    const match = /^ticket:(\d{1,7})\/(\d{4})$/i.exec(text);
    if (!match) throw new ContactSelectorError(selector);
    const ticket = await firstRow(
      executor
        .select()
        .from(tickets)
        .where(and(eq(tickets.number, Number(match[1])), eq(tickets.year, Number(match[2])))),
    );
    contact = ticket ? await firstRow(executor.select().from(contacts).where(eq(contacts.id, ticket.contactId))) : undefined;
  } else {
    const separator = text.indexOf(':');
    if (separator <= 0) throw new ContactSelectorError(selector);
    const channel = text.slice(0, separator);
    const externalId = text.slice(separator + 1);
    contact = await firstRow(
      executor
        .select()
        .from(contacts)
        .where(and(eq(contacts.channel, channel), eq(contacts.externalId, externalId))),
    );
  }
  if (!contact) throw new NotFoundError('FV_ERR_CONTACT_NOT_FOUND', `No contact matches "${selector}"`);
  return contact;
}
