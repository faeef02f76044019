import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClerkPassword } from '../../src/admin/clerk-accounts.ts';
import { inTransaction } from '../../src/database/connection.ts';
import { ticketEvents, tickets } from '../../src/database/schema.ts';
import { currentConversation, upsertContact } from '../../src/conversation/conversation-store.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { deadlineRules, localDate } from '../../src/tickets/deadlines.ts';
import { createTicket, findTicket, recordEvent } from '../../src/tickets/ticket-store.ts';
import { readServerSentEvents, type ServerSentEvent } from '../helpers/server-sent-events.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { AdminClient, textOf } from './admin-client.ts';

// Issue 14's live web inbox: the event stream a signed-in clerk's pages listen to, search, saved replies,
// the citizen's language, Bucharest dates and readable audit names — through real HTTP.

let testApp: TestApp;
let baseUrl: string;
const year = Number(localDate(new Date()).slice(0, 4));
const anaPassword = 'corect-cal-baterie-capsa';

function database() {
  return testApp.app.functionar.database.db;
}

async function say(sessionId: string, text: string): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { replies: { text: string }[] }).replies.map((reply) => reply.text).join('\n');
}

/** A citizen files a request through the web chat; returns the session and the ticket's number. */
async function fileRequest(subject: string, name: string): Promise<{ sessionId: string; label: string; number: number }> {
  const session = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  const sessionId = (session.json() as { sessionId: string }).sessionId;
  for (const text of ['vreau sa depun o sesizare', subject, name, 'sari peste']) await say(sessionId, text);
  const confirmation = await say(sessionId, 'Da');
  const label = /(\d+\/\d{4})/.exec(confirmation)?.[1];
  if (!label) throw new Error(`no ticket number in: ${confirmation}`);
  return { sessionId, label, number: Number(label.split('/')[0]) };
}

/** A ticket registered at `at`, straight through the store, by a citizen writing in `language`. */
function seedTicket(subject: string, options: { language?: 'ro' | 'hu'; at?: Date; department?: string; citizenName?: string } = {}) {
  return inTransaction(database(), async (transaction) => {
    const now = options.at ?? new Date();
    const contact = await upsertContact(transaction, { channel: 'webchat', externalId: `seed-${subject}` }, now);
    const conversation = await currentConversation(transaction, contact, options.language ?? 'ro', now);
    return createTicket(
      transaction,
      {
        contactId: contact.id,
        conversationId: conversation.id,
        channel: 'webchat',
        type: 'sesizare',
        subject,
        text: subject,
        department: options.department ?? 'urbanism',
        citizenName: options.citizenName,
        deadline: deadlineRules.sesizare,
      },
      now,
      { type: 'citizen' },
    );
  });
}

async function signedIn(): Promise<AdminClient> {
  const client = new AdminClient(testApp.app);
  const response = await client.logIn('Ana Pop', anaPassword);
  expect(response.statusCode, textOf(response.body)).toBe(303);
  await client.get('/admin');
  return client;
}

/**
 * Opens /admin/events on the real port with the clerk's cookie and collects events; `next` waits for the
 * first event (from now) that matches.
 */
