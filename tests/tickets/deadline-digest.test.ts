import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { firstRow } from '../../src/database/connection.ts';
import { eq } from 'drizzle-orm';
import { ChannelStateStore } from '../../src/gateway/channel-state-store.ts';
import { clerks, outbox, ticketEvents } from '../../src/database/schema.ts';
import { addClerk } from '../../src/tickets/clerk-directory.ts';
import { digestSentOn, sendDigest } from '../../src/tickets/deadline-digest.ts';
import { localDate } from '../../src/tickets/deadlines.ts';
import { deadlineDigestPlugin, digestClock } from '../../src/tickets/digest-scheduler.ts';
import type { Config } from '../../src/config.ts';
import { ticketLabel } from '../../src/tickets/ticket-store.ts';
import { runCli } from '../helpers/cli.ts';
import { unreachableOllama } from '../helpers/test-app.ts';
import { dueOn, fileTicket, openTicketWorld, type TicketWorld } from './ticket-fixtures.ts';

// Every working morning each department's clerks get, on Teams and Telegram, the open tickets that are
// overdue or due within three days.

/** Thursday 26 November 2026, 08:30 in Bălăușeri. */
const thursdayMorning = new Date('2026-11-26T06:30:00Z');

describe('the deadline digest', () => {
  let world: TicketWorld;

  beforeEach(async () => {
    world = await openTicketWorld();
  });

  afterEach(() => world.close());

  async function townHall() {
    const db = world.database.db;
    const ana = await addClerk(db, { name: 'Ana Pop', department: 'registratura', telegramId: '111' });
    await addClerk(db, { name: 'Ion Mureșan', department: 'registratura', teamsId: 'aad-ion' });
    const dana = await addClerk(db, { name: 'Dana Rus', department: 'registratura', telegramId: '333' });
    await db.update(clerks).set({ active: false }).where(eq(clerks.id, dana.id));
    await addClerk(db, { name: 'Maria Szabó', department: 'urbanism', teamsId: 'aad-maria' });
    // Ion once wrote to the bot in Teams, so the bot keeps his chat; Maria never did.
    // Ion opened a chat with the bot in Teams: the Teams channel keeps its reference in its own state.
    await new ChannelStateStore(db, 'teams').set('conversation:aad-ion', { kind: 'clerk', conversationReference: { serviceUrl: 'https://smba.example/', conversation: { id: 'a:ion' } } });

    const registered = '2026-10-20T09:00:00Z';
    const ticket = async (department: string, subject: string, due: string, changes = {}) =>
      dueOn(world, await fileTicket(world, { type: 'petitie', registeredAt: registered, department, subject }), due, changes);
    // One after the other: the numbers follow this order.
    return {
      overdue: await ticket('registratura', 'Gard căzut pe trotuar', '2026-11-20', { status: 'in_lucru', assigneeClerkId: ana.id }),
      dueToday: await ticket('registratura', 'Adeverință de rol', '2026-11-26'),
      dueInThreeDays: await ticket('registratura', 'Copie după hotărârea de consiliu', '2026-11-29'),
      dueInFourDays: await ticket('registratura', 'Cerere care mai are timp', '2026-11-30'),
      closedLate: await ticket('registratura', 'Închis deja', '2026-11-20', { status: 'inchis' }),
      urbanismLate: await ticket('urbanism', 'Autorizație de construire', '2026-11-25'),
      taxesSoon: await ticket('taxe-impozite', 'Certificat fiscal', '2026-11-27'),
    };
  }

  it('lists overdue and soon-due tickets per department and queues one message per clerk and channel', async () => {
    const tickets = await townHall();
    const report = await sendDigest(world.database.db, { now: thursdayMorning, channels: new Set(['webchat', 'telegram', 'teams']) });

    expect(report.date).toBe('2026-11-26');
    expect(report.departments.map(({ department, overdue, dueSoon }) => [department, overdue.map(ticketLabel), dueSoon.map(ticketLabel)])).toEqual([
      ['registratura', [ticketLabel(tickets.overdue)], [ticketLabel(tickets.dueToday), ticketLabel(tickets.dueInThreeDays)]],
      ['taxe-impozite', [], [ticketLabel(tickets.taxesSoon)]],
      ['urbanism', [ticketLabel(tickets.urbanismLate)], []],
    ]);
    // Dana is inactive; Maria never opened a chat with the bot; nobody of the tax office is on Teams or Telegram.
    expect(report.messages.map(({ clerk, channel, recipient }) => [clerk, channel, recipient])).toEqual([
      ['Ana Pop', 'telegram', '111'],
      ['Ion Mureșan', 'teams', 'aad-ion'],
    ]);
    expect(report.unreached).toEqual(['taxe-impozite', 'urbanism']);

    expect(report.messages[0]!.message.text).toBe(
      [
        '⏰ Termene — compartimentul registratură, 26.11.2026',
        'Întârziate (1):',
        `• ${ticketLabel(tickets.overdue)} — termen 20.11.2026 (întârziat 6 zile) — în lucru, Ana Pop — Gard căzut pe trotuar`,
        'Termen în următoarele 3 zile (2):',
        `• ${ticketLabel(tickets.dueToday)} — termen 26.11.2026 (azi) — nou, nealocat — Adeverință de rol`,
        `• ${ticketLabel(tickets.dueInThreeDays)} — termen 29.11.2026 (peste 3 zile) — nou, nealocat — Copie după hotărârea de consiliu`,
        'Detalii: /vezi N · răspuns: /raspunde N text · prelungire (o dată, cu motiv): /prelungeste N motiv',
      ].join('\n'),
    );

    const queued = await world.database.db.select().from(outbox);
    expect(queued.map((row) => [row.channel, row.recipient, row.status, row.ticketId])).toEqual([
      ['telegram', '111', 'pending', null],
      ['teams', 'aad-ion', 'pending', null],
    ]);
    const event = await firstRow(world.database.db.select().from(ticketEvents).where(eq(ticketEvents.kind, 'digest_sent')));
    expect(event).toMatchObject({
      ticketId: null,
      actorType: 'system',
      detail: {
        date: '2026-11-26',
        messages: 2,
        departments: [
          { department: 'registratura', overdue: 1, dueSoon: 2 },
          { department: 'taxe-impozite', overdue: 0, dueSoon: 1 },
          { department: 'urbanism', overdue: 1, dueSoon: 0 },
        ],
        unreached: ['taxe-impozite', 'urbanism'],
      },
    });
    expect(await digestSentOn(world.database.db, '2026-11-26')).toBe(true);
    expect(await digestSentOn(world.database.db, '2026-11-27')).toBe(false);
  });

  it('only uses the channels this installation runs', async () => {
    await townHall();
    const report = await sendDigest(world.database.db, { now: thursdayMorning, channels: new Set(['webchat', 'telegram']) });
    expect(report.messages.map(({ clerk, channel }) => [clerk, channel])).toEqual([['Ana Pop', 'telegram']]);
  });

  it('queues and records nothing in a dry run, and nothing when no term is close', async () => {
    await townHall();
    expect((await sendDigest(world.database.db, { now: thursdayMorning, channels: new Set(['telegram', 'teams']), dryRun: true })).messages).toHaveLength(2);
    expect(await world.database.db.select().from(outbox)).toHaveLength(0);
    expect(await digestSentOn(world.database.db, '2026-11-26')).toBe(false);

    const quiet = await sendDigest(world.database.db, { now: new Date('2026-10-21T06:30:00Z'), channels: new Set(['telegram', 'teams']) });
    expect(quiet.departments).toEqual([]);
    expect(await world.database.db.select().from(outbox)).toHaveLength(0);
    expect(await digestSentOn(world.database.db, '2026-10-21')).toBe(false);
  });
});

