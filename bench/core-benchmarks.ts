import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../src/app.ts';
import { ConversationService } from '../src/conversation/conversation-service.ts';
import { loadConfig } from '../src/config.ts';
import type { Language } from '../src/language.ts';
import { createLogger } from '../src/logger.ts';
import { textUpdate } from '../tests/channels/telegram/telegram-test-kit.ts';
import { FakeTelegramApi } from '../tests/fakes/fake-telegram-api.ts';
import { startServerProcess, type ServerProcess } from '../tests/faults/server-process.ts';
import { runLoad, type LoadResult } from './load-generator.ts';
import type { BenchResult } from './bench-result.ts';

// The bot core's own figures: throughput of the message routes as a ratio to a bare Fastify hello
// world measured in the same run (same machine, same moment), the pipeline's cost per message without
// a language model, and the core's memory. Servers run as `npm start` runs them, in their own process,
// with the production defaults (log level info) except load shedding, which is turned off so the
// figures show capacity rather than the shedding threshold; the load comes from this process over loopback.

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const connections = 32;
const measureMs = 5_000;
const warmUpMs = 1_000;


export interface CoreBenchContext {
  questions: { question: string; language: Language }[];
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const megabytes = (bytes: number) => round(bytes / 2 ** 20, 1);

/** Resident memory of one process (Linux), without its children such as the supervised Chroma. */
function residentBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

export function temporaryDataDirectory(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'functionar-core-bench-'));
}

