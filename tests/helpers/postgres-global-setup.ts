import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './postgres-server.ts';

// The `postgres` test project (vitest.config.ts) runs the store tests and the journeys again on a real
// PostgreSQL server: one temporary cluster for the run; every app or store a test opens gets a database
// of its own in it (tests/helpers/test-database.ts).

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const server = await startTestPostgres();
  project.provide('postgresAdminUrl', server.adminUrl);
  return () => server.stop();
}
