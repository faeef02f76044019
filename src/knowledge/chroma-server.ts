import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { KnowledgeLogger } from './knowledge-logger.ts';

// Runs the Chroma server that ships inside the chromadb npm package (native bindings, no Python, no
// Docker) when no CHROMA_URL is configured, and keeps it running: restart with backoff when it dies,
// SIGTERM then SIGKILL on close.

export type ChromaServerState = 'starting' | 'ready' | 'down' | 'stopped';

export interface ChromaServerOptions {
  dataDirectory: string;
  /** 0 or undefined: a free port is chosen once and kept across restarts. */
  port?: number;
  host?: string;
  logger: KnowledgeLogger;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  restartInitialDelayMs?: number;
  restartMaxDelayMs?: number;
}

export interface ChromaServer {
  readonly url: string;
  readonly state: ChromaServerState;
  /** Why the server is not ready, for /readyz. */
  readonly reason: string | undefined;
  /** Process id of the running server, for tests that kill it. */
  readonly pid: number | undefined;
  /** Resolves true once the heartbeat answers, false after the timeout. */
  waitUntilReady(timeoutMs?: number): Promise<boolean>;
  /** Called each time the server becomes ready again (first start and every restart). */
  onReady(listener: () => void): () => void;
  stop(): Promise<void>;
}

/** The `chroma` CLI of the installed chromadb package, found from the package, not the working directory. */
export function resolveChromaCli(): string {
  // createRequire rather than import.meta.resolve, which vitest's module runner lacks (the tests' global setup).
  let directory = path.dirname(createRequire(import.meta.url).resolve('chromadb'));
  for (;;) {
    const manifestPath = path.join(directory, 'package.json');
    if (fs.existsSync(manifestPath)) {
      const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { name?: string; bin?: Record<string, string> | string };
      if (manifest.name === 'chromadb') {
        const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.chroma;
        if (!bin) throw new Error('the chromadb package declares no chroma CLI');
        return path.join(directory, bin);
      }
    }
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('cannot find the chromadb package');
    directory = parent;
  }
}

export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function heartbeat(url: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

const ansiPattern = /\u001b\[[0-9;?]*[A-Za-z]/g;
/** The start-up banner is a logo drawn with brackets and hashes: noise even at debug level. */
const bannerPattern = /^[\s(#)]*$/;

function pipeToLogger(stream: NodeJS.ReadableStream | null, logger: KnowledgeLogger, streamName: string): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (data: string) => {
    pending += data;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.replace(ansiPattern, '').trimEnd();
      if (bannerPattern.test(line)) continue;
      logger.debug({ component: 'chroma', stream: streamName }, line);
    }
  });
}

const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds).unref());

export async function startChromaServer(options: ChromaServerOptions): Promise<ChromaServer> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const initialDelayMs = options.restartInitialDelayMs ?? 250;
  const maxDelayMs = options.restartMaxDelayMs ?? 10_000;
  const cliPath = resolveChromaCli();
  const port = options.port && options.port > 0 ? options.port : await findFreePort(host);
  const url = `http://${host}:${port}`;
  fs.mkdirSync(options.dataDirectory, { recursive: true });

  let state: ChromaServerState = 'starting';
  let reason: string | undefined = 'Chroma is starting';
  let child: ChildProcess | undefined;
  let restartDelayMs = initialDelayMs;
  let restartTimer: NodeJS.Timeout | undefined;
  const readyListeners = new Set<() => void>();
  const stateWaiters = new Set<() => void>();

  const setState = (next: ChromaServerState, nextReason: string | undefined) => {
    state = next;
    reason = nextReason;
    for (const waiter of [...stateWaiters]) waiter();
    if (next === 'ready') for (const listener of [...readyListeners]) listener();
  };

  // Never leave an orphaned server behind when this process exits without calling stop().
  const killOnExit = () => child?.kill('SIGKILL');
  process.on('exit', killOnExit);

  const scheduleRestart = () => {
    if (state === 'stopped' || restartTimer) return;
    const delay = restartDelayMs;
    restartDelayMs = Math.min(restartDelayMs * 2, maxDelayMs);
    logger.warn({ component: 'chroma', delayMs: delay }, 'Chroma is down, restarting');
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      launch();
    }, delay);
    restartTimer.unref();
  };

  const launch = () => {
    if (state === 'stopped') return;
    setState('starting', 'Chroma is starting');
    const launched = spawn(process.execPath, [cliPath, 'run', '--path', options.dataDirectory, '--port', String(port), '--host', host], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    child = launched;
    pipeToLogger(launched.stdout, logger, 'stdout');
    pipeToLogger(launched.stderr, logger, 'stderr');
    launched.on('error', (error) => {
      logger.error({ component: 'chroma', err: error }, 'cannot run the Chroma server');
    });
    launched.on('exit', (code, signal) => {
      if (child === launched) child = undefined;
      if (state === 'stopped') return;
      setState('down', `Chroma exited (${signal ?? `code ${code}`})`);
      scheduleRestart();
    });
    void (async () => {
      const deadline = Date.now() + startTimeoutMs;
      while (child === launched && state === 'starting' && Date.now() < deadline) {
        if (await heartbeat(url)) {
          if (child !== launched || state !== 'starting') return;
          restartDelayMs = initialDelayMs;
          logger.info({ component: 'chroma', url, pid: launched.pid }, 'Chroma is ready');
          setState('ready', undefined);
          return;
        }
        await sleep(100);
      }
      if (child === launched && state === 'starting') {
        logger.error({ component: 'chroma', timeoutMs: startTimeoutMs }, 'Chroma did not answer its heartbeat in time');
        launched.kill('SIGKILL');
      }
    })();
  };

  launch();

  const waitUntilReady = async (timeoutMs = startTimeoutMs): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    while (state !== 'ready') {
      if (state === 'stopped') return false;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done() {
          clearTimeout(timer);
          stateWaiters.delete(done);
          resolve();
        }
        stateWaiters.add(done);
      });
    }
    return true;
  };

  const stop = async () => {
    if (state === 'stopped') return;
    setState('stopped', 'Chroma was stopped');
    if (restartTimer) clearTimeout(restartTimer);
    const running = child;
    child = undefined;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
  };

  return {
    url,
    get state() {
      return state;
    },
    get reason() {
      return reason;
    },
    get pid() {
      return child?.pid;
    },
    waitUntilReady,
    onReady(listener) {
      readyListeners.add(listener);
      return () => readyListeners.delete(listener);
    },
    stop,
  };
}
