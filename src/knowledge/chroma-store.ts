import { ChromaClient, type Collection, type EmbeddingFunction, type Metadata } from 'chromadb';
import type { Language } from '../language.ts';
import { slugOfChunkId, type KnowledgeChunk } from './chunking.ts';
import type { KnowledgeLogger } from './knowledge-logger.ts';

// The vector side of the knowledge base in Chroma. We always compute embeddings ourselves, so the
// collection carries a stand-in embedding function: it keeps the client from importing
// @chroma-core/default-embed (which downloads a model) and fails loudly if anything tries to use it.

export const defaultCollectionName = 'procedures';

/** Bump when the stored layout changes, so old collections are rebuilt rather than misread. 2: the embedding dimension is recorded. */
const storeLayoutVersion = 2;

export interface StoredChunkMetadata {
  slug: string;
  title_ro: string;
  section: string;
  language: Language;
  kind: string;
  hash: string;
}

export interface VectorMatch {
  id: string;
  slug: string;
  /** Cosine similarity, 1 = same direction. */
  similarity: number;
}

const externalEmbeddingsOnly: EmbeddingFunction = {
  name: 'external-embeddings-only',
  generate: async () => {
    throw new Error('the knowledge base passes its own embeddings; Chroma must not compute any');
  },
};

/** A query vector of another length than the collection's: the embedding model changed under its name. */
export class EmbeddingDimensionChangedError extends Error {
  readonly code = 'FV_ERR_EMBEDDING_DIMENSION_CHANGED';
  constructor(
    readonly indexedDimension: number,
    readonly queryDimension: number,
  ) {
    super(`the embedding model now gives ${queryDimension}-dimensional vectors, the index holds ${indexedDimension}: the index must be rebuilt`);
    this.name = 'EmbeddingDimensionChangedError';
  }
}

export function chromaClientFor(url: string): ChromaClient {
  const parsed = new URL(url);
  const ssl = parsed.protocol === 'https:';
  const port = parsed.port === '' ? (ssl ? 443 : 80) : Number(parsed.port);
  return new ChromaClient({ host: parsed.hostname, port, ssl });
}

export interface ChromaStoreOptions {
  url: string;
  embedderName: string;
  /** The length of the embedder's vectors, recorded with the collection; a change rebuilds it. */
  embeddingDimension?: number;
  collectionName?: string;
  logger: KnowledgeLogger;
  /** A vector query slower than this is abandoned; the answer then comes from lexical scoring. */
  queryTimeoutMs?: number;
}

export class ChromaStore {
  readonly collectionName: string;
  private readonly client: ChromaClient;
  private collection: Collection | undefined;
  private readonly queryTimeoutMs: number;
  private embeddingDimension: number | undefined;
  /** Set when a query vector had another length than the collection's; cleared by the next open(). */
  private changedDimension: number | undefined;

  constructor(private readonly options: ChromaStoreOptions) {
    this.collectionName = options.collectionName ?? defaultCollectionName;
    this.client = chromaClientFor(options.url);
    this.queryTimeoutMs = options.queryTimeoutMs ?? 3000;
    this.embeddingDimension = options.embeddingDimension;
  }

  /** The new vector length a query saw, when the embedding model changed since the collection was built. */
  get dimensionChangedTo(): number | undefined {
    return this.changedDimension;
  }

  /** The dimension the next open() expects (measured again before each synchronisation). */
  expectDimension(dimension: number): void {
    this.embeddingDimension = dimension;
  }

  get embedderName(): string {
    return this.options.embedderName;
  }

