import path from 'node:path';
import { inject } from 'vitest';
import { openConfiguredDatabase, type DatabaseHandle } from '../../src/database/connection.ts';
import { createEmptyDatabase } from './postgres-server.ts';

// Which engine this test run is on: the `postgres` project of vitest.config.ts provides a server, the
// default project does not (SQLite files under each test's data directory).

let created = 0;
const databasesOfDataDirectories = new Map<string, string>();

export function testPostgresAdminUrl(): string | undefined {
  // The benchmarks start servers through the same helpers outside vitest: SQLite, unless they say otherwise.
  if (!process.env.VITEST) return undefined;
  return inject('postgresAdminUrl');
}

/** A fresh, empty PostgreSQL database for one app or store, when this run is on PostgreSQL. */
export async function freshPostgresDatabase(): Promise<string | undefined> {
  const adminUrl = testPostgresAdminUrl();
  if (!adminUrl) return undefined;
  created += 1;
  return createEmptyDatabase(adminUrl, `functionar_${process.pid}_${created}`);
}

/** The PostgreSQL database of an app's data directory: an app restarted on the same directory finds its rows. */
export async function postgresDatabaseFor(dataDirectory: string): Promise<string | undefined> {
  const known = databasesOfDataDirectories.get(dataDirectory);
  if (known) return known;
  const url = await freshPostgresDatabase();
  if (url) databasesOfDataDirectories.set(dataDirectory, url);
  return url;
}

/**
 * The store of a data directory on the engine of this run: the SQLite file under `directory`, or that
 * directory's PostgreSQL database (the one an app started on the directory would use).
 */
export async function openTestDatabase(directory: string): Promise<DatabaseHandle> {
  return openConfiguredDatabase({ databasePath: path.join(directory, 'functionar.db'), databaseUrl: await postgresDatabaseFor(directory) });
}
