import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClerkPassword } from '../../src/admin/clerk-accounts.ts';
import { storeAttachment } from '../../src/attachments/attachment-store.ts';
import { firstRow, inTransaction } from '../../src/database/connection.ts';
import { currentConversation, insertInboundMessage, upsertContact } from '../../src/conversation/conversation-store.ts';
import { adminSessions, outbox, ticketEvents } from '../../src/database/schema.ts';
import { computeIndicators } from '../../src/reports/indicators.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { deadlineRules, localDate } from '../../src/tickets/deadlines.ts';
import { createTicket, findTicket } from '../../src/tickets/ticket-store.ts';
import { eventually, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { AdminClient, textOf } from './admin-client.ts';

let testApp: TestApp;
const year = Number(localDate(new Date()).slice(0, 4));
const anaPassword = 'corect-cal-baterie-capsa';
const mihaiPassword = 'alta-parola-lunga-42';

function database() {
  return testApp.app.functionar.database.db;
}

async function citizenSession(): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: '/api/webchat/sessions', payload: { language: 'ro' } });
  return (response.json() as { sessionId: string }).sessionId;
}

async function say(sessionId: string, text: string): Promise<string> {
  const response = await testApp.app.inject({ method: 'POST', url: `/api/webchat/sessions/${sessionId}/messages`, payload: { text } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { replies: { text: string }[] }).replies.map((reply) => reply.text).join('\n');
}

/** A citizen files a request through the web chat; returns the session and the ticket's number. */
async function fileRequest(subject: string): Promise<{ sessionId: string; label: string; number: number }> {
  const sessionId = await citizenSession();
  await say(sessionId, 'vreau sa depun o sesizare');
  await say(sessionId, subject);
  await say(sessionId, 'Elena Dobre');
  await say(sessionId, 'sari peste');
  const confirmation = await say(sessionId, 'Da');
  const label = /(\d+\/\d{4})/.exec(confirmation)?.[1];
  if (!label) throw new Error(`no ticket number in: ${confirmation}`);
  return { sessionId, label, number: Number(label.split('/')[0]) };
}

/** A ticket registered on `daysAgo`, straight through the store (for filters and overdue). */
function seedTicket(subject: string, department: string, daysAgo: number) {
  return inTransaction(database(), async (transaction) => {
    const now = new Date(Date.now() - daysAgo * 86_400_000);
    const contact = await upsertContact(transaction, { channel: 'webchat', externalId: `seed-${subject}` }, now);
    const conversation = await currentConversation(transaction, contact, 'ro', now);
    return createTicket(
      transaction,
      { contactId: contact.id, conversationId: conversation.id, channel: 'webchat', type: 'sesizare', subject, text: subject, department, deadline: deadlineRules.sesizare },
      now,
      { type: 'citizen' },
    );
  });
}

async function signedIn(name = 'Ana Pop', password = anaPassword): Promise<AdminClient> {
  const client = new AdminClient(testApp.app);
  const response = await client.logIn(name, password);
  expect(response.statusCode, textOf(response.body)).toBe(303);
  return client;
}

beforeAll(async () => {
  testApp = await startTestApp();
  await addClerk(database(), { name: 'Ana Pop', department: 'registratura' });
  await addClerk(database(), { name: 'Mihai Szabó', department: 'urbanism' });
  await addClerk(database(), { name: 'Ioana Lazăr', department: 'stare-civila' });
  await setClerkPassword(database(), 'Ana Pop', anaPassword);
  await setClerkPassword(database(), 'Mihai Szabó', mihaiPassword);
  await setClerkPassword(database(), 'Ioana Lazăr', 'parola-ioanei-2026');
});

afterAll(async () => {
  await testApp?.close();
});

describe('a clerk signs in to the web inbox', () => {
  it('is sent to the login page first, then lands on the inbox with a secure session cookie', async () => {
    const client = new AdminClient(testApp.app);
    const inbox = await client.get('/admin');
    expect(inbox.statusCode).toBe(303);
    expect(inbox.headers.location).toBe('/admin/login?next=%2Fadmin');

    const login = await client.get('/admin/login');
    expect(login.statusCode).toBe(200);
    expect(login.body).toContain('<html lang="ro">');
    expect(login.body).toMatch(/<label for="name">Numele de funcționar<\/label>/);
    expect(login.body).toMatch(/<label for="password">Parola<\/label>/);
    expect(login.headers['content-security-policy']).toContain("script-src 'self'");
    expect(login.headers['cache-control']).toBe('no-store');

    const response = await client.post('/admin/login', { _csrf: client.field('_csrf'), next: '/admin', name: 'ana pop', password: anaPassword });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/admin');
    const sessionCookie = (response.cookies as { name: string; httpOnly?: boolean; sameSite?: string; secure?: boolean; path?: string }[]).find((cookie) => cookie.name === 'fv_admin');
    expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(sessionCookie?.secure).toBeFalsy();

    const page = await client.get('/admin');
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('Conectat: Ana Pop');

    const stored = await database().select().from(adminSessions);
    // Only a hash of the cookie's token is kept.
    expect(stored.some((session) => session.tokenHash === client.cookieHeader().split('fv_admin=')[1]?.split(';')[0])).toBe(false);
    const audit = await database().select().from(ticketEvents).where(eq(ticketEvents.kind, 'login_succeeded'));
    expect(audit.at(-1)).toMatchObject({ ticketId: null, actorType: 'clerk', channel: 'web' });
  });

  it('refuses a login form posted from another site (no login token)', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ name: 'Ana Pop', password: anaPassword }).toString(),
    });
    expect(response.statusCode).toBe(403);
    expect(response.cookies.some((cookie: { name: string }) => cookie.name === 'fv_admin')).toBe(false);
  });

  it('does not follow a redirect target outside the inbox', async () => {
    const client = new AdminClient(testApp.app);
    await client.get('/admin/login?next=//evil.example/admin');
    const response = await client.post('/admin/login', { _csrf: client.field('_csrf'), next: '//evil.example/admin', name: 'Ana Pop', password: anaPassword });
    expect(response.headers.location).toBe('/admin');
  });

  it('ends the session on logout', async () => {
    const client = await signedIn();
    await client.get('/admin');
    const logout = await client.post('/admin/logout', { _csrf: client.field('_csrf') });
    expect(logout.headers.location).toBe('/admin/login?iesire=1');
    const after = await client.get('/admin');
    expect(after.statusCode).toBe(303);
    expect(await database().select().from(ticketEvents).where(eq(ticketEvents.kind, 'logout'))).toHaveLength(1);
  });

  it('signs every session of a clerk out when the password is changed', async () => {
    const client = await signedIn('Ioana Lazăr', 'parola-ioanei-2026');
    expect((await client.get('/admin')).statusCode).toBe(200);
    await setClerkPassword(database(), 'Ioana Lazăr', 'parola-noua-a-ioanei');
    expect((await client.get('/admin')).statusCode).toBe(303);
  });
});

