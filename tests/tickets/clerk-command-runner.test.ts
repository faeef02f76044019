import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { returnedRow } from '../../src/database/connection.ts';
import { eq } from 'drizzle-orm';
import { clerks, outbox } from '../../src/database/schema.ts';
import { renderClerkOutcome } from '../../src/tickets/clerk-command-texts.ts';
import { addClerk, ClerkExistsError, findClerk } from '../../src/tickets/clerk-directory.ts';
import { recordCitizenFollowUp } from '../../src/tickets/ticket-follow-up.ts';
import { eventsOfTicket, findTicket, ticketLabel, updateTicket } from '../../src/tickets/ticket-store.ts';
import { fileTicket, openTicketWorld, type TicketWorld } from './ticket-fixtures.ts';

// The runner works with typed commands for a clerk id and answers with a tagged outcome; text is made
// only by the renderer, in the language asked for.

describe('typed clerk commands', () => {
  let world: TicketWorld;
  let anaId: number;
  const now = () => new Date().toISOString();

  beforeEach(async () => {
    world = await openTicketWorld();
    anaId = (await addClerk(world.database.db, { name: 'Ana Pop', department: 'registratura' })).id;
  });

  afterEach(() => world.close());

  const web = { channel: 'web' };
  const reference = (ticket: { number: number; year: number }) => ({ number: ticket.number, year: ticket.year });

  it('answers, waits for the citizen after a question, and takes the ticket back when the citizen writes', async () => {
    const ticket = await fileTicket(world, { type: 'cerere', registeredAt: now() });
    const asked = await world.runner.runCommand(anaId, { name: 'reply', ticket: reference(ticket), text: 'Ne puteți trimite copia actului de proprietate?' }, web);
    expect(asked).toMatchObject({ kind: 'replied', ticket: { status: 'asteapta_cetatean', assigneeClerkId: anaId }, publishedOnOpen311: false });
    expect(await world.database.db.select().from(outbox).where(eq(outbox.ticketId, ticket.id))).toHaveLength(1);

    const [moved] = await recordCitizenFollowUp(world.database.db, ticket.contactId, new Date());
    expect(moved).toMatchObject({ id: ticket.id, status: 'in_lucru' });
    expect((await eventsOfTicket(world.database.db, ticket.id)).at(-1)).toMatchObject({ kind: 'citizen_followed_up', actorType: 'citizen', detail: { from: 'asteapta_cetatean', to: 'in_lucru' } });

    const answered = await world.runner.runCommand(anaId, { name: 'reply', ticket: reference(ticket), text: 'Mulțumim, am primit actul.' }, web);
    expect(answered).toMatchObject({ kind: 'replied', ticket: { status: 'in_lucru' } });
  });

  it('resolves a ticket closed with an answer, reopens it on a follow-up within the window, and closes without one for good', async () => {
    const ticket = await fileTicket(world, { type: 'sesizare', registeredAt: now() });
    expect(await world.runner.runCommand(anaId, { name: 'close', ticket: reference(ticket), text: 'Becul a fost schimbat.' }, web)).toMatchObject({ kind: 'closed', citizenMessaged: true, ticket: { status: 'rezolvat' } });
    expect(await recordCitizenFollowUp(world.database.db, ticket.contactId, new Date())).toMatchObject([{ status: 'in_lucru', closedAt: null }]);
    expect((await eventsOfTicket(world.database.db, ticket.id)).at(-1)).toMatchObject({ kind: 'reopened' });

    expect(await world.runner.runCommand(anaId, { name: 'close', ticket: reference(ticket), text: '' }, web)).toMatchObject({ kind: 'closed', citizenMessaged: false, ticket: { status: 'inchis' } });
    expect(await recordCitizenFollowUp(world.database.db, ticket.contactId, new Date())).toEqual([]);
    expect((await findTicket(world.database.db, ticket))?.status).toBe('inchis');
  });

  it('leaves a ticket resolved long ago alone when the citizen writes', async () => {
    const ticket = await fileTicket(world, { type: 'sesizare', registeredAt: now() });
    await updateTicket(world.database.db, ticket.id, { status: 'rezolvat', closedAt: new Date(Date.now() - 60 * 86_400_000).toISOString() }, new Date());
    expect(await recordCitizenFollowUp(world.database.db, ticket.contactId, new Date())).toEqual([]);
    expect((await findTicket(world.database.db, ticket))?.status).toBe('rezolvat');
  });

  it('refuses what the transition table does not allow, says why, and records the attempt', async () => {
    const ticket = await fileTicket(world, { type: 'cerere', registeredAt: now() });
    await world.runner.runCommand(anaId, { name: 'close', ticket: reference(ticket), text: '' }, web);
    const refused = await world.runner.runCommand(anaId, { name: 'reply', ticket: reference(ticket), text: 'Încă ceva?' }, web);
    expect(refused).toMatchObject({ kind: 'invalid-transition', from: 'inchis', event: 'asked_citizen' });
    expect(renderClerkOutcome(refused, 'ro')).toBe(`${ticketLabel(ticket)} este închis; nu se mai poate răspunde.`);
    expect(renderClerkOutcome(refused, 'en')).toBe(`${ticketLabel(ticket)} is closed; it can no longer be answered.`);
    expect((await eventsOfTicket(world.database.db, ticket.id)).at(-1)).toMatchObject({
      kind: 'command_failed',
      actorId: String(anaId),
      channel: 'web',
      detail: { command: `/raspunde ${ticketLabel(ticket)} Încă ceva?`, reason: `${ticketLabel(ticket)} este închis; nu se mai poate răspunde.` },
    });
    expect(await world.database.db.select().from(outbox).where(eq(outbox.ticketId, ticket.id))).toHaveLength(0);
  });

  it('names what is missing: an unknown ticket, an unknown clerk id, a deactivated clerk', async () => {
    expect(await world.runner.runCommand(anaId, { name: 'show', ticket: { number: 999, year: 2026 } }, web)).toEqual({ kind: 'ticket-not-found', number: 999, year: 2026 });
    const ticket = await fileTicket(world, { type: 'cerere', registeredAt: now() });
    const nobody = await world.runner.runCommand(anaId, { name: 'assign', ticket: reference(ticket), target: { kind: 'clerk', clerkId: 4242 } }, web);
    expect(nobody).toMatchObject({ kind: 'unknown-assignee', target: '#4242' });
    await world.database.db.update(clerks).set({ active: false }).where(eq(clerks.id, anaId));
    expect(await world.runner.runCommand(anaId, { name: 'take', ticket: reference(ticket) }, web)).toEqual({ kind: 'not-allowed' });
    expect(await findTicket(world.database.db, ticket)).toMatchObject({ status: 'nou', assigneeClerkId: null });
  });

  it('renders one outcome in Romanian, Hungarian and English, counting tickets in each grammar', async () => {
    await fileTicket(world, { type: 'cerere', registeredAt: now(), subject: 'Adeverință de rol' });
    const listed = await world.runner.runCommand(anaId, { name: 'list', filter: 'open' }, web);
    expect(listed).toMatchObject({ kind: 'listed', filter: 'open', tickets: [{ subject: 'Adeverință de rol' }] });
    expect(renderClerkOutcome(listed, 'ro').split('\n')[0]).toBe('1 tichet:');
    expect(renderClerkOutcome(listed, 'en').split('\n')[0]).toBe('1 ticket:');
    expect(renderClerkOutcome(listed, 'hu').split('\n')[0]).toBe('1 jegy:');
    expect(renderClerkOutcome({ kind: 'not-allowed' }, 'hu')).toBe('Nincs joga az ügyintézői parancsokhoz. Semmi sem változott.');
  });

  it('parses, runs and renders a chat command line in one call, keeping the typed outcome', async () => {
    const ticket = await fileTicket(world, { type: 'cerere', registeredAt: now() });
    const result = await world.runner.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, `/aloca ${ticketLabel(ticket)} urbanism`);
    expect(result).toMatchObject({ allowed: true, ok: true, text: `${ticketLabel(ticket)} mutat la compartimentul urbanism.`, outcome: { kind: 'moved-to-department', department: 'urbanism' } });
    expect(await world.runner.run({ kind: 'name', value: 'Ana Pop', channel: 'cli' }, '/tichete ciudate')).toMatchObject({ ok: false, outcome: { kind: 'invalid-command', problem: { problem: 'unknown-filter', filter: 'ciudate' } } });
  });
});

