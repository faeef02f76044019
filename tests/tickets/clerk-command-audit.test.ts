import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, gt } from 'drizzle-orm';
import { ticketEvents } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { findTicket, ticketLabel } from '../../src/tickets/ticket-store.ts';
import { fileTicket, openTicketWorld, type TicketWorld } from './ticket-fixtures.ts';

// The audit trail: every clerk command — reads, changes, refusals and mistakes — is an event saying who,
// when and from which channel, so the town hall can answer "who saw or changed this request".

describe('the audit trail of clerk commands', () => {
  let world: TicketWorld;

  beforeEach(async () => {
    world = await openTicketWorld();
  });

  afterEach(() => world.close());

  /** Events written after `afterId`, in order. */
  const eventsSince = async (afterId: number) => world.database.db.select().from(ticketEvents).where(gt(ticketEvents.id, afterId)).orderBy(asc(ticketEvents.id));
  const lastEventId = async () => (await world.database.db.select().from(ticketEvents).orderBy(asc(ticketEvents.id))).at(-1)?.id ?? 0;

  it('records each command and state change with the clerk, the time and the channel', async () => {
    const db = world.database.db;
    const ana = await addClerk(db, { name: 'Ana Pop', department: 'registratura', teamsId: 'aad-ana' });
    const ion = await addClerk(db, { name: 'Ion Mureșan', department: 'urbanism', telegramId: '4242' });
    const ticket = await fileTicket(world, { type: 'petitie', registeredAt: new Date(Date.now() - 86_400_000).toISOString() });
    const label = ticketLabel(ticket);
    const start = await lastEventId();
    const before = Date.now();

    const script: [{ kind: 'teams' | 'telegram'; value: string; channel: string }, string][] = [
      [{ kind: 'teams', value: 'aad-ana', channel: 'teams' }, '/tichete'],
      [{ kind: 'teams', value: 'aad-ana', channel: 'teams' }, `/vezi ${label}`],
      [{ kind: 'teams', value: 'aad-ana', channel: 'teams' }, `/preia ${label}`],
      [{ kind: 'teams', value: 'aad-ana', channel: 'teams' }, `/nota ${label} a sunat la 10:20`],
      [{ kind: 'teams', value: 'aad-ana', channel: 'teams' }, `/raspunde ${label} Am primit, revenim.`],
      [{ kind: 'teams', value: 'aad-ana', channel: 'teams' }, `/prelungeste ${label} așteptăm avizul ISU`],
      [{ kind: 'teams', value: 'aad-ana', channel: 'teams' }, `/aloca ${label} urbanism`],
      [{ kind: 'telegram', value: '4242', channel: 'telegram' }, `/aloca ${label} Ion Mureșan`],
      [{ kind: 'telegram', value: '4242', channel: 'telegram' }, `/inchide ${label} Rezolvat.`],
    ];
    for (const [identity, text] of script) expect(await world.runner.run(identity, text), text).toMatchObject({ allowed: true, ok: true });

    const events = await eventsSince(start);
    expect(events.map((event) => [event.kind, event.ticketId, event.actorType, event.actorId, event.channel])).toEqual([
      ['tickets_listed', null, 'clerk', String(ana.id), 'teams'],
      ['viewed', ticket.id, 'clerk', String(ana.id), 'teams'],
      ['assigned', ticket.id, 'clerk', String(ana.id), 'teams'],
      ['note', ticket.id, 'clerk', String(ana.id), 'teams'],
      ['reply', ticket.id, 'clerk', String(ana.id), 'teams'],
      ['deadline_extended', ticket.id, 'clerk', String(ana.id), 'teams'],
      ['assigned', ticket.id, 'clerk', String(ana.id), 'teams'],
      ['assigned', ticket.id, 'clerk', String(ion.id), 'telegram'],
      ['closed', ticket.id, 'clerk', String(ion.id), 'telegram'],
    ]);
    for (const event of events) {
      const at = Date.parse(event.createdAt);
      expect(at).toBeGreaterThanOrEqual(before - 1000);
      expect(at).toBeLessThanOrEqual(Date.now() + 1000);
    }
    expect(events[0]!.detail).toEqual({ filter: 'open', count: 1 });
    expect(events[3]!.detail).toEqual({ text: 'a sunat la 10:20' });
    expect(events[6]!.detail).toEqual({ department: 'urbanism' });
    expect(events[7]!.detail).toEqual({ clerkId: ion.id, clerk: 'Ion Mureșan' });
    // Closed with a last answer to the citizen: resolved (ticket-states.ts).
    expect(await findTicket(db, ticket)).toMatchObject({ status: 'rezolvat', assigneeClerkId: ion.id, department: 'urbanism' });
  });

  it('records refused, mistyped and failed commands too, and they change nothing', async () => {
    const db = world.database.db;
    const ana = await addClerk(db, { name: 'Ana Pop', department: 'registratura', teamsId: 'aad-ana' });
    const ticket = await fileTicket(world, { type: 'cerere', registeredAt: new Date().toISOString() });
    const label = ticketLabel(ticket);
    const start = await lastEventId();

    expect(await world.runner.run({ kind: 'teams', value: 'aad-stranger', channel: 'teams' }, `/inchide ${label}`)).toMatchObject({ allowed: false, ok: false });
    expect(await world.runner.run({ kind: 'teams', value: 'aad-ana', channel: 'teams' }, '/raspunde')).toMatchObject({ allowed: true, ok: false });
    expect(await world.runner.run({ kind: 'teams', value: 'aad-ana', channel: 'teams' }, '/vezi 9999/2026')).toMatchObject({ allowed: true, ok: false });
    expect(await world.runner.run({ kind: 'teams', value: 'aad-ana', channel: 'teams' }, `/prelungeste ${label} motiv`)).toMatchObject({ allowed: true, ok: false });

    expect((await eventsSince(start)).map((event) => [event.kind, event.ticketId, event.actorType, event.actorId, event.channel, event.detail])).toEqual([
      ['command_refused', null, 'unknown', 'teams:aad-stranger', 'teams', { command: `/inchide ${label}` }],
      ['command_invalid', null, 'clerk', String(ana.id), 'teams', { command: '/raspunde' }],
      ['command_failed', null, 'clerk', String(ana.id), 'teams', { command: '/vezi 9999/2026', reason: 'Tichetul 9999/2026 nu există.' }],
      ['command_failed', ticket.id, 'clerk', String(ana.id), 'teams', { command: `/prelungeste ${label} motiv`, reason: expect.stringContaining('nu se prelungește') }],
    ]);
    expect(await findTicket(db, ticket)).toMatchObject({ status: 'nou', dueDate: ticket.dueDate });
  });
});