  /**
   * Opens the collection, creating it when missing. A collection built by another embedder, with vectors
   * of another length (the same model name, a different model behind it) or an older layout is deleted
   * and recreated empty: vectors of two embedders are never mixed.
   * Returns whether it had to be rebuilt.
   */
  async open({ rebuild = false }: { rebuild?: boolean } = {}): Promise<{ rebuilt: boolean; previousEmbedder?: string }> {
    const existing = await this.findCollection();
    this.changedDimension = undefined;
    const previousEmbedder = typeof existing?.metadata?.embedder === 'string' ? existing.metadata.embedder : undefined;
    const previousDimension = typeof existing?.metadata?.dimension === 'number' ? existing.metadata.dimension : undefined;
    const matches =
      existing !== undefined &&
      previousEmbedder === this.embedderName &&
      existing.metadata?.layout === storeLayoutVersion &&
      (this.embeddingDimension === undefined || previousDimension === this.embeddingDimension);
    if (existing && matches && !rebuild) {
      this.collection = existing;
      this.embeddingDimension ??= previousDimension;
      return { rebuilt: false };
    }
    if (existing) {
      this.options.logger.warn(
        {
          component: 'knowledge',
          collection: this.collectionName,
          previousEmbedder,
          embedder: this.embedderName,
          previousDimension,
          dimension: this.embeddingDimension,
          requested: rebuild,
        },
        'rebuilding the vector collection',
      );
      await this.client.deleteCollection({ name: this.collectionName });
    }
    this.collection = await this.client.createCollection({
      name: this.collectionName,
      embeddingFunction: externalEmbeddingsOnly,
      configuration: { hnsw: { space: 'cosine' } },
      metadata: {
        embedder: this.embedderName,
        layout: storeLayoutVersion,
        created: new Date().toISOString(),
        ...(this.embeddingDimension === undefined ? {} : { dimension: this.embeddingDimension }),
      },
    });
    return { rebuilt: existing !== undefined, ...(previousEmbedder === undefined ? {} : { previousEmbedder }) };
  }

  private async findCollection(): Promise<Collection | undefined> {
    try {
      return await this.client.getCollection({ name: this.collectionName, embeddingFunction: externalEmbeddingsOnly });
    } catch (error) {
      if ((error as Error).name === 'ChromaNotFoundError') return undefined;
      throw error;
    }
  }

  private requireCollection(): Collection {
    if (!this.collection) throw new Error('ChromaStore.open() must be called first');
    return this.collection;
  }

  async heartbeat(): Promise<boolean> {
    try {
      await this.client.heartbeat();
      return true;
    } catch {
      return false;
    }
  }

  /** Content hash of every stored chunk, by id. */
  async storedHashes(): Promise<Map<string, string>> {
    const collection = this.requireCollection();
    const hashes = new Map<string, string>();
    const pageSize = 1000;
    for (let offset = 0; ; offset += pageSize) {
      const page = await collection.get({ include: ['metadatas'], limit: pageSize, offset });
      page.ids.forEach((id, index) => {
        const hash = page.metadatas[index]?.hash;
        hashes.set(id, typeof hash === 'string' ? hash : '');
      });
      if (page.ids.length < pageSize) break;
    }
    return hashes;
  }

  async upsert(chunks: readonly KnowledgeChunk[], embeddings: number[][]): Promise<void> {
    if (chunks.length === 0) return;
    const collection = this.requireCollection();
    const metadatas: Metadata[] = chunks.map(
      (chunk): StoredChunkMetadata & Metadata => ({
        slug: chunk.slug,
        title_ro: chunk.titleRo,
        section: chunk.section,
        language: chunk.language,
        kind: chunk.kind,
        hash: chunk.hash,
      }),
    );
    await collection.upsert({ ids: chunks.map((chunk) => chunk.id), embeddings, metadatas, documents: chunks.map((chunk) => chunk.text) });
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.requireCollection().delete({ ids: [...ids] });
  }

  async count(): Promise<number> {
    return this.requireCollection().count();
  }

  /** Nearest chunks to a query vector, best first. Rejects on timeout so the caller can fall back. */
  async query(embedding: number[], limit: number): Promise<VectorMatch[]> {
    const collection = this.requireCollection();
    // Checked here rather than left to Chroma, so the caller can tell "rebuild the index" from "Chroma is down".
    if (this.embeddingDimension !== undefined && embedding.length !== this.embeddingDimension) {
      this.changedDimension = embedding.length;
      throw new EmbeddingDimensionChangedError(this.embeddingDimension, embedding.length);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Chroma query timed out after ${this.queryTimeoutMs} ms`)), this.queryTimeoutMs);
    });
    try {
      const result = await Promise.race([
        // Distances only: the procedure is the first part of the id, and fetching metadata costs Chroma
        // a lookup per result (a third of the query time at 10,000 chunks).
        collection.query({ queryEmbeddings: [embedding], nResults: limit, include: ['distances'] }),
        timeout,
      ]);
      const ids = result.ids[0] ?? [];
      return ids.map((id, index) => ({ id, slug: slugOfChunkId(id), similarity: 1 - (result.distances[0]?.[index] ?? 2) }));
    } finally {
      clearTimeout(timer);
    }
  }
}