describe('Teams identities', () => {
  let world: TicketWorld;
  beforeEach(async () => {
    world = await openTicketWorld();
  });
  afterEach(() => world.close());

  // Entra ID shows object ids in upper case (portal, PowerShell); Teams activities carry them in lower case.
  const portalId = '6A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D';
  const activityId = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

  it('accepts a clerk registered with an AAD object id in upper case when Teams sends it in lower case', async () => {
    const ana = await addClerk(world.database.db, { name: 'Ana Pop', department: 'registratura', teamsId: portalId });
    expect(ana.teamsId).toBe(activityId);
    expect((await findClerk(world.database.db, 'teams', activityId))?.id).toBe(ana.id);
    expect((await findClerk(world.database.db, 'teams', portalId))?.id).toBe(ana.id);
    const ticket = await fileTicket(world, { type: 'cerere', registeredAt: new Date().toISOString() });
    expect(await world.runner.run({ kind: 'teams', value: activityId, channel: 'teams' }, `/preia ${ticketLabel(ticket)}`)).toMatchObject({ allowed: true, ok: true });
    await expect(addClerk(world.database.db, { name: 'Altcineva', department: 'urbanism', teamsId: activityId })).rejects.toThrow(ClerkExistsError);
  });

  it('still finds a clerk stored in upper case before ids were normalised', async () => {
    const stored = await returnedRow(world.database.db.insert(clerks).values({ name: 'Ion Mureșan', department: 'urbanism', teamsId: portalId }).returning());
    expect((await findClerk(world.database.db, 'teams', activityId))?.id).toBe(stored.id);
  });
});
