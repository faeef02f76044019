import { spawn } from 'node:child_process';
import { AppError } from '../errors.ts';
import type { DatabaseHandle } from './connection.ts';

// `functionar backup FILE`: a consistent copy while the server runs. SQLite copies itself online (its
// backup API); PostgreSQL's own tool, pg_dump, reads one snapshot and writes its custom format, which
// pg_restore reads back (docs/scaling-out.md). Files under DATA_DIR are backed up as files, on both.

export async function backupDatabase(handle: DatabaseHandle, file: string): Promise<void> {
  if (handle.engine === 'sqlite') {
    await handle.sqlite.backup(file);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const dump = spawn('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${handle.url}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    dump.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    dump.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new AppError('FV_ERR_BACKUP_TOOL_MISSING', 'pg_dump was not found: install the PostgreSQL client tools (Debian: postgresql-client).', 500)
          : error,
      ),
    );
    dump.on('close', (code) => (code === 0 ? resolve() : reject(new AppError('FV_ERR_BACKUP_FAILED', `pg_dump failed (${code}): ${errors.trim()}`, 500))));
  });
}
