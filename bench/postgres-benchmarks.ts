import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChromaServer } from '../src/knowledge/chroma-server.ts';
import { FakeTelegramApi } from '../tests/fakes/fake-telegram-api.ts';
import { startServerProcess, type ServerProcess } from '../tests/faults/server-process.ts';
import { startTestPostgres } from '../tests/helpers/postgres-server.ts';
import type { BenchResult } from './bench-result.ts';
import { round, telegramWebhookLoad, temporaryDataDirectory, type CoreBenchContext } from './core-benchmarks.ts';
import type { LoadResult } from './load-generator.ts';

// The bot core on PostgreSQL (DATABASE_URL), one instance and two instances on one database and one
// Chroma, against the store-and-reply floor measured on the same engine in the same run
// (minimal-webhook-server-postgres.ts). The server is a temporary local cluster (fsync on, as installed).

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));

function floorRow(name: string, result: LoadResult, floor: LoadResult, note: string): BenchResult {
  const ratio = result.perSecond / floor.perSecond;
  return {
    name,
    samples: result.succeeded,
    p50Ms: round(result.p50Ms),
    p95Ms: round(result.p95Ms),
    totalMs: round(result.durationMs, 0),
    value: round(ratio * 100, 1),
    unit: '% of the PostgreSQL floor',
    target: '>= 50 % (a goal to report)',
    meetsTarget: ratio >= 0.5,
    note: `${Math.round(result.perSecond)} replies/s = ${round(ratio * 100, 1)} % of the floor on PostgreSQL; ${note}`,
  };
}

async function withServers<T>(count: number, environment: Record<string, string>, work: (servers: ServerProcess[]) => Promise<T>, script?: string): Promise<T> {
  const servers: ServerProcess[] = [];
  try {
    for (let index = 0; index < count; index += 1) {
      servers.push(await startServerProcess({ dataDirectory: temporaryDataDirectory(), environment: { PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0', ...environment }, ...(script ? { script } : {}) }));
    }
    return await work(servers);
  } finally {
    for (const server of servers) await server.stop();
  }
}

export const postgresBenchmarks = [
  {
    name: 'PostgreSQL: Telegram webhook → reply, one and two instances',
    async run({ questions, chroma }: CoreBenchContext & { chroma: ChromaServer }): Promise<BenchResult[]> {
      const postgres = await startTestPostgres({ durable: true });
      const telegram = await FakeTelegramApi.start();
      const results: BenchResult[] = [];
      try {
        const secret = 'bench-webhook-secret';
        const channel = { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_WEBHOOK_SECRET: secret, TELEGRAM_API_ROOT: telegram.url, TELEGRAM_MODE: 'webhook' };
        const floor = await withServers(1, { ...channel, DATABASE_URL: await postgres.createDatabase() }, async (servers) => (await telegramWebhookLoad(servers, telegram, questions, secret)).endToEnd, path.join(benchDirectory, 'minimal-webhook-server-postgres.ts'));
        results.push({ name: 'floor on PostgreSQL: minimal webhook → reply', samples: floor.succeeded, p50Ms: round(floor.p50Ms), p95Ms: round(floor.p95Ms), totalMs: round(floor.durationMs, 0), value: Math.round(floor.perSecond), unit: 'replies/s', note: `${Math.round(floor.perSecond)} replies/s: one row per update, 16 sends in flight, no pipeline` });
        // Both instances use the run's Chroma, as instances behind a proxy share one Chroma server.
        const shared = { ...channel, CHROMA_URL: chroma.url };
        const one = await withServers(1, { ...shared, DATABASE_URL: await postgres.createDatabase() }, (servers) => telegramWebhookLoad(servers, telegram, questions, secret));
        results.push(floorRow('PostgreSQL, one instance: Telegram webhook → reply', one.endToEnd, floor, 'retrieval answers, no LLM; p50/p95 are the webhook\'s'));
        const two = await withServers(2, { ...shared, DATABASE_URL: await postgres.createDatabase() }, (servers) => telegramWebhookLoad(servers, telegram, questions, secret));
        results.push(floorRow('PostgreSQL, two instances on one database: webhook → reply', two.endToEnd, floor, 'updates split over both instances; each one\'s outbox worker sends'));
      } finally {
        await telegram.close();
        postgres.stop();
      }
      return results;
    },
  },
];