describe('when the digest goes out', () => {
  const at = (iso: string) => new Date(iso);

  function clock(options: { alreadySent?: (date: string) => Promise<boolean> } = {}) {
    const sent: string[] = [];
    const instance = digestClock(
      '08:00',
      'Europe/Bucharest',
      async (now) => {
        sent.push(now.toISOString());
      },
      options.alreadySent ?? (async (date) => sent.some((instant) => localDate(new Date(instant)) === date)),
    );
    return { instance, sent };
  }

  it('sends at 08:00 Bucharest time on working days, once', async () => {
    const { instance, sent } = clock();
    expect(await instance.check(at('2026-11-26T05:59:00Z'))).toBe(false); // 07:59 local
    expect(await instance.check(at('2026-11-26T06:00:00Z'))).toBe(true); // 08:00 local
    expect(await instance.check(at('2026-11-26T06:01:00Z'))).toBe(false);
    expect(await instance.check(at('2026-11-27T05:59:30Z'))).toBe(false);
    expect(await instance.check(at('2026-11-27T06:00:30Z'))).toBe(true); // Friday
    expect(await instance.check(at('2026-11-28T06:00:30Z'))).toBe(false); // Saturday
    expect(await instance.check(at('2026-12-01T06:00:30Z'))).toBe(false); // 1 December, national day
    expect(await instance.check(at('2026-12-02T06:00:30Z'))).toBe(true);
    expect(sent).toEqual(['2026-11-26T06:00:00.000Z', '2026-11-27T06:00:30.000Z', '2026-12-02T06:00:30.000Z']);
  });

  it('follows summer time: 08:00 in July is 05:00 UTC', async () => {
    const { instance } = clock();
    expect(await instance.check(at('2026-07-15T04:59:00Z'))).toBe(false);
    expect(await instance.check(at('2026-07-15T05:00:00Z'))).toBe(true);
  });

  it('catches up once when the server starts after 08:00 and today\'s digest is missing', async () => {
    const { instance, sent } = clock();
    expect(await instance.check(at('2026-11-26T09:15:00Z'))).toBe(true);
    expect(await instance.check(at('2026-11-26T09:16:00Z'))).toBe(false);
    expect(sent).toHaveLength(1);
  });

  it('does not send again after `functionar digest` sent it today', async () => {
    const { instance } = clock({ alreadySent: async (date) => date === '2026-11-26' });
    expect(await instance.check(at('2026-11-26T06:00:00Z'))).toBe(false);
  });
});

