import type { Language } from '../language.ts';
import type { KnowledgeChunk } from './chunking.ts';
import type { ChromaStore } from './chroma-store.ts';
import type { Embedder } from './embedder.ts';
import { isLanguageAwareEmbedder } from './offline-embedding.ts';

// Incremental: a chunk is embedded only when its id is new or its content hash changed, and chunks
// that no longer exist (deleted file or section) are removed, so re-running ingest is cheap.

export interface IngestCounts {
  added: number;
  updated: number;
  unchanged: number;
  deleted: number;
  skippedFiles: number;
}

export interface IngestProgress {
  phase: 'comparing' | 'embedding' | 'deleting' | 'done';
  /** Chunks embedded and stored so far, out of `total` that needed it. */
  done: number;
  total: number;
}

export type IngestProgressListener = (progress: IngestProgress) => void;

export interface IngestOptions {
  store: ChromaStore;
  embedder: Embedder;
  chunks: readonly KnowledgeChunk[];
  skippedFiles?: number;
  batchSize?: number;
  onProgress?: IngestProgressListener;
}

/** Embeds chunks with the right stemmer per language when the embedder can use it. */
export async function embedChunks(embedder: Embedder, chunks: readonly KnowledgeChunk[]): Promise<number[][]> {
  if (!isLanguageAwareEmbedder(embedder)) return embedder.embed(chunks.map((chunk) => chunk.text));
  const vectors: number[][] = new Array(chunks.length);
  const byLanguage = new Map<Language, number[]>();
  chunks.forEach((chunk, index) => byLanguage.set(chunk.language, [...(byLanguage.get(chunk.language) ?? []), index]));
  for (const [language, indexes] of byLanguage) {
    const embedded = await embedder.embedInLanguage(
      indexes.map((index) => chunks[index]!.text),
      language,
    );
    indexes.forEach((chunkIndex, position) => {
      vectors[chunkIndex] = embedded[position]!;
    });
  }
  return vectors;
}

export async function ingestChunks(options: IngestOptions): Promise<IngestCounts> {
  const { store, embedder, chunks, onProgress } = options;
  const batchSize = options.batchSize ?? 64;
  onProgress?.({ phase: 'comparing', done: 0, total: 0 });
  const stored = await store.storedHashes();
  const changed: KnowledgeChunk[] = [];
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  for (const chunk of chunks) {
    const storedHash = stored.get(chunk.id);
    if (storedHash === undefined) added += 1;
    else if (storedHash !== chunk.hash) updated += 1;
    else {
      unchanged += 1;
      continue;
    }
    changed.push(chunk);
  }
  const currentIds = new Set(chunks.map((chunk) => chunk.id));
  const removed = [...stored.keys()].filter((id) => !currentIds.has(id));

  onProgress?.({ phase: 'embedding', done: 0, total: changed.length });
  for (let start = 0; start < changed.length; start += batchSize) {
    const batch = changed.slice(start, start + batchSize);
    const embeddings = await embedChunks(embedder, batch);
    await store.upsert(batch, embeddings);
    onProgress?.({ phase: 'embedding', done: start + batch.length, total: changed.length });
  }
  if (removed.length > 0) {
    onProgress?.({ phase: 'deleting', done: changed.length, total: changed.length });
    for (let start = 0; start < removed.length; start += batchSize * 8) await store.delete(removed.slice(start, start + batchSize * 8));
  }
  onProgress?.({ phase: 'done', done: changed.length, total: changed.length });
  return { added, updated, unchanged, deleted: removed.length, skippedFiles: options.skippedFiles ?? 0 };
}
