import { languages } from '../language.ts';
import { RecentResults } from '../recent-results.ts';
import { forEachPieceOfWord, stem, tokenize } from './text-analysis.ts';

// What the classifiers learnt from the example questions see of a text: every piece of four and five letters
// of each word, the word, its stem in each language and each pair of neighbouring words, weighed by TF-IDF.
// Numbered once from the examples: the out-of-scope likelihood and the reading of the procedure share them.

const smallestPiece = 4;
const largestPiece = 5;

/** Words whose known features are remembered between messages; the memory is emptied when full. */
const rememberedWords = 20_000;

/** Features by number with their TF-IDF weights, of length 1. */
export interface FeatureVector {
  features: number[];
  weights: number[];
}

/**
 * Every piece of four and five letters of a word (padded with spaces), the whole word, and its stem in each
 * language. Pieces of three letters joined unrelated words ("bizonyítvány" and "jogosítvány" share "ítv").
 */
function forEachFeatureOfWord(word: string, visit: (feature: string) => void): void {
  forEachPieceOfWord(word, smallestPiece, largestPiece, visit);
  visit(`word:${word}`);
  for (const language of languages) visit(`${language}:${stem(word, language)}`);
}

export class ExampleFeatures {
  private readonly featureNumbers = new Map<string, number>();
  private readonly inverseFrequency: Float64Array;
  /** The vector of each text learnt from, in order. */
  readonly exampleVectors: readonly FeatureVector[];
  /** A message's words are mostly words asked before: their features are looked up once. */
  private readonly featuresByWord = new RecentResults<string, readonly number[]>(rememberedWords);
  /** Both classifiers read the same message in turn. */
  private lastVector: { message: string; vector: FeatureVector } | undefined;

  constructor(texts: readonly string[]) {
    // Most words recur across the examples: their pieces and stems are worked out once.
    const learnt = new Map<string, readonly number[]>();
    const counted = texts.map((text) =>
      this.countFeatures(
        text,
        (word) => learnt.get(word) ?? learnt.set(word, this.learnFeatures(word)).get(word)!,
        (pair) => this.numberOf(pair),
      ),
    );
    const frequency = new Int32Array(this.featureNumbers.size);
    for (const counts of counted) for (const feature of counts.keys()) frequency[feature]! += 1;
    const total = Math.max(1, texts.length);
    this.inverseFrequency = Float64Array.from(frequency, (count) => Math.log(total / (1 + count)) + 1);
    this.exampleVectors = counted.map((counts) => this.vectorOfCounts(counts));
  }

  /** How many features the examples have. */
  get size(): number {
    return this.inverseFrequency.length;
  }

  /** A feature no example had is left out: it has no weight to add. */
  vectorOf(message: string): FeatureVector {
    if (this.lastVector?.message === message) return this.lastVector.vector;
    const counts = this.countFeatures(
      message,
      (word) => this.knownFeatures(word),
      (pair) => this.featureNumbers.get(pair),
    );
    const vector = this.vectorOfCounts(counts);
    this.lastVector = { message, vector };
    return vector;
  }

  /**
   * @param pairFeature the number of a pair of neighbouring words ("la notar", "kell fizetni", "my ex"), which
   * tells what a word means next to another; undefined when no example had it.
   */
  private countFeatures(text: string, featuresOf: (word: string) => readonly number[], pairFeature: (pair: string) => number | undefined): Map<number, number> {
    const counts = new Map<number, number>();
    const add = (feature: number) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
    let previous: string | undefined;
    for (const word of tokenize(text)) {
      for (const feature of featuresOf(word)) add(feature);
      if (previous !== undefined) {
        const pair = pairFeature(`pair:${previous} ${word}`);
        if (pair !== undefined) add(pair);
      }
      previous = word;
    }
    return counts;
  }

  private learnFeatures(word: string): number[] {
    const features: number[] = [];
    forEachFeatureOfWord(word, (feature) => features.push(this.numberOf(feature)));
    return features;
  }

  /** A feature's number, the next free one when it is new. */
  private numberOf(feature: string): number {
    let number = this.featureNumbers.get(feature);
    if (number === undefined) {
      number = this.featureNumbers.size;
      this.featureNumbers.set(feature, number);
    }
    return number;
  }

  private knownFeatures(word: string): readonly number[] {
    return this.featuresByWord.get(word, () => {
      const features: number[] = [];
      forEachFeatureOfWord(word, (feature) => {
        const number = this.featureNumbers.get(feature);
        if (number !== undefined) features.push(number);
      });
      return features;
    });
  }

  private vectorOfCounts(counts: Map<number, number>): FeatureVector {
    const features = [...counts.keys()];
    const weights = features.map((feature) => (1 + Math.log(counts.get(feature)!)) * this.inverseFrequency[feature]!);
    const norm = Math.sqrt(weights.reduce((sum, weight) => sum + weight * weight, 0));
    return { features, weights: norm > 0 ? weights.map((weight) => weight / norm) : weights };
  }
}
