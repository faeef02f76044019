import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from './helpers/cli.ts';
import { temporaryDirectory } from './helpers/temporary-directory.ts';
import { eventually, unreachableOllama } from './helpers/test-app.ts';

const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('npm start (src/server.ts)', () => {
  it('serves on the embedded defaults and shuts down gracefully on SIGTERM, leaving the database closed', async () => {
    const dataDirectory = temporaryDirectory();
    directories.push(dataDirectory);
    const port = await freePort();
    const server = spawn(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'src/server.ts')], {
      cwd: repositoryRoot,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDirectory, OLLAMA_HOST: unreachableOllama, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout.on('data', (chunk) => (output += String(chunk)));
    server.stderr.on('data', (chunk) => (output += String(chunk)));
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));

    const base = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok || undefined, 60_000, 'the server to serve');
    const session = (await (await fetch(`${base}/api/webchat/sessions`, { method: 'POST' })).json()) as { sessionId: string };
    const answer = await fetch(`${base}/api/webchat/sessions/${session.sessionId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'buna ziua' }),
    });
    expect(answer.status).toBe(200);

    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('shutting down');
    // Closed cleanly: SQLite folded the write-ahead log back into the database file.
    expect(fs.existsSync(path.join(dataDirectory, 'functionar.db'))).toBe(true);
    expect(fs.existsSync(path.join(dataDirectory, 'functionar.db-wal'))).toBe(false);
  }, 90_000);

  it('refuses to start with invalid configuration, one line per problem', async () => {
    const server = spawn(process.execPath, ['--import', 'tsx', path.join(repositoryRoot, 'src/server.ts')], {
      cwd: repositoryRoot,
      env: { ...process.env, PORT: '-1', OLLAMA_HOST: 'nope' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    server.stderr.on('data', (chunk) => (errors += String(chunk)));
    const code = await new Promise<number | null>((resolve) => server.on('exit', resolve));
    expect(code).toBe(78);
    expect(errors.trim().split('\n')).toEqual([expect.stringMatching(/^configuration: PORT: /), expect.stringMatching(/^configuration: OLLAMA_HOST: /)]);
  }, 60_000);
});