describe('failed logins', () => {
  it('locks a name for 15 minutes after 5 wrong passwords, refusing even the right one, and audits it', async () => {
    const client = new AdminClient(testApp.app, '10.0.0.5');
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const response = await client.logIn('Mihai Szabó', `gresit-${attempt}-xxxxx`);
      expect(response.statusCode).toBe(401);
      expect(textOf(response.body)).toContain('Numele sau parola nu sunt corecte.');
    }
    const fifth = await client.logIn('mihai szabó', 'gresit-5-xxxxx');
    expect(fifth.statusCode).toBe(429);
    expect(textOf(fifth.body)).toMatch(/Prea multe încercări nereușite\. Autentificarea pentru acest nume este blocată până la ora \d{2}:\d{2}/);

    const right = await client.logIn('Mihai Szabó', mihaiPassword);
    expect(right.statusCode).toBe(429);
    expect(client.hasCookie('fv_admin')).toBe(false);
    // From another address too: the lock is on the name.
    const elsewhere = await new AdminClient(testApp.app, '10.0.0.6').logIn('Mihai Szabó', mihaiPassword);
    expect(elsewhere.statusCode).toBe(429);

    const kinds = (await database().select().from(ticketEvents))
      .filter((event) => event.ticketId === null && (event.detail as { name?: string } | null)?.name === 'mihai szabó')
      .map((event) => event.kind);
    expect(kinds.filter((kind) => kind === 'login_failed')).toHaveLength(5);
    expect(kinds).toContain('login_locked_out');
    expect(kinds.filter((kind) => kind === 'login_refused_locked')).toHaveLength(2);

    // Fifteen minutes later (the audit trail's clock moved back) the right password works again.
    const past = new Date(Date.now() - 16 * 60_000).toISOString();
    for (const event of await database().select().from(ticketEvents)) {
      const detail = event.detail as { name?: string; until?: string } | null;
      if (detail?.name !== 'mihai szabó') continue;
      await database()
        .update(ticketEvents)
        .set({ createdAt: past, detail: detail.until ? { ...detail, until: past } : detail })
        .where(eq(ticketEvents.id, event.id));
    }
    const later = await client.logIn('Mihai Szabó', mihaiPassword);
    expect(later.statusCode).toBe(303);
  });

  it('treats an unknown name like a known one: same message, and it locks too', async () => {
    const client = new AdminClient(testApp.app, '10.0.0.7');
    const unknown = await client.logIn('Nimeni Necunoscut', 'orice-parola-lunga');
    const known = await client.logIn('Ana Pop', 'parola-gresita-lunga');
    expect(textOf(unknown.body)).toContain('Numele sau parola nu sunt corecte.');
    expect(textOf(known.body)).toContain('Numele sau parola nu sunt corecte.');
    for (let attempt = 0; attempt < 4; attempt += 1) await client.logIn('Nimeni Necunoscut', 'orice-parola-lunga');
    expect((await client.logIn('Nimeni Necunoscut', 'orice-parola-lunga')).statusCode).toBe(429);
  });

  // Twenty deliberately slow password hashes: more time than the default budget on a busy machine.
  it('locks an address that guesses across many names', { timeout: 60_000 }, async () => {
    const client = new AdminClient(testApp.app, '10.0.0.9');
    // Guessers do not wait for each other: nineteen at once, then the twentieth.
    const guesses = await Promise.all(Array.from({ length: 19 }, (_, attempt) => new AdminClient(testApp.app, '10.0.0.9').logIn(`nume-${attempt}`, 'parola-gresita-lunga')));
    expect(guesses.every((response) => response.statusCode === 401)).toBe(true);
    const last = await client.logIn('nume-19', 'parola-gresita-lunga');
    expect(last.statusCode).toBe(429);
    expect(textOf(last.body)).toContain('de la această adresă');
    // Ana's own password from that address is refused meanwhile; from her desk it works.
    expect((await client.logIn('Ana Pop', anaPassword)).statusCode).toBe(429);
    expect((await new AdminClient(testApp.app, '10.0.0.10').logIn('Ana Pop', anaPassword)).statusCode).toBe(303);
  });
});

