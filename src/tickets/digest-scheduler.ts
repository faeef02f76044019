import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { digestSentOn, sendDigest } from './deadline-digest.ts';
import { isWorkingDay, localDate } from './deadlines.ts';

// Sends the deadline digest once per working day at DEADLINE_DIGEST_TIME (Europe/Bucharest). A clock
// checked every minute, not a timer set hours ahead: it survives daylight-saving changes and a machine
// that slept, and a server started after the hour catches up once if today's digest is still missing.

const checkEveryMs = 60_000;

/** "HH:MM" in the town hall's time zone. */
export function localTime(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

export interface DigestClock {
  /** Called every minute; true when this call sent the digest. */
  check(now: Date): Promise<boolean>;
}

/**
 * Decides when to send: the first check after start (catch-up) and every check that crosses the hour.
 * Weekends and public holidays are skipped: nobody reads it and the terms of those days moved anyway.
 */
export function digestClock(digestTime: string, timeZone: string, send: (now: Date) => Promise<void>, alreadySent: (date: string) => Promise<boolean>): DigestClock {
  let previous: { date: string; time: string } | undefined;
  return {
    async check(now) {
      const current = { date: localDate(now, timeZone), time: localTime(now, timeZone) };
      const crossed = current.time >= digestTime && (previous === undefined || previous.date !== current.date || previous.time < digestTime);
      previous = current;
      if (!crossed || !isWorkingDay(current.date) || (await alreadySent(current.date))) return false;
      await send(now);
      return true;
    },
  };
}

/** Route plugin: starts the clock when the app is ready, stops it on close. */
export async function deadlineDigestPlugin(app: FastifyInstance, config: Config): Promise<void> {
  const digestTime = config.deadlines.digestTime;
  if (!digestTime) return;
  const { timeZone } = config.deadlines;
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    const { database, channels, outbox } = app.functionar;
    const clock = digestClock(
      digestTime,
      timeZone,
      async (now) => {
        const report = await sendDigest(database.db, { now, timeZone, channels: new Set(channels.keys()), oncePerDay: true });
        if (report.messages.length > 0) {
          app.log.info({ date: report.date, messages: report.messages.length, unreached: report.unreached }, 'deadline digest queued');
          void outbox.kick();
        }
      },
      (date) => digestSentOn(database.db, date),
    );
    const check = async () => {
      try {
        await clock.check(new Date());
      } catch (error) {
        app.log.error({ err: error }, 'deadline digest failed; it is tried again tomorrow or with `functionar digest`');
      }
    };
    // The first check (the catch-up after a late start) waits a minute: the channels and the outbox start
    // in the app's own ready hook, and a WhatsApp or Telegram session may take a moment to connect.
    timer = setTimeout(async function tick() {
      await check();
      timer = setTimeout(tick, checkEveryMs);
      timer.unref();
    }, checkEveryMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearTimeout(timer);
  });
}
