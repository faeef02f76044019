import { execFile } from 'node:child_process';
import path from 'node:path';
import { unreachableOllama } from './test-app.ts';
import { sharedChromaEnvironment } from './shared-chroma.ts';
import { postgresDatabaseFor } from './test-database.ts';

export const repositoryRoot = path.resolve(import.meta.dirname, '../..');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to the environment; by default on top of this process's, with Ollama unreachable. */
  environment?: Record<string, string>;
  /** Start from an empty environment (plus PATH), so nothing of the developer's shell leaks in. */
  isolated?: boolean;
  cwd?: string;
  input?: string;
}

/**
 * Runs the real `functionar` CLI. Asynchronous on purpose: an app under test in this process (and
 * any fake server) must keep serving while the CLI talks to it. On a PostgreSQL run, a CLI given a data
 * directory works on that directory's database, the one an app started there uses (test-app.ts).
 */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const base = options.isolated ? { PATH: process.env.PATH ?? '' } : { ...process.env, OLLAMA_HOST: unreachableOllama, LOG_LEVEL: 'warn' };
  const dataDirectory = options.environment?.DATA_DIR;
  const databaseUrl = options.environment?.DATABASE_URL ?? (dataDirectory ? await postgresDatabaseFor(dataDirectory) : undefined);
  const chroma = options.isolated ? {} : sharedChromaEnvironment({ ...base, ...options.environment });
  const environment = { ...base, ...chroma, ...options.environment, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [path.join(repositoryRoot, 'bin/functionar.js'), ...args],
      { cwd: options.cwd ?? repositoryRoot, encoding: 'utf8', env: environment, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.input ?? '');
  });
}