async function openStream(cookie: string) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/admin/events`, { headers: { cookie }, signal: controller.signal });
  const events: ServerSentEvent[] = [];
  const waiters: { match: (event: ServerSentEvent) => boolean; resolve: (event: ServerSentEvent) => void }[] = [];
  const ended = readServerSentEvents(response.body, (event) => {
    events.push(event);
    for (const waiter of [...waiters]) {
      if (!waiter.match(event)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  });
  const next = (match: (event: ServerSentEvent) => boolean, what: string) =>
    new Promise<ServerSentEvent>((resolve, reject) => {
      const found = events.find(match);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`no ${what} on /admin/events; got ${JSON.stringify(events)}`)), 8000);
      waiters.push({ match, resolve: (event) => (clearTimeout(timer), resolve(event)) });
    });
  await next((event) => event.event === 'ready', 'ready event');
  return { response, events, next, ended, close: () => controller.abort() };
}

beforeAll(async () => {
  testApp = await startTestApp();
  baseUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
  await addClerk(database(), { name: 'Ana Pop', department: 'urbanism' });
  await setClerkPassword(database(), 'Ana Pop', anaPassword);
});

afterAll(async () => {
  await testApp?.close();
});

describe('the live event stream', () => {
  it('refuses a browser that is not signed in', async () => {
    const response = await fetch(`${baseUrl}/admin/events`);
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    await response.body?.cancel();
  });

  it('tells a signed-in clerk about a new ticket, and about the citizen writing back after an answer, with the unread count', async () => {
    const clerk = await signedIn();
    const stream = await openStream(clerk.cookieHeader());
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get('access-control-allow-origin')).toBeNull();

    const filed = await fileRequest('Groapa mare in asfalt pe strada Morii', 'Elena Dobre');
    const created = await stream.next((event) => event.event === 'ticket-created' && event.data.ticket === filed.label, 'ticket-created');
    expect(created.data).toMatchObject({ number: filed.number, year, unread: 0 });

    // The clerk answers from the ticket page; the citizen writes back on the web chat: the thread grows.
    await clerk.get(`/admin/tickets/${year}/${filed.number}`);
    const answered = await clerk.submit(`/admin/tickets/${year}/${filed.number}/reply`, { _csrf: clerk.field('_csrf'), submission: 'live-1', text: 'Am transmis echipei de drumuri. Când ați observat groapa?' });
    expect(textOf(answered.body)).toContain('Răspuns trimis');
    await stream.next((event) => event.event === 'ticket-updated' && event.data.ticket === filed.label && event.data.kind === 'reply', 'ticket-updated after the reply');

    await say(filed.sessionId, 'Ieri dimineata, e chiar langa trecerea de pietoni.');
    const message = await stream.next((event) => event.event === 'citizen-message' && event.data.ticket === filed.label, 'citizen-message');
    expect(message.data.unread).toBe(1);
    expect(Number(message.id)).toBeGreaterThan(Number(created.id));

    // The inbox shows the marker; opening the ticket reads it (and the stream says so).
    const inbox = await clerk.get('/admin');
    expect(inbox.body).toMatch(new RegExp(`data-ticket="${filed.label}" data-unread="1"`));
    expect(inbox.body).toContain('data-testid="unread-marker"');
    const page = await clerk.get(`/admin/tickets/${year}/${filed.number}`);
    // The newest citizen message comes first in the thread, below the reply box.
    const text = textOf(page.body);
    expect(text.indexOf('Mesajul pentru cetățean')).toBeLessThan(text.indexOf('Ieri dimineata'));
    expect(text.indexOf('Ieri dimineata')).toBeLessThan(text.indexOf('Am transmis echipei de drumuri'));
    const read = await stream.next((event) => event.event === 'ticket-updated' && event.data.ticket === filed.label && event.data.kind === 'viewed', 'the ticket read');
    expect(read.data.unread).toBe(0);
    expect((await findTicket(database(), { number: filed.number, year }))?.unreadCitizenMessages).toBe(0);

    // A browser that reconnects with Last-Event-ID gets what it missed.
    const replay = await fetch(`${baseUrl}/admin/events`, { headers: { cookie: clerk.cookieHeader(), 'last-event-id': String(Number(created.id) - 1) } });
    const reader = replay.body!.getReader();
    let seen = '';
    while (!seen.includes('event: ready')) seen += new TextDecoder().decode((await reader.read()).value);
    expect(seen).toContain(`event: ticket-created\ndata: {"ticket":"${filed.label}"`);
    expect(seen).toContain('event: citizen-message');
    await reader.cancel();
    stream.close();
  });

  it('ends a signed-out clerk’s stream at the next change instead of telling them about it', async () => {
    const clerk = await signedIn();
    const stream = await openStream(clerk.cookieHeader());
    await clerk.submit('/admin/logout', { _csrf: clerk.field('_csrf') });
    const ticket = await seedTicket('Caine fara stapan in parc', {});
    await stream.ended;
    expect(stream.events.some((event) => event.data.ticket === `${ticket.number}/${ticket.year}`)).toBe(false);
  });

  it('records the opening of a ticket once: the page refreshing itself while open only marks the thread read', async () => {
    const clerk = await signedIn();
    const ticket = await seedTicket('Lampă spartă la podul vechi', {});
    const found = async () => (await findTicket(testApp.app.functionar.database.db, { number: ticket.number, year: ticket.year }))!;
    const openings = async () => {
      const viewed = await testApp.app.functionar.database.db
        .select()
        .from(ticketEvents)
        .where(and(eq(ticketEvents.ticketId, (await found()).id), eq(ticketEvents.kind, 'viewed')));
      return viewed.length;
    };
    await clerk.get(`/admin/tickets/${ticket.year}/${ticket.number}`);
    const afterOpening = await openings();
    expect(afterOpening).toBeGreaterThan(0);
    await testApp.app.functionar.database.db.update(tickets).set({ unreadCitizenMessages: 2 }).where(eq(tickets.id, (await found()).id));
    const refreshed = await testApp.app.inject({
      method: 'GET',
      url: `/admin/tickets/${ticket.year}/${ticket.number}`,
      headers: { cookie: clerk.cookieHeader(), 'x-live-refresh': '1' },
    });
    expect(refreshed.statusCode).toBe(200);
    expect(await openings()).toBe(afterOpening);
    expect((await found()).unreadCitizenMessages).toBe(0);
  });

  it('comes back to the reply box after an answer is sent', async () => {
    const clerk = await signedIn();
    const ticket = await seedTicket('Banca rupta in parc', {});
    await clerk.get(`/admin/tickets/${ticket.year}/${ticket.number}`);
    const response = await clerk.post(`/admin/tickets/${ticket.year}/${ticket.number}/reply`, { _csrf: clerk.field('_csrf'), submission: 'live-2', text: 'Mulțumim, o reparăm săptămâna aceasta.' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/admin/tickets/${ticket.year}/${ticket.number}#reply`);
  });
});

