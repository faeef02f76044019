import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

// A real PostgreSQL server for the tests: Debian's `postgresql` package (installed by tests/system-tools.sh),
// a temporary cluster made with initdb (as the `postgres` user when the tests run as root, since the server
// refuses to run as root), on a free port of 127.0.0.1, torn down by stop(). Each test takes its own
// database in it (createDatabase), so tests in one file do not see each other's rows.

export interface TestPostgres {
  /** A connection URL for the `postgres` superuser's maintenance database. */
  adminUrl: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  stop(): void;
}

function postgresBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((entry) => fs.existsSync(path.join(root, entry, 'bin', 'initdb'))) : [];
  const newest = versions.sort((left, right) => Number(right) - Number(left))[0];
  if (!newest) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: install Debian\'s "postgresql" package (npm test\'s pre-step does).');
  return path.join(root, newest, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const runningAsRoot = process.getuid?.() === 0;

/** Runs a server binary as `postgres` when we are root (initdb and postgres refuse root). */
function runServerBinary(binary: string, parameters: string[]): void {
  const [command, commandParameters] = runningAsRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...parameters]] : [binary, parameters];
  const result = spawnSync(command, commandParameters, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${path.basename(binary)} failed (${result.status}): ${result.stderr || result.stdout}`);
}

/** `durable`: keep PostgreSQL's default fsync and commit settings (benchmarks); tests turn them off for speed. */
/** Creates an empty database on the server `adminUrl` names and returns its URL. */
export async function createEmptyDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function startTestPostgres(options: { durable?: boolean } = {}): Promise<TestPostgres> {
  const binaries = postgresBinaries();
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'functionar-postgres-'));
  if (runningAsRoot) execFileSync('chown', ['postgres:postgres', directory]);
  const dataDirectory = path.join(directory, 'data');
  const port = await freePort();
  // C collation: text (ISO times included) sorts byte by byte, as in SQLite.
  runServerBinary(path.join(binaries, 'initdb'), ['-D', dataDirectory, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  runServerBinary(path.join(binaries, 'pg_ctl'), [
    '-D',
    dataDirectory,
    '-l',
    path.join(directory, 'server.log'),
    '-w',
    '-o',
    `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c max_connections=200${options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off'}`,
    'start',
  ]);
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    adminUrl,
    async createDatabase() {
      databases += 1;
      return createEmptyDatabase(adminUrl, `functionar_test_${process.pid}_${databases}`);
    },
    stop() {
      try {
        runServerBinary(path.join(binaries, 'pg_ctl'), ['-D', dataDirectory, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}
