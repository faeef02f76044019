import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { findFreePort } from '../../src/knowledge/chroma-server.ts';
import { postgresDatabaseFor } from '../helpers/test-database.ts';

// The real server (`src/server.ts`) in its own process, as `npm start` runs it, so a test can kill it
// the way a power cut or the OOM killer would: SIGKILL, no shutdown hooks, no flushing.

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Everything the process printed (JSON log lines and anything else). */
  readonly output: string[];
  /** SIGKILL to the server and its children (the supervised Chroma): a machine-level crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait: the graceful stop `npm start` does on Ctrl-C. */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  dataDirectory: string;
  port?: number;
  environment?: Record<string, string>;
  /** How long to wait for /healthz. */
  startTimeoutMs?: number;
  /** Another entry point (the benchmarks' bare Fastify baseline); default src/server.ts. */
  script?: string;
}

/** Settings every test server gets: loopback only, no real Ollama, fast outbox, limits out of the way. */
function baseEnvironment(options: StartServerOptions, port: number): Record<string, string> {
  const inherited: Record<string, string> = {};
  // Only what a Node process needs: the app's own variables come from the test, never from the shell.
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'NODE_OPTIONS']) if (process.env[name] !== undefined) inherited[name] = process.env[name]!;
  return {
    ...inherited,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDirectory,
    KNOWLEDGE_DIR: path.join(repositoryRoot, 'knowledge'),
    PROMPTS_DIR: path.join(repositoryRoot, 'prompts'),
    OLLAMA_ENABLED: 'false',
    OUTBOX_POLL_MS: '50',
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_SENDER_PER_MINUTE: '1000000',
    ...options.environment,
  };
}

export async function startServerProcess(options: StartServerOptions): Promise<ServerProcess> {
  const port = options.port ?? (await findFreePort());
  // On a PostgreSQL run the data directory's database: a server restarted on the directory finds its rows.
  const databaseUrl = options.environment?.DATABASE_URL ?? (await postgresDatabaseFor(options.dataDirectory));
  const environment = { ...baseEnvironment(options, port), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  // The same Node flags as `npm start` (package.json), so the figures are those of production.
  const child: ChildProcess = spawn(process.execPath, ['--max-semi-space-size=4', '--max-old-space-size=512', '--import', import.meta.resolve('tsx'), options.script ?? path.join(repositoryRoot, 'src/server.ts')], {
    cwd: options.dataDirectory,
    env: environment,
    // Its own process group, so the kill reaches the Chroma it supervises, as a crash of the machine would.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => output.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + (options.startTimeoutMs ?? 40_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited while starting:\n${output.slice(-20).join('\n')}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`server did not answer /healthz in time:\n${output.slice(-20).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    port,
    pid: child.pid!,
    output,
    kill: async () => {
      killGroup(child, 'SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const forced = setTimeout(() => killGroup(child, 'SIGKILL'), 20_000);
      await exited;
      clearTimeout(forced);
      // Whatever the server left behind in its group (it should have stopped Chroma itself).
      killGroup(child, 'SIGKILL');
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** A read-only look at a server's database while it runs (WAL lets readers in beside the writer). */
export function readDatabase<T>(databasePath: string, read: (database: Sqlite.Database) => T): T {
  const database = new Sqlite(databasePath, { readonly: true, fileMustExist: true });
  try {
    database.pragma('busy_timeout = 5000');
    return read(database);
  } finally {
    database.close();
  }
}

/**
 * Rows of a query on a server's records while it runs, on the engine of this run: the SQLite file under
 * the data directory (read-only), or the directory's PostgreSQL database. Write `?` placeholders and SQL
 * both engines read (cast counts to integer: PostgreSQL's count is a bigint, which pg gives as text).
 */
export async function queryServerRecords<Row>(dataDirectory: string, query: string, parameters: unknown[] = []): Promise<Row[]> {
  const databaseUrl = await postgresDatabaseFor(dataDirectory);
  if (!databaseUrl) return readDatabase(path.join(dataDirectory, 'functionar.db'), (database) => database.prepare(query).all(...parameters) as Row[]);
  let position = 0;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(query.replace(/\?/g, () => `$${++position}`), parameters)).rows as Row[];
  } finally {
    await client.end();
  }
}