describe('the inbox', () => {
  it('filters by status, department, assignee and overdue, soonest due first', async () => {
    const late = await seedTicket('Canal infundat pe strada Morii', 'urbanism', 60);
    const recent = await seedTicket('Certificat de nomenclatura stradala', 'urbanism', 1);
    const other = await seedTicket('Adeverinta de rol agricol', 'registru-agricol', 2);
    const client = await signedIn();

    const all = textOf((await client.get('/admin')).body);
    expect(all.indexOf(`${late.number}/${late.year}`)).toBeLessThan(all.indexOf(`${recent.number}/${recent.year}`));
    expect(all).toContain('întârziat');

    const urbanism = textOf((await client.get('/admin?department=urbanism')).body);
    expect(urbanism).toContain('Canal infundat');
    expect(urbanism).not.toContain('Adeverinta de rol agricol');

    const overdue = textOf((await client.get('/admin?overdue=1')).body);
    expect(overdue).toContain('Canal infundat');
    expect(overdue).not.toContain('Certificat de nomenclatura');

    client.lastPage = (await client.get(`/admin/tickets/${other.year}/${other.number}`)).body;
    await client.submit(`/admin/tickets/${other.year}/${other.number}/take`, { _csrf: client.field('_csrf'), submission: 'take-1' });
    const mine = textOf((await client.get('/admin?assignee=me')).body);
    expect(mine).toContain('Adeverinta de rol agricol');
    expect(mine).not.toContain('Canal infundat');
    const unassigned = textOf((await client.get('/admin?assignee=none')).body);
    expect(unassigned).not.toContain('Adeverinta de rol agricol');
    expect(unassigned).toContain('Canal infundat');

    client.lastPage = (await client.get(`/admin/tickets/${late.year}/${late.number}`)).body;
    await client.submit(`/admin/tickets/${late.year}/${late.number}/close`, { _csrf: client.field('_csrf'), submission: 'close-1', text: '' });
    expect(textOf((await client.get('/admin')).body)).not.toContain('Canal infundat');
    expect(textOf((await client.get('/admin?status=inchis')).body)).toContain('Canal infundat');
    expect(textOf((await client.get('/admin?status=all&department=urbanism')).body)).toContain('Canal infundat');

    // Nonsense filters fall back to the defaults instead of failing.
    expect((await client.get('/admin?status=<script>&department=../../etc&assignee=x')).statusCode).toBe(200);
  });

  it('answers from the ticket page: the citizen web chat receives it and the clerk sees it delivered', async () => {
    const { sessionId, label } = await fileRequest('Gunoiul nu a fost ridicat de doua saptamani pe strada Scolii');
    const [number, ticketYear] = label.split('/');
    const client = await signedIn();
    const ticketPage = await client.get(`/admin/tickets/${ticketYear}/${number}`);
    expect(ticketPage.statusCode).toBe(200);
    const text = textOf(ticketPage.body);
    expect(text).toContain(`Tichet ${label} — Gunoiul nu a fost ridicat`);
    expect(text).toContain('Elena Dobre');
    expect(text).toContain('vreau sa depun o sesizare');
    expect(text).toContain('tichet înregistrat');

    const answered = await client.submit(`/admin/tickets/${ticketYear}/${number}/reply`, {
      _csrf: client.field('_csrf'),
      submission: 'reply-1',
      text: 'Mașina de salubritate trece mâine dimineață.\r\nNe cerem scuze.',
    });
    expect(textOf(answered.body)).toContain(`Răspuns trimis cetățeanului pentru ${label}`);

    const history = await eventually(async () => {
      const response = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
      const messages = (response.json() as { messages: { from: string; text: string }[] }).messages;
      return messages.find((message) => message.from === 'clerk');
    });
    expect(history.text).toContain('Mașina de salubritate trece mâine dimineață.\nNe cerem scuze.');

    const delivered = await eventually(async () => {
      const page = textOf((await client.get(`/admin/tickets/${ticketYear}/${number}`)).body);
      return page.includes('Livrare: livrat') ? page : undefined;
    });
    expect(delivered).toContain('răspuns trimis cetățeanului');
    expect(delivered).toContain('Ana Pop');
    const event = (await database().select().from(ticketEvents).where(eq(ticketEvents.kind, 'reply')).orderBy(ticketEvents.id)).at(-1);
    expect(event).toMatchObject({ actorType: 'clerk', channel: 'web' });
  });

  it('sends a reply submitted twice (double click) only once', async () => {
    const { sessionId, label } = await fileRequest('Iluminatul public nu functioneaza pe strada Bisericii');
    const [number, ticketYear] = label.split('/');
    const client = await signedIn();
    await client.get(`/admin/tickets/${ticketYear}/${number}`);
    const fields = { _csrf: client.field('_csrf'), submission: client.field('submission'), text: 'Electricianul vine joi.' };
    await client.post(`/admin/tickets/${ticketYear}/${number}/reply`, fields);
    await client.post(`/admin/tickets/${ticketYear}/${number}/reply`, fields);
    const response = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
    const clerkMessages = (response.json() as { messages: { from: string }[] }).messages.filter((message) => message.from === 'clerk');
    expect(clerkMessages).toHaveLength(1);
  });

  it('shows a failed delivery with its reason', async () => {
    const { label } = await fileRequest('Semnul de circulatie de la intersectie a cazut');
    const [number, ticketYear] = label.split('/');
    const client = await signedIn();
    await client.get(`/admin/tickets/${ticketYear}/${number}`);
    await client.submit(`/admin/tickets/${ticketYear}/${number}/reply`, { _csrf: client.field('_csrf'), submission: 'failed-1', text: 'Îl montăm la loc.' });
    const ticket = await findTicket(database(), { number: Number(number), year: Number(ticketYear) });
    const entry = (await database().select().from(outbox).where(eq(outbox.ticketId, ticket?.id ?? 0)).orderBy(asc(outbox.id))).at(-1);
    await eventually(async () => ((await firstRow(database().select().from(outbox).where(eq(outbox.id, entry?.id ?? 0))))?.status === 'sent' ? true : undefined));
    await database().update(outbox).set({ status: 'failed', lastError: 'utilizatorul a blocat botul' }).where(eq(outbox.id, entry?.id ?? 0));
    const page = textOf((await client.get(`/admin/tickets/${ticketYear}/${number}`)).body);
    expect(page).toContain('Livrare: eșuat: utilizatorul a blocat botul');
  });

  it('adds internal notes, assigns to a department or a clerk, and closes — all in the audit', async () => {
    const { sessionId, label } = await fileRequest('Copac cazut peste gardul scolii din Chendu');
    const [number, ticketYear] = label.split('/');
    const base = `/admin/tickets/${ticketYear}/${number}`;
    const client = await signedIn();
    await client.get(base);

    const noted = await client.submit(`${base}/note`, { _csrf: client.field('_csrf'), submission: 'n1', text: 'Am sunat la ocolul silvic.' });
    expect(textOf(noted.body)).toContain('Notă internă adăugată');
    expect(textOf(noted.body)).toContain('Am sunat la ocolul silvic.');

    const moved = await client.submit(`${base}/assign`, { _csrf: client.field('_csrf'), submission: 'a1', target: 'department:urbanism' });
    expect(textOf(moved.body)).toContain('mutat la compartimentul urbanism');
    const mihai = await testApp.app.functionar.clerkCommands.identify({ kind: 'name', value: 'Mihai Szabó' });
    const assigned = await client.submit(`${base}/assign`, { _csrf: client.field('_csrf'), submission: 'a2', target: `clerk:${mihai?.id}` });
    expect(textOf(assigned.body)).toContain('alocat lui Mihai Szabó');
    const bogus = await client.submit(`${base}/assign`, { _csrf: client.field('_csrf'), submission: 'a3', target: 'department:../../x' });
    expect(textOf(bogus.body)).toContain('Alegeți un compartiment sau un funcționar din listă.');

    const closed = await client.submit(`${base}/close`, { _csrf: client.field('_csrf'), submission: 'c1', text: 'Copacul a fost îndepărtat.' });
    expect(textOf(closed.body)).toContain(`${label} închis.`);
    expect(textOf(closed.body)).toContain('Tichetul este închis; nu se mai poate răspunde.');
    const events = textOf(closed.body);
    for (const kind of ['notă internă', 'alocat', 'închis']) expect(events).toContain(kind);

    const response = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
    const messages = (response.json() as { messages: { from: string; text: string }[] }).messages;
    expect(messages.filter((message) => message.from === 'clerk').map((message) => message.text).join()).toContain('Copacul a fost îndepărtat.');
    // Notes never reach the citizen.
    expect(messages.map((message) => message.text).join()).not.toContain('ocolul silvic');
  });

  it('waits for the citizen after a question until they answer, resolves with a closing answer, and refuses a stale reply form', async () => {
    const { sessionId, label } = await fileRequest('Vreau sa tai un copac din curte, ce trebuie sa fac');
    const [number, ticketYear] = label.split('/');
    const base = `/admin/tickets/${ticketYear}/${number}`;
    const client = await signedIn();
    await client.get(base);
    const staleReply = { _csrf: client.field('_csrf'), submission: client.field('submission') };

    const asked = await client.submit(`${base}/reply`, { _csrf: client.field('_csrf'), submission: 'q1', text: 'Copacul este pe domeniul public sau în curtea dvs.?' });
    expect(textOf(asked.body)).toContain(`Răspuns trimis cetățeanului pentru ${label}`);
    expect((await findTicket(database(), { number: Number(number), year: Number(ticketYear) }))?.status).toBe('asteapta_cetatean');
    expect(textOf((await client.get('/admin?status=asteapta_cetatean')).body)).toContain('Vreau sa tai un copac');

    // The citizen answers in the web chat: the ticket is the clerks' again.
    await say(sessionId, 'Este in curtea mea, langa gard.');
    expect((await findTicket(database(), { number: Number(number), year: Number(ticketYear) }))?.status).toBe('in_lucru');
    expect(textOf((await client.get(base)).body)).toContain('cetățeanul a revenit');

    const closed = await client.submit(`${base}/close`, { _csrf: client.field('_csrf'), submission: 'q2', text: 'Pentru un copac din curte nu este nevoie de aviz.' });
    expect(textOf(closed.body)).toContain(`${label} închis. Cetățeanul a primit mesajul.`);
    expect(textOf(closed.body)).toContain('Tichetul este închis; nu se mai poate răspunde.');
    expect((await findTicket(database(), { number: Number(number), year: Number(ticketYear) }))?.status).toBe('rezolvat');

    // A reply form left open in another tab is refused by the transition table, and audited.
    const late = await client.submit(`${base}/reply`, { ...staleReply, text: 'Încă un mesaj.' });
    expect(textOf(late.body)).toContain(`${label} este rezolvat; nu se mai poate răspunde.`);
    const failed = (await database().select().from(ticketEvents).where(eq(ticketEvents.kind, 'command_failed')).orderBy(ticketEvents.id)).at(-1);
    expect(failed).toMatchObject({ actorType: 'clerk', channel: 'web', detail: { command: `/raspunde ${label} Încă un mesaj.` } });
    const response = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
    const clerkTexts = (response.json() as { messages: { from: string; text: string }[] }).messages.filter((message) => message.from === 'clerk').map((message) => message.text);
    expect(clerkTexts).toHaveLength(2);
    expect(clerkTexts.join()).not.toContain('Încă un mesaj.');
  });

  it('refuses a form without the session token and changes nothing', async () => {
    const { sessionId, label } = await fileRequest('Apa curge pe strada din spatele caminului');
    const [number, ticketYear] = label.split('/');
    const client = await signedIn();
    const forged = await client.post(`/admin/tickets/${ticketYear}/${number}/reply`, { _csrf: 'ghicit', text: 'mesaj fals' });
    expect(forged.statusCode).toBe(403);
    expect(textOf(forged.body)).toContain('Formularul nu mai este valabil');
    const missing = await client.post(`/admin/tickets/${ticketYear}/${number}/close`, { text: '' });
    expect(missing.statusCode).toBe(400);
    const response = await testApp.app.inject({ method: 'GET', url: `/api/webchat/sessions/${sessionId}/messages` });
    expect((response.json() as { messages: { from: string }[] }).messages.some((message) => message.from === 'clerk')).toBe(false);
    expect((await findTicket(database(), { number: Number(number), year: Number(ticketYear) }))?.status).toBe('nou');
  });

  it('escapes citizen text so it never becomes markup', async () => {
    const ticket = await seedTicket('<img src=x onerror=alert(1)> "citat"', 'registratura', 0);
    const client = await signedIn();
    const page = await client.get(`/admin/tickets/${ticket.year}/${ticket.number}`);
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;citat&quot;');
  });

  it('answers an unknown ticket or page with a Romanian 404 page', async () => {
    const client = await signedIn();
    const missing = await client.get(`/admin/tickets/${year}/99999`);
    expect(missing.statusCode).toBe(404);
    expect(textOf(missing.body)).toContain(`Tichetul 99999/${year} nu există.`);
    expect((await client.get('/admin/tickets/abc/1')).statusCode).toBe(400);
    expect((await client.get('/admin/nu-exista')).statusCode).toBe(404);
  });
});

