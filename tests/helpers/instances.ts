import fs from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import { freshPostgresDatabase } from './test-database.ts';
import { temporaryDirectory } from './test-app.ts';

// What the multi-instance tests share: everything a test starts is stopped after it, last started first,
// and each instance gets a data directory of its own beside the one database they all use.

export interface InstanceWorld {
  /** Runs after the test, in reverse order of registration. */
  later(cleanup: () => Promise<void> | void): void;
  /** A data directory of its own, removed after the test. */
  directory(): string;
  /** The database every instance of the test uses: DATABASE_URL on a PostgreSQL run, else one SQLite file. */
  sharedDatabase(): Promise<Record<string, string>>;
}

export function instanceWorld(): InstanceWorld {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const directory = () => {
    const created = temporaryDirectory('functionar-instances-');
    cleanups.push(() => fs.rmSync(created, { recursive: true, force: true }));
    return created;
  };
  return {
    later: (cleanup) => cleanups.push(cleanup),
    directory,
    sharedDatabase: async (): Promise<Record<string, string>> => {
      const url = await freshPostgresDatabase();
      return url ? { DATABASE_URL: url } : { DATABASE_PATH: path.join(directory(), 'shared.db') };
    },
  };
}