export async function withServer<T>(options: Parameters<typeof startServerProcess>[0], work: (server: ServerProcess) => Promise<T>): Promise<T> {
  const server = await startServerProcess({ ...options, environment: { PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0', ...options.environment } });
  try {
    return await work(server);
  } finally {
    await server.stop();
    fs.rmSync(options.dataDirectory, { recursive: true, force: true });
  }
}

async function helloWorld(): Promise<LoadResult> {
  return withServer({ dataDirectory: temporaryDataDirectory(), script: path.join(benchDirectory, 'hello-world-server.ts') }, async (server) => {
    await runLoad({ url: server.url, connections, durationMs: warmUpMs, request: () => ({ method: 'GET', path: '/' }) });
    return runLoad({ url: server.url, connections, durationMs: measureMs, request: () => ({ method: 'GET', path: '/' }) });
  });
}

/** A rate as a share of the hello world; `targeted` rows are the ones the ≥ 50 % target applies to. */
function throughputRow(name: string, result: LoadResult, baseline: LoadResult, note: string, targeted = true): BenchResult {
  const ratio = result.perSecond / baseline.perSecond;
  const failed = Object.entries(result.statuses).filter(([status]) => !status.startsWith('2'));
  const share = `${Math.round(result.perSecond)}/s = ${round(ratio * 100, 1)} % of hello world${targeted ? ' (target ≥ 50 %)' : ''}`;
  return {
    name,
    samples: result.succeeded,
    p50Ms: round(result.p50Ms),
    p95Ms: round(result.p95Ms),
    totalMs: round(result.durationMs, 0),
    value: round(ratio * 100, 1),
    unit: '% of hello world',
    ...(targeted ? { target: '>= 50 %', meetsTarget: ratio >= 0.5 } : {}),
    note: `${share}; ${note}${failed.length > 0 ? `; non-2xx: ${failed.map(([status, count]) => `${status}×${count}`).join(', ')}` : ''}`,
  };
}

const questionBody = (questions: CoreBenchContext['questions'], index: number) => questions[index % questions.length]!.question.slice(0, 4000);

const telegramChats = 400;
const telegramUpdates = 2000;
const telegramWarmUpUpdates = 500;

/**
 * Delivers updates as Telegram would (32 connections, spread over the given instances) and waits until every
 * reply reached the fake Bot API: first a warm-up round (JIT, SQLite cache), then the measured one.
 */
export async function telegramWebhookLoad(servers: ServerProcess[], telegram: FakeTelegramApi, questions: CoreBenchContext['questions'], secret: string): Promise<{ accepted: LoadResult; endToEnd: LoadResult }> {
  await deliverUpdates(servers, telegram, questions, secret, 0, telegramWarmUpUpdates);
  return deliverUpdates(servers, telegram, questions, secret, telegramWarmUpUpdates, telegramUpdates);
}

/** Two instances' load results as one: counts add up, latencies are those of the slower instance. */
function combined(results: LoadResult[], durationMs: number): LoadResult {
  const succeeded = results.reduce((sum, result) => sum + result.succeeded, 0);
  const statuses: Record<string, number> = {};
  for (const result of results) for (const [status, count] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  return {
    requests: results.reduce((sum, result) => sum + result.requests, 0),
    succeeded,
    durationMs,
    perSecond: (succeeded / durationMs) * 1000,
    statuses,
    p50Ms: Math.max(...results.map((result) => result.p50Ms)),
    p95Ms: Math.max(...results.map((result) => result.p95Ms)),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
  };
}

async function deliverUpdates(servers: ServerProcess[], telegram: FakeTelegramApi, questions: CoreBenchContext['questions'], secret: string, firstIndex: number, updates: number): Promise<{ accepted: LoadResult; endToEnd: LoadResult }> {
  const repliesBefore = telegram.callsOf('sendMessage').length;
  const share = Math.ceil(updates / servers.length);
  const requestFrom = (start: number) => (offset: number) => {
    const index = start + offset;
    return {
      method: 'POST' as const,
      path: '/webhooks/telegram',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(textUpdate({ updateId: 1_000_000 + index, messageId: index + 1, chatId: 800_000 + (index % telegramChats), text: questionBody(questions, index), firstName: 'Bench' })),
    };
  };
  const started = performance.now();
  const loads = await Promise.all(
    servers.map((server, position) =>
      runLoad({ url: server.url, connections: Math.ceil(connections / servers.length), maxRequests: share, request: requestFrom(firstIndex + position * share) }),
    ),
  );
  const accepted = combined(loads, performance.now() - started);
  const deadline = Date.now() + 180_000;
  let lastReplyAt = performance.now();
  let replies = 0;
  while (replies < accepted.succeeded && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const count = telegram.callsOf('sendMessage').length - repliesBefore;
    if (count > replies) lastReplyAt = performance.now();
    replies = count;
  }
  const endToEndMs = lastReplyAt - started;
  return { accepted, endToEnd: { ...accepted, requests: replies, succeeded: replies, durationMs: endToEndMs, perSecond: (replies / endToEndMs) * 1000 } };
}

export const coreBenchmarks = [
  {
    name: 'core: message throughput and memory (web chat, Telegram)',
    async run({ questions }: CoreBenchContext): Promise<BenchResult[]> {
      const results: BenchResult[] = [];
      const baseline = await helloWorld();
      results.push({
        name: `hello world (bare Fastify, ${connections} connections)`,
        samples: baseline.requests,
        p50Ms: round(baseline.p50Ms),
        p95Ms: round(baseline.p95Ms),
        totalMs: round(baseline.durationMs, 0),
        value: Math.round(baseline.perSecond),
        unit: 'requests/s',
        note: `${Math.round(baseline.perSecond)} requests/s, the 100 % of the ratios below`,
      });

      // Web chat: question in, stored, answered (retrieval, no LLM), reply stored and queued, JSON out.
      await withServer({ dataDirectory: temporaryDataDirectory() }, async (server) => {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const idle = residentBytes(server.pid);
        const sessions: string[] = [];
        for (let index = 0; index < 64; index += 1) {
          const response = await fetch(`${server.url}/api/webchat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
          sessions.push(((await response.json()) as { sessionId: string }).sessionId);
        }
        const request = (index: number) => ({
          method: 'POST' as const,
          path: `/api/webchat/sessions/${sessions[index % sessions.length]}/messages`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: questionBody(questions, index) }),
        });
        await runLoad({ url: server.url, connections, durationMs: warmUpMs, request });
        let peak = residentBytes(server.pid);
        const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(server.pid))), 100);
        const result = await runLoad({ url: server.url, connections, durationMs: measureMs, request });
        clearInterval(sampler);
        results.push(throughputRow('web chat message → reply', result, baseline, 'retrieval answers, no LLM, log level info'));
        results.push({ name: 'memory: core RSS at idle', samples: 1, value: megabytes(idle), unit: 'MB', target: '< 250 MB', meetsTarget: idle < 250 * 2 ** 20, note: `${megabytes(idle)} MB (target < 250 MB); Chroma runs in its own process` });
        results.push({ name: 'memory: core RSS under load', samples: 1, value: megabytes(peak), unit: 'MB', target: '< 250 MB', meetsTarget: peak < 250 * 2 ** 20, note: `${megabytes(peak)} MB peak during the web chat load (target < 250 MB)` });
      });

      // Telegram: update in (webhook stores it, answers 200), pipeline, outbox, sendMessage to the fake Bot API;
      // then the same load against the least a webhook can do (bench/minimal-webhook-server.ts).
      const telegram = await FakeTelegramApi.start();
      try {
        const secret = 'bench-webhook-secret';
        const environment = { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_WEBHOOK_SECRET: secret, TELEGRAM_API_ROOT: telegram.url, TELEGRAM_MODE: 'webhook' };
        const load = `${telegramUpdates} updates from ${telegramChats} chats`;
        await withServer({ dataDirectory: temporaryDataDirectory(), environment }, async (server) => {
          const { accepted, endToEnd } = await telegramWebhookLoad([server], telegram, questions, secret);
          results.push(throughputRow('Telegram webhook accepted (stored, 200)', accepted, baseline, load));
          results.push(throughputRow('Telegram webhook → reply at the Bot API', endToEnd, baseline, `${endToEnd.succeeded} replies reached the fake Bot API (one outbox worker sends them in order); p50/p95 are the webhook's`));
        });
        await withServer({ dataDirectory: temporaryDataDirectory(), environment, script: path.join(benchDirectory, 'minimal-webhook-server.ts') }, async (server) => {
          const { accepted, endToEnd } = await telegramWebhookLoad([server], telegram, questions, secret);
          results.push(throughputRow('floor: minimal webhook accepted (one row, 200)', accepted, baseline, `${load}; no pipeline, no plugins: the most any webhook can reach here`, false));
          results.push(throughputRow('floor: minimal webhook → reply at the Bot API', endToEnd, baseline, `${endToEnd.succeeded} replies, 16 in flight; the most any webhook → reply path can reach here`, false));
        });
      } finally {
        await telegram.close();
      }
      return results;
    },
  },
  {
    name: 'core: pipeline overhead per message (no LLM)',
    async run({ questions }: CoreBenchContext): Promise<BenchResult[]> {
      const dataDirectory = temporaryDataDirectory();
      const config = loadConfig({ DATA_DIR: dataDirectory, OLLAMA_ENABLED: 'false', LOG_LEVEL: 'silent', KNOWLEDGE_DIR: path.join(benchDirectory, '../knowledge'), PROMPTS_DIR: path.join(benchDirectory, '../prompts') });
      const app = await build(config, { logger: createLogger('silent') });
      await app.ready();
      try {
        const { conversations, answering } = app.functionar;
        const measure = async (count: number, work: (index: number) => Promise<unknown>) => {
          const durations: number[] = [];
          for (let index = 0; index < count; index += 1) {
            const started = performance.now();
            await work(index);
            durations.push(performance.now() - started);
          }
          return durations.sort((left, right) => left - right);
        };
        const receive = (offset: number) => (index: number) =>
          conversations.receive({ channel: 'webchat', externalId: `bench-${offset + index}`, sender: { externalId: `bench-sender-${index % 50}` }, text: questionBody(questions, index) });
        await measure(100, receive(0));
        const pipeline = await measure(1000, receive(100_000));
        // The same pipeline with an answerer that replies at once: what the core adds around retrieval and the LLM.
        const bare = new ConversationService({
          database: app.functionar.database.db,
          logger: createLogger('silent'),
          townHallName: config.townHallName,
          answerer: { answer: async () => ({ intent: 'procedure', mode: 'retrieval', outcome: 'answered', text: 'Răspuns de probă.', sources: [{ slug: 'bench', title: 'Bench', score: 1 }], buttons: [] }) },
          onQueued: () => undefined,
          claims: config.instance,
        });
        const bareReceive = (offset: number) => (index: number) =>
          bare.receive({ channel: 'webchat', externalId: `bench-bare-${offset + index}`, sender: { externalId: `bench-bare-sender-${index % 50}` }, text: questionBody(questions, index) });
        await measure(100, bareReceive(0));
        const overhead = await measure(1000, bareReceive(100_000));
        const retrieval = await measure(1000, (index) => answering.knowledge!.retrieve(questions[index % questions.length]!.question, questions[index % questions.length]!.language));
        const at = (sorted: number[], fraction: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!);
        const p95 = at(overhead, 0.95);
        return [
          {
            name: 'pipeline overhead per message (store → intent → handler → commit + outbox)',
            samples: overhead.length,
            p50Ms: at(overhead, 0.5),
            p95Ms: p95,
            value: p95,
            unit: 'ms p95',
            target: 'p95 < 5 ms',
            meetsTarget: p95 < 5,
            note: 'in-process conversations.receive() with an answerer that replies at once: retrieval and LLM excluded',
          },
          {
            name: 'pipeline per message, whole (store → intent → retrieval → commit + outbox)',
            samples: pipeline.length,
            p50Ms: at(pipeline, 0.5),
            p95Ms: at(pipeline, 0.95),
            note: 'in-process conversations.receive() with the real retrieval-only answerer (the LLM call excluded)',
          },
          { name: 'of which retrieval alone (same questions)', samples: retrieval.length, p50Ms: at(retrieval, 0.5), p95Ms: at(retrieval, 0.95), note: 'hybrid: lexical in memory + Chroma vector query' },
        ];
      } finally {
        await app.close();
        fs.rmSync(dataDirectory, { recursive: true, force: true });
      }
    },
  },
];