describe('attachments', () => {
  it('are downloaded by message id and position only, never by a path from the address', async () => {
    const bytes = Buffer.from('%PDF-1.4 plan de situatie');
    const attachment = storeAttachment(testApp.dataDirectory, { bytes, fileName: 'plan situație.pdf', mediaType: 'application/pdf' });
    const { messageId, ticket } = await inTransaction(database(), async (transaction) => {
      const now = new Date();
      const contact = await upsertContact(transaction, { channel: 'webchat', externalId: 'attachment-citizen' }, now);
      const conversation = await currentConversation(transaction, contact, 'ro', now);
      const message = await insertInboundMessage(
        transaction,
        { conversationId: conversation.id, contactId: contact.id, channel: 'webchat', externalId: 'attachment-1', text: 'Atașez planul', parts: [attachment] },
        now,
      );
      const created = await createTicket(
        transaction,
        { contactId: contact.id, conversationId: conversation.id, channel: 'webchat', type: 'cerere', subject: 'Plan de situatie', text: 'Plan', department: 'urbanism', deadline: deadlineRules.cerere },
        now,
        { type: 'citizen' },
      );
      return { messageId: message?.id ?? 0, ticket: created };
    });
    const client = await signedIn();
    const page = await client.get(`/admin/tickets/${ticket.year}/${ticket.number}`);
    expect(page.body).toContain(`href="/admin/attachments/${messageId}/0"`);
    expect(textOf(page.body)).toContain('plan situație.pdf');

    const download = await client.get(`/admin/attachments/${messageId}/0`);
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(bytes)).toBe(true);
    expect(download.headers['content-type']).toContain('application/pdf');
    expect(download.headers['content-disposition']).toContain("filename*=UTF-8''plan%20situa%C8%9Bie.pdf");

    expect((await client.get(`/admin/attachments/${messageId}/1`)).statusCode).toBe(404);
    expect((await client.get('/admin/attachments/..%2F..%2Fconfig/0')).statusCode).toBe(400);
    expect((await new AdminClient(testApp.app).get(`/admin/attachments/${messageId}/0`)).statusCode).toBe(303);

    // A stored path that was tampered with still cannot leave data/attachments.
    const tamperedId = await inTransaction(database(), async (transaction) => {
      const contact = await upsertContact(transaction, { channel: 'webchat', externalId: 'attachment-citizen' }, new Date());
      const conversation = await currentConversation(transaction, contact, 'ro', new Date());
      const message = await insertInboundMessage(
        transaction,
        { conversationId: conversation.id, contactId: contact.id, channel: 'webchat', externalId: 'attachment-2', text: 'x', parts: [{ ...attachment, storagePath: '../functionar.db' }] },
        new Date(),
      );
      return message?.id;
    });
    const escaped = await client.get(`/admin/attachments/${tamperedId}/0`);
    expect(escaped.statusCode).toBe(400);
  });
});

