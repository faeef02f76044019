import { createHash } from 'node:crypto';
import path from 'node:path';
import { inject } from 'vitest';

/**
 * CHROMA_URL and CHROMA_COLLECTION for an app or CLI under test: the run's shared Chroma, in a collection
 * named after what it would index (knowledge directory, embedding model) and the worker, so that apps
 * indexing the same files one after another find every chunk unchanged, and two workers never write
 * to one collection at the same time. Nothing when the environment already names a Chroma.
 */
export function sharedChromaEnvironment(environment: Record<string, string | undefined>): Record<string, string> {
  if (environment.CHROMA_URL !== undefined) return {};
  const identity = [
    path.resolve(environment.KNOWLEDGE_DIR ?? 'knowledge'),
    environment.OLLAMA_HOST ?? '',
    environment.OLLAMA_EMBED_MODEL ?? '',
    environment.OLLAMA_ENABLED ?? '',
    process.env.VITEST_POOL_ID ?? String(process.pid),
  ].join('\n');
  return { CHROMA_URL: inject('chromaUrl'), CHROMA_COLLECTION: `test-${createHash('sha256').update(identity).digest('hex').slice(0, 24)}` };
}
