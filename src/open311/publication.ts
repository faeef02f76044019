import { eq } from 'drizzle-orm';
import { firstRow, type Executor } from '../database/connection.ts';
import { clerks, contacts, type TicketRow } from '../database/schema.ts';
import { maskPersonalData } from '../privacy/masking.ts';

// What GET requests publishes of the free text people and clerks wrote (OPEN311_PUBLISH). Reports reach
// anyone who can read the API, and in the probe of issue 16 they held a CNP, a name and a phone number;
// the town hall decides: nothing, masked (the default), or the text as written.

export type PublishMode = 'none' | 'masked' | 'full';

/** Names known to appear in a request's texts: the requester's and the clerks' who may sign an answer. */
export async function knownNames(executor: Executor, ticket: Pick<TicketRow, 'citizenName' | 'contactId'>): Promise<string[]> {
  const contact = ticket.contactId === null ? undefined : await firstRow(executor.select({ displayName: contacts.displayName }).from(contacts).where(eq(contacts.id, ticket.contactId)));
  const clerkNames = (await executor.select({ name: clerks.name }).from(clerks)).map((clerk) => clerk.name);
  return [ticket.citizenName, contact?.displayName, ...clerkNames].filter((name): name is string => Boolean(name));
}

/** The text to publish, or undefined when the town hall publishes none. */
export function publishedText(text: string, mode: PublishMode, names: () => readonly string[]): string | undefined {
  if (mode === 'none') return undefined;
  if (mode === 'full') return text;
  return maskPersonalData(text, { names: names(), personNames: true });
}

/** The notice shown to clerks on an Open311 ticket, next to the reply form. */
export function publicationNotice(mode: PublishMode): string {
  if (mode === 'none') return 'Cerere Open311: textul cererii și răspunsul dumneavoastră nu sunt publicate; se publică doar starea.';
  if (mode === 'masked') return 'Cerere Open311: răspunsul dumneavoastră este PUBLIC (API Open311), cu CNP-urile, telefoanele, e-mailurile și numele ascunse automat. Nu scrieți date personale.';
  return 'Cerere Open311: răspunsul dumneavoastră este PUBLIC (API Open311), exact cum îl scrieți. Nu scrieți date personale.';
}
