import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startChromaServer } from '../../src/knowledge/chroma-server.ts';

// One real Chroma server for the whole run. An app under test uses it through CHROMA_URL, in a collection
// of its own knowledge (tests/helpers/shared-chroma.ts), instead of starting and indexing a Chroma of its
// own: that took two to four seconds an app on a two-core machine. The tests of the supervised server
// still start their own (startTestApp's `ownChroma`).

declare module 'vitest' {
  export interface ProvidedContext {
    chromaUrl: string;
  }
}

const silentLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'functionar-shared-chroma-'));
  const server = await startChromaServer({ dataDirectory, logger: silentLogger });
  if (!(await server.waitUntilReady(60_000))) throw new Error(`the shared test Chroma did not start: ${server.reason}`);
  project.provide('chromaUrl', server.url);
  return async () => {
    await server.stop();
    fs.rmSync(dataDirectory, { recursive: true, force: true });
  };
}