describe('search', () => {
  it('finds tickets by number, by the citizen’s name and by words, closed ones too, with the text as a parameter', async () => {
    const clerk = await signedIn();
    const first = await seedTicket('Iluminat stradal defect pe strada Teilor', { citizenName: 'Zsófia Bartalis' });
    const second = await seedTicket('Copac cazut peste gard', { citizenName: 'Gheorghe Muresan' });
    const rows = (body: string) => [...body.matchAll(/data-testid="ticket-row" data-ticket="([^"]+)"/g)].map((match) => match[1]);

    expect(rows((await clerk.get(`/admin?q=${second.number}`)).body)).toEqual([`${second.number}/${second.year}`]);
    expect(rows((await clerk.get(`/admin?q=${encodeURIComponent(`${first.number}/${first.year}`)}`)).body)).toEqual([`${first.number}/${first.year}`]);
    expect(rows((await clerk.get(`/admin?q=${encodeURIComponent(`${first.number}/${first.year - 1}`)}`)).body)).toEqual([]);
    expect(rows((await clerk.get(`/admin?q=${encodeURIComponent('bartalis')}`)).body)).toEqual([`${first.number}/${first.year}`]);
    expect(rows((await clerk.get(`/admin?q=${encodeURIComponent('gard')}`)).body)).toEqual([`${second.number}/${second.year}`]);
    // SQL wildcards and quotes are only text.
    expect(rows((await clerk.get(`/admin?q=${encodeURIComponent('%')}`)).body)).toEqual([]);
    expect((await clerk.get(`/admin?q=${encodeURIComponent("' OR 1=1 --")}`)).statusCode).toBe(200);
    expect(rows(clerk.lastPage)).toEqual([]);
    expect(textOf(clerk.lastPage)).toContain('Niciun tichet nu se potrivește căutării.');

    // Closed tickets are found too.
    await clerk.get(`/admin/tickets/${second.year}/${second.number}`);
    await clerk.submit(`/admin/tickets/${second.year}/${second.number}/close`, { _csrf: clerk.field('_csrf'), submission: 'close-search', text: '' });
    expect(rows((await clerk.get('/admin?q=gard')).body)).toEqual([`${second.number}/${second.year}`]);
    // The search box keeps what was typed.
    expect(clerk.lastPage).toContain('name="q" value="gard"');
  });
});

