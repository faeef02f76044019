import { returnedRow, type Database } from '../../src/database/connection.ts';
import { contacts, conversations, messages, tickets } from '../../src/database/schema.ts';
import { citizenTexts } from '../../src/conversation/texts.ts';
import type { MessagePart } from '../../src/messages.ts';

// A small year of activity with answers worked out by hand (see the expectations in indicators.test.ts):
//   2026 users: ana (webchat, first came in 2025), bela (webchat), csaba (telegram), dana (whatsapp),
//   an Open311 reporter; 2025 only: emil (telegram); 1 Jan 2027 00:30 local time: the year after.

export const seededYear = 2026;

interface SeededIds {
  contacts: Record<'ana' | 'bela' | 'csaba' | 'dana' | 'open311' | 'emil' | 'newYear', number>;
  conversations: Record<'ana' | 'bela' | 'csaba' | 'dana' | 'emil' | 'newYear', number>;
}

export async function seedIndicatorDataset(database: Database): Promise<SeededIds> {
  const contact = async (channel: string, externalId: string, createdAt: string) =>
    (await returnedRow(database.insert(contacts).values({ channel, externalId, createdAt, lastSeenAt: createdAt }).returning())).id;
  const conversation = async (contactId: number, channel: string, createdAt: string, updatedAt: string, handedOver = false) =>
    (await returnedRow(database.insert(conversations).values({ contactId, channel, createdAt, updatedAt, handedOver }).returning())).id;
  let counter = 0;
  const ask = async (conversationId: number, contactId: number, channel: string, createdAt: string, text: string, intent: string) =>
    (
      await returnedRow(
        database
          .insert(messages)
          .values({ conversationId, contactId, channel, direction: 'inbound', author: 'citizen', externalId: `m${(counter += 1)}`, text, intent, createdAt, processedAt: createdAt })
          .returning(),
      )
    ).id;
  const answer = async (conversationId: number, contactId: number, channel: string, createdAt: string, inReplyTo: number, text: string, intent: string, slugs: string[] = []) => {
    const parts: MessagePart[] = slugs.length > 0 ? [{ type: 'sources', sources: slugs.map((slug) => ({ slug, title: slug })) }] : [];
    await database.insert(messages).values({ conversationId, contactId, channel, direction: 'outbound', author: 'bot', text, intent, parts, inReplyTo, createdAt });
  };
  const exchange = async (conversationId: number, contactId: number, channel: string, createdAt: string, question: string, intent: string, reply: string, slugs: string[] = []) => {
    const id = await ask(conversationId, contactId, channel, createdAt, question, intent);
    await answer(conversationId, contactId, channel, createdAt, id, reply, intent, slugs);
  };

  const ids: SeededIds = {
    contacts: {
      ana: await contact('webchat', 'session-ana', '2025-11-10T09:00:00.000Z'),
      bela: await contact('webchat', 'session-bela', '2026-02-01T09:00:00.000Z'),
      csaba: await contact('telegram', '1001', '2026-03-01T09:00:00.000Z'),
      dana: await contact('whatsapp', '+40740000004', '2026-04-01T09:00:00.000Z'),
      open311: await contact('open311', 'app/email:x@example.com', '2026-05-01T09:00:00.000Z'),
      emil: await contact('telegram', '1006', '2025-05-01T09:00:00.000Z'),
      newYear: await contact('webchat', 'session-new-year', '2026-12-31T22:30:00.000Z'),
    },
    conversations: { ana: 0, bela: 0, csaba: 0, dana: 0, emil: 0, newYear: 0 },
  };
  const { contacts: people } = ids;
  ids.conversations.ana = await conversation(people.ana, 'webchat', '2025-11-10T09:00:00.000Z', '2026-02-10T09:05:00.000Z');
  ids.conversations.bela = await conversation(people.bela, 'webchat', '2026-02-01T09:00:00.000Z', '2026-02-01T09:10:00.000Z');
  ids.conversations.csaba = await conversation(people.csaba, 'telegram', '2026-03-01T09:00:00.000Z', '2026-03-05T09:00:00.000Z', true);
  ids.conversations.dana = await conversation(people.dana, 'whatsapp', '2026-04-01T09:00:00.000Z', '2026-04-10T09:00:00.000Z', true);
  ids.conversations.emil = await conversation(people.emil, 'telegram', '2025-05-01T09:00:00.000Z', '2025-05-01T09:10:00.000Z');
  ids.conversations.newYear = await conversation(people.newYear, 'webchat', '2026-12-31T22:30:00.000Z', '2026-12-31T22:31:00.000Z');

  const { conversations: talk } = ids;
  // 2025: ana and emil ask once each (not part of 2026).
  await exchange(talk.ana, people.ana, 'webchat', '2025-11-10T09:01:00.000Z', 'acte autorizatie construire', 'procedure', 'Card', ['autorizatie-construire']);
  await exchange(talk.emil, people.emil, 'telegram', '2025-05-01T09:01:00.000Z', 'certificat urbanism', 'procedure', 'Card', ['certificat-urbanism']);
  // 2026: procedure answers — autorizatie-construire ×3, certificat-urbanism ×2, ajutor-incalzire ×1.
  await exchange(talk.ana, people.ana, 'webchat', '2026-02-10T09:01:00.000Z', 'ce acte trebuie pentru autorizatia de construire', 'procedure', 'Card', ['autorizatie-construire', 'certificat-urbanism']);
  await exchange(talk.bela, people.bela, 'webchat', '2026-02-01T09:01:00.000Z', 'autorizatie de construire casa', 'procedure', 'Card', ['autorizatie-construire']);
  await exchange(talk.csaba, people.csaba, 'telegram', '2026-03-01T09:01:00.000Z', 'építési engedély', 'procedure', 'Card', ['autorizatie-construire']);
  await exchange(talk.csaba, people.csaba, 'telegram', '2026-03-01T09:02:00.000Z', 'certificat de urbanism', 'procedure', 'Card', ['certificat-urbanism']);
  await exchange(talk.dana, people.dana, 'whatsapp', '2026-04-01T09:01:00.000Z', 'certificat urbanism pret', 'procedure', 'Card', ['certificat-urbanism']);
  await exchange(talk.dana, people.dana, 'whatsapp', '2026-04-01T09:02:00.000Z', 'ajutor incalzire', 'procedure', 'Card', ['ajutor-incalzire']);
  // 2026: questions the bot could not answer — the same passport question twice, one ticket offer.
  await exchange(talk.bela, people.bela, 'webchat', '2026-02-01T09:05:00.000Z', 'Unde fac pașaport?', 'out_of_scope', 'Pașapoartele se fac la Prefectură');
  await exchange(talk.ana, people.ana, 'webchat', '2026-02-10T09:05:00.000Z', 'unde fac pasaport', 'out_of_scope', 'Pașapoartele se fac la Prefectură');
  await exchange(talk.csaba, people.csaba, 'telegram', '2026-03-05T09:00:00.000Z', 'cat costa parcarea in centru', 'procedure', citizenTexts.ro.ticketOffer);
  // 1 January 2027, 00:30 in Bălăușeri (still 31 December in UTC): next year's.
  await exchange(talk.newYear, people.newYear, 'webchat', '2026-12-31T22:30:30.000Z', 'program primarie', 'procedure', 'Card', ['autorizatie-construire']);

  const ticket = async (values: Omit<typeof tickets.$inferInsert, 'year' | 'text' | 'dueRule'>) => {
    await database.insert(tickets).values({ year: 2026, text: values.subject, dueRule: 'OG 27/2002, art. 8', ...values });
  };
  await ticket({ number: 1, contactId: people.csaba, conversationId: talk.csaba, channel: 'telegram', type: 'sesizare', subject: 'Bec ars', department: 'registratura', status: 'inchis', dueDate: '2026-04-01', createdAt: '2026-03-02T08:00:00.000Z', firstResponseAt: '2026-03-02T10:00:00.000Z', closedAt: '2026-03-02T10:00:00.000Z' });
  await ticket({ number: 2, contactId: people.dana, conversationId: talk.dana, channel: 'whatsapp', type: 'cerere', subject: 'Certificat urbanism', department: 'urbanism', status: 'in_lucru', dueDate: '2026-05-04', createdAt: '2026-04-02T08:00:00.000Z', firstResponseAt: '2026-04-02T18:00:00.000Z' });
  await ticket({ number: 3, contactId: people.open311, conversationId: null, channel: 'open311', type: 'sesizare', subject: 'Groapă', department: 'registratura', status: 'nou', dueDate: '2026-06-01', createdAt: '2026-05-02T08:00:00.000Z' });
  await ticket({ number: 4, contactId: people.csaba, conversationId: talk.csaba, channel: 'telegram', type: 'petitie', subject: 'Loc de joacă', department: 'secretariat', status: 'rezolvat', dueDate: '2026-04-06', createdAt: '2026-03-05T08:00:00.000Z', firstResponseAt: '2026-03-06T14:00:00.000Z' });
  await ticket({ number: 5, contactId: people.dana, conversationId: talk.dana, channel: 'whatsapp', type: 'handover', handover: true, subject: 'Vrea un funcționar', department: 'registratura', status: 'inchis', dueDate: '2026-05-11', createdAt: '2026-04-10T08:00:00.000Z', firstResponseAt: '2026-05-20T08:00:00.000Z', closedAt: '2026-05-20T08:00:00.000Z' });
  return ids;
}
