import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstRow } from '../../src/database/connection.ts';
import { eq } from 'drizzle-orm';
import { messages, outbox } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { extendedDueDate } from '../../src/tickets/deadline-extension.ts';
import { formatDate, localDate } from '../../src/tickets/deadlines.ts';
import { eventsOfTicket, findTicket, ticketLabel } from '../../src/tickets/ticket-store.ts';
import type { TicketRow } from '../../src/database/schema.ts';
import { dueOn, fileTicket, openTicketWorld, type TicketWorld } from './ticket-fixtures.ts';

// "/prelungeste N motiv" (= /extend): the one extension the law allows, with a reason the citizen is told.

describe('the extended term, counted from registration', () => {
  it.each([
    // registered on, type, extended due date
    ['2026-11-26', 'petitie', '2027-01-11', 'OG 27/2002, art. 9'], // 45 days → Sunday 10 Jan → Monday 11
    ['2026-01-05', 'petitie', '2026-02-19', 'OG 27/2002, art. 9'],
    ['2026-11-26', 'sesizare', '2027-01-11', 'OG 27/2002, art. 9'], // a report is a petition under OG 27/2002
    ['2026-11-26', 'informatii-publice', '2026-12-28', 'Legea 544/2001'], // 30 days → 26 Dec (holiday), 27 (Sunday) → 28
    ['2026-03-02', 'informatii-publice', '2026-04-01', 'Legea 544/2001'],
  ] as const)('a %s %s can run until %s (%s)', (registeredOn, type, expected, basis) => {
    const extended = extendedDueDate(type, registeredOn);
    expect(extended?.dueDate).toBe(expected);
    expect(extended?.basis).toContain(basis);
  });

  it.each(['cerere', 'declaratie', 'audienta', 'handover'])('a %s has no legal extension', (type) => {
    expect(extendedDueDate(type, '2026-11-26')).toBeUndefined();
  });
});

