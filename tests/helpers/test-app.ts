import fs from 'node:fs';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { build } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { sharedChromaEnvironment } from './shared-chroma.ts';
import { postgresDatabaseFor } from './test-database.ts';
import { temporaryDirectory } from './temporary-directory.ts';

export { temporaryDirectory };

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  dataDirectory: string;
  /** Every log line the app wrote, as parsed JSON. */
  logLines: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A closed port: Ollama "down" unless a test points OLLAMA_HOST at its fake. */
export const unreachableOllama = 'http://127.0.0.1:9';


export interface TestAppOptions {
  dataDirectory?: string;
  /** Start and supervise a Chroma of its own, as an installation without CHROMA_URL does, instead of the run's shared one. */
  ownChroma?: boolean;
}

/** Builds the real app on a fresh data directory, with the real knowledge base and a real Chroma. */
export async function startTestApp(environment: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const dataDirectory = options.dataDirectory ?? temporaryDirectory();
  const databaseUrl = environment.DATABASE_URL ?? (await postgresDatabaseFor(dataDirectory));
  const config = loadConfig({
    DATA_DIR: dataDirectory,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(options.ownChroma ? {} : sharedChromaEnvironment({ OLLAMA_HOST: unreachableOllama, ...environment })),
    OLLAMA_HOST: unreachableOllama,
    LOG_LEVEL: 'info',
    OUTBOX_POLL_MS: '50',
    // Tests that want the morning digest ask for it; others must not get one from a long-lived app.
    DEADLINE_DIGEST_TIME: 'off',
    // A busy CI machine (or a test blocking on a subprocess) must not make the app shed load;
    // the backpressure test turns it on explicitly.
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...environment,
  });
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const app = await build(config, { logger: createLogger(config.logLevel, sink) });
  await app.ready();
  return {
    app,
    config,
    dataDirectory,
    logLines,
    close: async () => {
      await app.close();
      if (!options.dataDirectory) fs.rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