describe('saved replies and the citizen’s language', () => {
  it('are added and deleted only with the form token, and offered in the citizen’s language on the ticket page', async () => {
    const clerk = await signedIn();
    await clerk.get('/admin/replies');
    const refused = await clerk.post('/admin/replies', { _csrf: 'not-the-token', language: 'hu', department: 'urbanism', title: 'Kérünk türelmet', text: 'Köszönjük, kollégánk hamarosan válaszol.' });
    expect(refused.statusCode).toBe(403);
    expect((await clerk.post('/admin/replies', { language: 'hu', title: 'x', text: 'y' })).statusCode).toBe(400);
    expect(textOf((await clerk.get('/admin/replies')).body)).toContain('Niciun răspuns salvat încă.');

    const csrf = clerk.field('_csrf');
    await clerk.submit('/admin/replies', { _csrf: csrf, language: 'hu', department: 'urbanism', title: 'Kérünk türelmet', text: 'Köszönjük, kollégánk hamarosan válaszol.' });
    await clerk.submit('/admin/replies', { _csrf: csrf, language: 'ro', department: '', title: 'Vă rugăm așteptați', text: 'Mulțumim, un coleg vă răspunde în curând.' });
    const bad = await clerk.submit('/admin/replies', { _csrf: csrf, language: 'xx', department: '', title: 'x', text: 'y' });
    expect(textOf(bad.body)).toContain('Alegeți limba răspunsului.');
    expect([...clerk.lastPage.matchAll(/data-testid="saved-reply"/g)]).toHaveLength(2);

    const hungarian = await seedTicket('Kátyú a Fő utcán', { language: 'hu', department: 'urbanism' });
    const page = await clerk.get(`/admin/tickets/${hungarian.year}/${hungarian.number}`);
    const text = textOf(page.body);
    expect(text).toContain('Cetățeanul scrie în maghiară — răspundeți în maghiară.');
    expect(page.body).toContain('lang="hu"');
    // The Hungarian reply for this department is offered first, the Romanian one after it.
    const suggested = /<optgroup label="În maghiară, pentru acest compartiment">([\s\S]*?)<\/optgroup>/.exec(page.body)?.[1] ?? '';
    expect(suggested).toContain('Kérünk türelmet');
    expect(suggested).not.toContain('Vă rugăm așteptați');
    expect(page.body.indexOf('Kérünk türelmet')).toBeLessThan(page.body.indexOf('Vă rugăm așteptați'));
    // Without JavaScript the picker reloads the page with the text in the reply box.
    const id = /<option value="(\d+)" data-text="Köszönjük/.exec(page.body)?.[1];
    expect(id).toBeDefined();
    const drafted = await clerk.get(`/admin/tickets/${hungarian.year}/${hungarian.number}?raspuns=${id}`);
    expect(drafted.body).toMatch(/data-testid="reply-text">Köszönjük, kollégánk hamarosan válaszol.<\/textarea>/);

    const romanian = await clerk.get(`/admin/tickets/${year}/1`);
    expect(textOf(romanian.body)).toContain('Cetățeanul scrie în română — răspundeți în română.');

    await clerk.get('/admin/replies');
    const deleted = await clerk.submit(`/admin/replies/${id}/delete`, { _csrf: clerk.field('_csrf') });
    expect(textOf(deleted.body)).toContain('Răspunsul salvat a fost șters.');
    expect(deleted.body).not.toContain('Kérünk türelmet');
  });
});

describe('what the clerk reads', () => {
  it('shows dates in Bucharest time and names audit events instead of showing their keys', async () => {
    const clerk = await signedIn();
    // 22:30 UTC on 14 March is already 00:30 on 15 March in Bucharest (UTC+2 in winter).
    const ticket = await seedTicket('Zgomot noaptea de la un bar', { at: new Date(`${year}-03-14T22:30:00.000Z`) });
    await recordEvent(database(), ticket.id, 'receipt_issued', { type: 'bot', channel: 'webchat' }, new Date(`${year}-07-01T21:15:00.000Z`), {});
    await recordEvent(database(), ticket.id, 'some_future_kind', { type: 'system' }, new Date(`${year}-07-02T08:00:00.000Z`), {});
    const page = await clerk.get(`/admin/tickets/${ticket.year}/${ticket.number}`);
    const text = textOf(page.body);
    expect(text).toContain(`15.03.${year}, 00:30`);
    expect(text).not.toContain(`14.03.${year}`);
    // Summer time: 21:15 UTC is 00:15 the next day.
    expect(text).toContain(`02.07.${year}, 00:15`);
    expect(text).toContain('număr de înregistrare comunicat cetățeanului');
    expect(text).toContain('deschis de un funcționar');
    expect(text).toContain('some future kind');
    expect(text).not.toMatch(/receipt_issued|some_future_kind|\bviewed\b/);

    // /vezi on Telegram, Teams or the CLI reads the same names and the same Bucharest times.
    const shown = await testApp.app.functionar.clerkCommands.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/vezi ${ticket.number}/${ticket.year}`);
    expect(shown.text).toContain(`15.03.${year}, 00:30 tichet înregistrat`);
    expect(shown.text).toContain(`02.07.${year}, 00:15 număr de înregistrare comunicat cetățeanului`);
    expect(shown.text).not.toMatch(/receipt_issued|some_future_kind/);
  });

  it('gives the citizen the status history in Bucharest days too, not UTC days', async () => {
    const filed = await fileRequest('Gunoi nestrans de doua saptamani', 'Ilie Moldovan');
    const ticket = await findTicket(database(), { number: filed.number, year });
    // Registered at 22:30 UTC on 14 March: 15 March in Bucharest.
    await database()
      .update(ticketEvents)
      .set({ createdAt: `${year}-03-14T22:30:00.000Z` })
      .where(and(eq(ticketEvents.ticketId, ticket!.id), eq(ticketEvents.kind, 'created')));
    const status = await say(filed.sessionId, `stadiul cererii ${filed.label}`);
    expect(status).toContain(`15.03.${year}: înregistrată`);
    expect(status).not.toContain(`14.03.${year}`);
  });
});