describe('a clerk extends a term with /prelungeste', () => {
  let world: TicketWorld;
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
  const extend = (ticket: TicketRow, reason = 'este nevoie de avizul Direcției Silvice') => world.runner.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/prelungeste ${ticketLabel(ticket)} ${reason}`);

  beforeEach(async () => {
    world = await openTicketWorld();
    await addClerk(world.database.db, { name: 'Ana Pop', department: 'registratura' });
  });

  afterEach(() => world.close());

  it('moves a petition\'s due date by 15 days, records why, and tells the citizen in their language', async () => {
    const ticket = await fileTicket(world, { type: 'petitie', registeredAt: daysAgo(3), language: 'hu' });
    const expected = extendedDueDate('petitie', localDate(new Date(ticket.createdAt)))!.dueDate;

    const outcome = await extend(ticket);
    expect(outcome).toMatchObject({ allowed: true, ok: true });
    expect(outcome.text).toBe(`Termenul tichetului ${ticketLabel(ticket)} a fost prelungit până la ${formatDate(expected)} (OG 27/2002, art. 9). Cetățeanul a primit motivul.`);

    const updated = (await findTicket(world.database.db, ticket))!;
    expect(updated.dueDate).toBe(expected);
    expect(updated.dueRule).toBe('OG 27/2002, art. 8; prelungit: OG 27/2002, art. 9');
    expect((await eventsOfTicket(world.database.db, ticket.id)).at(-1)).toMatchObject({
      kind: 'deadline_extended',
      actorType: 'clerk',
      channel: 'cli',
      detail: { reason: 'este nevoie de avizul Direcției Silvice', previousDueDate: ticket.dueDate, dueDate: expected, basis: 'OG 27/2002, art. 9' },
    });

    const queued = await world.database.db.select().from(outbox).where(eq(outbox.ticketId, ticket.id));
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ channel: 'webchat', status: 'pending' });
    const stored = (await firstRow(world.database.db.select().from(messages).where(eq(messages.id, queued[0]!.messageId!))))!;
    expect(stored).toMatchObject({ author: 'clerk', direction: 'outbound', ticketId: ticket.id });
    expect(stored.text).toBe(
      `A(z) ${ticketLabel(ticket)} kérelmére adandó válasz határidejét ${formatDate(expected)}-ig meghosszabbítottuk (OG 27/2002, art. 9). Indoklás: este nevoie de avizul Direcției Silvice`,
    );
    expect(world.kicks()).toBe(1);
  });

  it('gives a public-information request 30 days in all, and says so in Romanian', async () => {
    const ticket = await fileTicket(world, { type: 'informatii-publice', registeredAt: daysAgo(2) });
    const expected = extendedDueDate('informatii-publice', localDate(new Date(ticket.createdAt)))!.dueDate;
    expect((await extend(ticket, 'informațiile cerute privesc 12 ani de arhivă')).ok).toBe(true);
    expect((await findTicket(world.database.db, ticket))?.dueDate).toBe(expected);
    const queued = (await firstRow(world.database.db.select().from(outbox).where(eq(outbox.ticketId, ticket.id))))!;
    expect((queued.payload as { message: { text: string } }).message.text).toBe(
      `Termenul de răspuns la cererea dvs. ${ticketLabel(ticket)} a fost prelungit până la ${formatDate(expected)} (Legea 544/2001, art. 7 alin. (1) — 30 de zile când complexitatea o justifică). Motivul: informațiile cerute privesc 12 ani de arhivă`,
    );
  });

  it('extends only once', async () => {
    const ticket = await fileTicket(world, { type: 'petitie', registeredAt: daysAgo(1) });
    expect((await extend(ticket)).ok).toBe(true);
    const second = await extend(ticket, 'încă un motiv');
    expect(second).toMatchObject({ ok: false, text: `Termenul tichetului ${ticketLabel(ticket)} a fost deja prelungit; legea permite o singură prelungire.` });
    expect(await world.database.db.select().from(outbox).where(eq(outbox.ticketId, ticket.id))).toHaveLength(1);
    expect((await eventsOfTicket(world.database.db, ticket.id)).at(-1)).toMatchObject({ kind: 'command_failed', actorType: 'clerk', detail: { reason: second.text } });
  });

  it('refuses request types the law gives no extension, closed tickets, expired terms and a missing reason', async () => {
    const request = await fileTicket(world, { type: 'cerere', registeredAt: daysAgo(1) });
    expect(await extend(request)).toMatchObject({ ok: false, text: expect.stringContaining('nu se prelungește') });

    const closed = await fileTicket(world, { type: 'petitie', registeredAt: daysAgo(1) });
    await dueOn(world, closed, closed.dueDate, { status: 'inchis' });
    expect(await extend(closed)).toMatchObject({ ok: false, text: `${ticketLabel(closed)} este închis; termenul nu se mai prelungește.` });

    const expired = await fileTicket(world, { type: 'petitie', registeredAt: daysAgo(40) });
    await dueOn(world, expired, localDate(new Date(Date.now() - 2 * 86_400_000)));
    expect(await extend(expired)).toMatchObject({ ok: false, text: expect.stringContaining('a expirat') });

    const noReason = await fileTicket(world, { type: 'petitie', registeredAt: daysAgo(1) });
    expect(await world.runner.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/extend ${ticketLabel(noReason)}`)).toMatchObject({ ok: false, text: expect.stringContaining('Lipsește motivul') });

    for (const ticket of [request, closed, expired, noReason]) {
      expect((await eventsOfTicket(world.database.db, ticket.id)).some((event) => event.kind === 'deadline_extended')).toBe(false);
    }
    expect(await world.database.db.select().from(outbox)).toHaveLength(0);
  });

  it('is also spelled /prelungește and /extend', async () => {
    const first = await fileTicket(world, { type: 'sesizare', registeredAt: daysAgo(1) });
    const second = await fileTicket(world, { type: 'petitie', registeredAt: daysAgo(1), language: 'en' });
    expect((await world.runner.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/prelungește ${ticketLabel(first)} lucrări pe teren`)).ok).toBe(true);
    expect((await world.runner.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/extend ${ticketLabel(second)} waiting for the surveyor`)).ok).toBe(true);
    const text = ((await firstRow(world.database.db.select().from(outbox).where(eq(outbox.ticketId, second.id))))!.payload as { message: { text: string } }).message.text;
    expect(text).toMatch(/^The deadline for answering your request .* has been extended to .*\. Reason: waiting for the surveyor$/);
  });
});