describe('the report page', () => {
  it('is for signed-in clerks only', async () => {
    const response = await new AdminClient(testApp.app).get('/admin/report');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/admin/login?next=%2Fadmin%2Freport');
  });

  it('draws the indicators as SVG bar charts with the same figures as the report command', async () => {
    await fileRequest('Cainii fara stapan se aduna langa scoala din Dumitreni');
    await say(await citizenSession(), 'ce acte imi trebuie pentru autorizatie de construire');
    const client = await signedIn();
    const page = await client.get(`/admin/report?year=${year}`);
    expect(page.statusCode).toBe(200);
    const indicators = await computeIndicators(database(), { year });
    const text = textOf(page.body);
    expect(text).toContain(`Indicatori ${year}`);
    expect(text).toContain(`Utilizatori distincți ${indicators.users.total} din 540`);
    expect(text).toContain(`Cereri înregistrate ${indicators.tickets.total}`);
    expect(indicators.tickets.total).toBeGreaterThan(0);
    // One chart per indicator, each named for screen readers and backed by a table of its figures.
    const charts = page.body.match(/<svg class="chart"[^>]*role="img"/g) ?? [];
    expect(charts.length).toBeGreaterThanOrEqual(9);
    expect(page.body).toContain('<title id="grafic-utilizatori-titlu">');
    expect(page.body).toContain('ținta: 540 pe an');
    expect(text).toContain('chat pe site');
    expect(indicators.topProcedures[0]?.slug).toBe('autorizatie-construire');
    expect(text).toContain('Cele mai căutate proceduri');
    expect(text).toMatch(/Autorizație de construire/);
    expect(page.body).not.toMatch(/<script(?![^>]*src="\/admin\/assets\/admin\.js")/);
    // A year outside the service's life falls back to the current one.
    expect(textOf((await client.get('/admin/report?year=1999')).body)).toContain(`Indicatori ${year}`);
  });
});

describe('behind https', () => {
  it('marks the session cookie Secure and host-only (__Host-) when PUBLIC_URL is https', async () => {
    const secureApp = await startTestApp({ PUBLIC_URL: 'https://primaria.example.ro' });
    try {
      await addClerk(secureApp.app.functionar.database.db, { name: 'Ana Pop', department: 'registratura' });
      await setClerkPassword(secureApp.app.functionar.database.db, 'Ana Pop', anaPassword);
      const client = new AdminClient(secureApp.app);
      const response = await client.logIn('Ana Pop', anaPassword);
      expect(response.statusCode).toBe(303);
      const cookie = (response.cookies as { name: string; secure?: boolean; httpOnly?: boolean; path?: string; domain?: string }[]).find((candidate) => candidate.name === '__Host-fv_admin');
      expect(cookie).toMatchObject({ secure: true, httpOnly: true, path: '/' });
      expect(cookie?.domain).toBeUndefined();
    } finally {
      await secureApp.close();
    }
  });
});
