import type { Language } from '../language.ts';
import type { Embedder } from './embedder.ts';
import { analyze } from './text-analysis.ts';

// A model-free embedding: hashed features of words, stems and character n-grams. It needs no network
// and no weights, and character n-grams make it forgiving of missing diacritics, typos and the
// Romanian/Hungarian suffixes a stemmer misses ("certifcat", "adeverinta", "engedélyhez").

export const offlineEmbeddingName = 'offline-hash-v1';
export const offlineEmbeddingDimension = 1024;

const featureWeights = { word: 1, stem: 1.5, ngram: 0.35 } as const;
const ngramSizes = [3, 4, 5] as const;

export interface OfflineEmbeddingOptions {
  dimension?: number;
  /** Language used for stemming when a text does not say; documents and questions can both be mixed. */
  language?: Language;
}

/** FNV-1a, 32 bit: fast, stable across platforms and runs, good enough spread for feature hashing. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function characterNgrams(token: string): string[] {
  const padded = `<${token}>`;
  const ngrams: string[] = [];
  for (const size of ngramSizes) {
    for (let start = 0; start + size <= padded.length; start += 1) ngrams.push(padded.slice(start, start + size));
  }
  return ngrams;
}

/** How often each feature occurs in a text; exported so tests can see what the embedding looks at. */
export function textFeatures(text: string, language: Language): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  for (const { token, stem } of analyze(text, language)) {
    add(`w:${token}`);
    add(`s:${stem}`);
    for (const ngram of characterNgrams(token)) add(`g:${ngram}`);
  }
  return counts;
}

function featureWeight(feature: string): number {
  if (feature.startsWith('s:')) return featureWeights.stem;
  if (feature.startsWith('g:')) return featureWeights.ngram;
  return featureWeights.word;
}

export function embedText(text: string, language: Language, dimension: number): number[] {
  const vector = new Float64Array(dimension);
  for (const [feature, count] of textFeatures(text, language)) {
    const hash = fnv1a(feature);
    // The sign bit cancels collisions on average instead of letting every collision add similarity.
    const sign = hash & 0x80000000 ? -1 : 1;
    // Sublinear term frequency: a word repeated ten times is not ten times as relevant.
    vector[hash % dimension]! += sign * featureWeight(feature) * (1 + Math.log(count));
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  return Array.from(vector, (value) => (norm > 0 ? value / norm : 0));
}

export interface OfflineEmbedder extends Embedder {
  readonly dimension: number;
  /** Embeds in a known language, so the right stemmer is used (chunks know their section's language). */
  embedInLanguage(texts: string[], language: Language): Promise<number[][]>;
}

export function createOfflineEmbedder(options: OfflineEmbeddingOptions = {}): OfflineEmbedder {
  const dimension = options.dimension ?? offlineEmbeddingDimension;
  const defaultLanguage = options.language ?? 'ro';
  const name = dimension === offlineEmbeddingDimension ? offlineEmbeddingName : `${offlineEmbeddingName}-${dimension}`;
  return {
    name,
    dimension,
    embed: async (texts) => texts.map((text) => embedText(text, defaultLanguage, dimension)),
    embedInLanguage: async (texts, language) => texts.map((text) => embedText(text, language, dimension)),
  };
}

export function isLanguageAwareEmbedder(embedder: Embedder): embedder is OfflineEmbedder {
  return typeof (embedder as Partial<OfflineEmbedder>).embedInLanguage === 'function';
}
