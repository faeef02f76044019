import type { FastifyInstance } from 'fastify';
import { runRetention } from './retention.ts';

// The server applies the retention rule once a day by itself; `functionar retention run` does the same
// on demand. Timers are unref'd so they never keep a stopping process alive.

const firstRunDelayMs = 60_000;
const intervalMs = 24 * 60 * 60 * 1000;

export function scheduleRetention(app: FastifyInstance): void {
  const { config, database } = app.functionar;
  if (config.retentionDays <= 0) {
    app.log.info('RETENTION_DAYS=0: conversations are kept without a time limit');
    return;
  }
  const runOnce = async () => {
    try {
      const summary = await runRetention(database.db, { days: config.retentionDays });
      if (summary.conversations > 0) app.log.info({ ...summary }, 'retention: deleted conversations without a ticket');
    } catch (error) {
      app.log.error({ err: error }, 'retention run failed; it will be tried again tomorrow');
    }
  };
  // A run in progress is awaited on close, so the database is not closed under its transaction.
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= runOnce().finally(() => (running = undefined));
  };
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    run();
    interval = setInterval(run, intervalMs);
    interval.unref();
  }, firstRunDelayMs);
  first.unref();
  app.addHook('onClose', async () => {
    clearTimeout(first);
    if (interval) clearInterval(interval);
    await running;
  });
}