describe('the digest scheduler in the app', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('queues the missing digest a minute after a late start and wakes the outbox', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-26T07:30:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const world = await openTicketWorld();
    const app = Fastify();
    try {
      await addClerk(world.database.db, { name: 'Ana Pop', department: 'registratura', telegramId: '111' });
      await dueOn(world, await fileTicket(world, { type: 'petitie', registeredAt: '2026-10-28T09:00:00Z' }), '2026-11-27');
      const kick = vi.fn(async () => undefined);
      app.decorate('functionar', { database: world.database, channels: new Map([['telegram', {}]]), outbox: { kick } } as never);
      await deadlineDigestPlugin(app, { deadlines: { digestTime: '08:00', timeZone: 'Europe/Bucharest' } } as Config);
      await app.ready();
      expect(await world.database.db.select().from(outbox)).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(60_000);
      // The check the timer started reads and writes the database; on PostgreSQL that is real I/O, which
      // advancing fake time does not wait for: wait for the outbox being woken, the check's last step.
      await vi.waitFor(() => expect(kick).toHaveBeenCalledTimes(1));
      expect((await world.database.db.select().from(outbox)).map((row) => [row.channel, row.recipient])).toEqual([['telegram', '111']]);
      await vi.advanceTimersByTimeAsync(5 * 60_000);
      expect(await world.database.db.select().from(outbox)).toHaveLength(1);
    } finally {
      await app.close();
      await world.close();
    }
  });
});

describe('functionar digest', () => {
  it('prints what it would send with --dry-run', async () => {
    const world = await openTicketWorld();
    try {
      await addClerk(world.database.db, { name: 'Ana Pop', department: 'registratura', telegramId: '111' });
      const ticket = await dueOn(world, await fileTicket(world, { type: 'petitie', registeredAt: new Date().toISOString(), subject: 'Drum neasfaltat' }), localDate(new Date()));
      const result = await runCli(['digest', '--dry-run'], {
        cwd: world.dataDirectory,
        isolated: true,
        environment: { DATA_DIR: world.dataDirectory, OLLAMA_HOST: unreachableOllama, TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_MODE: 'polling', LOG_LEVEL: 'warn' },
      });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain('— registratura: 0 overdue, 1 due soon → Ana Pop (telegram)');
      expect(result.stdout).toContain(`• ${ticketLabel(ticket)} — termen`);
      expect(result.stdout).toContain('Dry run: nothing was queued.');
      expect(await world.database.db.select().from(outbox)).toHaveLength(0);
    } finally {
      await world.close();
    }
  });
});
