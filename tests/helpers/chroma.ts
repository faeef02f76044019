import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../src/config.ts';
import { startChromaServer, type ChromaServer } from '../../src/knowledge/chroma-server.ts';
import type { KnowledgeLogger } from '../../src/knowledge/knowledge-logger.ts';

// A real local Chroma for knowledge tests: one server per test file, on a temporary data directory.

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const realKnowledgeDirectory = path.join(repositoryRoot, 'knowledge');
export const knowledgeFixtures = path.join(repositoryRoot, 'tests/knowledge/fixtures');

export interface RecordedLogger extends KnowledgeLogger {
  lines: { level: string; context: object; message: string | undefined }[];
}

/** Keeps what was logged, so a test can check that a problem was reported. */
export function recordingLogger(): RecordedLogger {
  const lines: RecordedLogger['lines'] = [];
  const record = (level: string) => (context: object, message?: string) => lines.push({ level, context, message });
  return { lines, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

export function temporaryDataDirectory(prefix = 'functionar-knowledge-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A copy of a fixture knowledge directory that a test may edit. */
export function copyKnowledge(source: string): string {
  const target = temporaryDataDirectory('functionar-knowledge-copy-');
  fs.cpSync(source, target, { recursive: true });
  return target;
}

export function knowledgeConfig(options: { dataDirectory: string; knowledgeDirectory?: string; chromaUrl?: string }): Config {
  return loadConfig({
    DATA_DIR: options.dataDirectory,
    KNOWLEDGE_DIR: options.knowledgeDirectory ?? realKnowledgeDirectory,
    LOG_LEVEL: 'silent',
    ...(options.chromaUrl ? { CHROMA_URL: options.chromaUrl } : {}),
  });
}

export interface TestChroma {
  server: ChromaServer;
  url: string;
  dataDirectory: string;
  stop(): Promise<void>;
}

export async function startTestChroma(logger: KnowledgeLogger = recordingLogger()): Promise<TestChroma> {
  const dataDirectory = temporaryDataDirectory('functionar-chroma-');
  const server = await startChromaServer({ dataDirectory: path.join(dataDirectory, 'chroma'), logger, restartInitialDelayMs: 100 });
  if (!(await server.waitUntilReady(30_000))) throw new Error(`test Chroma did not start: ${server.reason}`);
  return {
    server,
    url: server.url,
    dataDirectory,
    stop: async () => {
      await server.stop();
      fs.rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}
