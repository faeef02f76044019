import { afterEach, describe, expect, it } from 'vitest';
import { startTestChroma, type TestChroma } from '../helpers/chroma.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { freshPostgresDatabase, testPostgresAdminUrl } from '../helpers/test-database.ts';

// Instances behind one proxy share one Chroma server (CHROMA_URL). Starting together, they must not all
// embed and write the whole knowledge base at once: one ingests, the others wait for it and reuse the index.

describe.skipIf(!testPostgresAdminUrl())('two instances on one database and one Chroma', () => {
  const started: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const running of started.splice(0).reverse()) await running.close();
  });

  it('ingest the knowledge base once: the second instance waits and finds every chunk unchanged', async () => {
    const chroma: TestChroma = await startTestChroma();
    started.push({ close: () => chroma.stop() });
    const databaseUrl = await freshPostgresDatabase();
    const environment = { DATABASE_URL: databaseUrl!, CHROMA_URL: chroma.url };
    const instances: TestApp[] = await Promise.all([startTestApp(environment), startTestApp(environment)]);
    started.push(...instances);

    const indexUpdates = instances.map((instance) => instance.logLines.filter((line) => line.msg === 'knowledge index updated'));
    expect(indexUpdates.map((updates) => updates.length).sort()).toEqual([0, 1]);
    expect(indexUpdates.flat()[0]).toMatchObject({ updated: 0, deleted: 0 });
    expect(Number(indexUpdates.flat()[0]!.added)).toBeGreaterThan(100);
    // Both answer from the vector index, not lexical retrieval only.
    for (const instance of instances) {
      const ready = await instance.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode, ready.body).toBe(200);
    }
  });
});
