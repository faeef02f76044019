import type { LanguageModel } from '../llm/language-model.ts';

/** Turns texts into vectors. The name is stored with the index, so vectors of two embedders never mix. */
export interface Embedder {
  /** e.g. "offline-hash-v1" or "ollama:bge-m3"; changing it rebuilds the index. */
  readonly name: string;
  readonly dimension?: number;
  embed(texts: string[]): Promise<number[][]>;
}

/** Wraps a language model's embedding endpoint (e.g. Ollama's bge-m3) as an Embedder. */
export function embedderFromLanguageModel(languageModel: Pick<LanguageModel, 'embed'>, name: string): Embedder {
  return {
    name,
    embed: (texts) => languageModel.embed(texts),
  };
}

/**
 * The length of the embedder's vectors: declared by the offline embedding, measured with one probe for a
 * model (Ollama's bge-m3 can be replaced by a model of another size under the same name).
 */
export async function measureEmbeddingDimension(embedder: Embedder): Promise<number> {
  if (embedder.dimension !== undefined) return embedder.dimension;
  const [vector] = await embedder.embed(['dimension probe']);
  if (!vector || vector.length === 0) throw new Error(`embedder ${embedder.name} returned no vector`);
  return vector.length;
}
