import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/admin/password-hashing.ts';
import { openDatabase } from '../../src/database/connection.ts';
import { addClerk, listClerks } from '../../src/tickets/clerk-directory.ts';
import { temporaryDirectory } from '../helpers/temporary-directory.ts';

// The administrator sets a clerk's web inbox password from the shell, without it ever appearing on
// the command line: typed at a prompt, or piped on stdin by a script.

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dataDirectory: string;

function functionar(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: repositoryRoot,
      env: { ...process.env, DATA_DIR: dataDirectory, LOG_LEVEL: 'silent' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

async function storedHash(name: string): Promise<string | null | undefined> {
  const database = openDatabase(path.join(dataDirectory, 'functionar.db'));
  try {
    return (await listClerks(database.db)).find((clerk) => clerk.name === name)?.passwordHash;
  } finally {
    database.close();
  }
}

beforeAll(async () => {
  dataDirectory = temporaryDirectory();
  const database = openDatabase(path.join(dataDirectory, 'functionar.db'));
  await addClerk(database.db, { name: 'Ana Pop', department: 'registratura' });
  database.close();
});

afterAll(() => {
  fs.rmSync(dataDirectory, { recursive: true, force: true });
});

describe('functionar clerks set-password', () => {
  it('stores a salted scrypt hash of the password piped on stdin, never the password', async () => {
    const outcome = await functionar(['clerks', 'set-password', '--name', 'Ana Pop', '--password-stdin'], 'o-parola-buna-2026\n');
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('Password set for "Ana Pop"');
    const hash = await storedHash('Ana Pop');
    expect(hash).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hash).not.toContain('o-parola-buna-2026');
    expect(await verifyPassword('o-parola-buna-2026', hash)).toBe(true);
    expect(await verifyPassword('o-parola-buna-2027', hash)).toBe(false);
  });

  it('refuses a short password, an unknown clerk, and a pipe without --password-stdin — changing nothing', async () => {
    const before = await storedHash('Ana Pop');
    const [short, unknown, noFlag] = await Promise.all([
      functionar(['clerks', 'set-password', '--name', 'Ana Pop', '--password-stdin'], 'scurta\n'),
      functionar(['clerks', 'set-password', '--name', 'Nimeni', '--password-stdin'], 'o-parola-destul-de-lunga\n'),
      functionar(['clerks', 'set-password', '--name', 'Ana Pop'], 'o-parola-destul-de-lunga\n'),
    ]);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 10 characters');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No active clerk named "Nimeni"');
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toContain('--password-stdin');
    expect(await storedHash('Ana Pop')).toBe(before);
  });
});
