import type { ExampleQuestion } from './example-questions.ts';
import type { ExampleFeatures, FeatureVector } from './example-features.ts';
import { shuffleWithSeed } from './seeded-shuffle.ts';

// "I keep bees and a few sheep. How do I get a producer certificate, and do I also need to register the animals
// in the agricultural register?": the words found the producer's certificate, and the register's certificate
// second; the five nearest example questions may each share another word with the message. What all the
// example questions answered with one procedure have in common is learnt at once by a logistic regression over
// every procedure (and the town hall's own facts), weighing each piece of a word, word, stem and pair of words
// against all the others. Read on the validation part, it names an expected answer first for 95 of 100
// in-scope messages, where the nearest examples' vote does for 92.
// Trained in a fixed order: the same examples give the same readings.

/** Passes over the examples, with steps shrinking pass after pass; the weights of the later half are averaged. */
const trainingPasses = 10;
const firstAveragedPass = trainingPasses / 2;
const firstStep = 1;
const passesToHalveStep = 5;
/** Keeps a rare word from deciding alone. */
const weightDecay = 1e-3;
/**
 * An answer the model already gives this close to what the example asks is left as it is: after the first
 * passes most answers of most examples are, and skipping them makes learning several times faster (read on
 * the validation part as well as with 0.001).
 */
const settledError = 1e-2;
const shuffleSeed = 11;
/** In-scope examples needed before the reading means anything; with fewer it reads nothing. */
const fewestExamples = 100;

/** An answer (a procedure's slug or "town-hall") and how likely the message asks it, from 0 to 1. */
export interface ProcedureReading {
  answer: string;
  probability: number;
}

export class ProcedureClassifier {
  private readonly answers: string[];
  /** Per feature, one weight per answer: feature f's weights are at f × answers to (f + 1) × answers. */
  private readonly weights: Float32Array;
  private readonly biases: Float64Array;

  /** @param features learnt from the same examples, in the same order. */
  constructor(
    examples: readonly ExampleQuestion[],
    private readonly features: ExampleFeatures,
  ) {
    const inScope = [...examples.keys()].filter((index) => examples[index]!.expected.length > 0);
    const trained = inScope.length >= fewestExamples;
    this.answers = trained ? [...new Set(inScope.flatMap((index) => examples[index]!.expected))] : [];
    this.weights = new Float32Array(this.answers.length > 1 ? features.size * this.answers.length : 0);
    this.biases = new Float64Array(this.answers.length);
    if (this.answers.length < 2) return;
    const answerNumbers = new Map(this.answers.map((answer, number) => [answer, number]));
    this.train(
      inScope.map((index) => features.exampleVectors[index]!),
      inScope.map((index) => examples[index]!.expected.map((answer) => answerNumbers.get(answer)!)),
    );
  }

  /** The two likeliest answers, best first; none while there were too few examples to learn from. */
  read(message: string): ProcedureReading[] {
    if (this.weights.length === 0) return [];
    const probabilities = this.probabilities(this.features.vectorOf(message), new Float64Array(this.answers.length));
    const ranked = [...probabilities.keys()].sort((left, right) => probabilities[right]! - probabilities[left]!).slice(0, 2);
    return ranked.map((number) => ({ answer: this.answers[number]!, probability: probabilities[number]! }));
  }

  /** Softmax of the answers' scores, written into `into`. */
  private probabilities({ features, weights }: FeatureVector, into: Float64Array): Float64Array {
    const count = this.answers.length;
    into.set(this.biases);
    for (let position = 0; position < features.length; position += 1) {
      const base = features[position]! * count;
      const weight = weights[position]!;
      for (let answer = 0; answer < count; answer += 1) into[answer]! += this.weights[base + answer]! * weight;
    }
    let highest = -Infinity;
    for (const score of into) highest = Math.max(highest, score);
    let sum = 0;
    for (let answer = 0; answer < count; answer += 1) {
      into[answer] = Math.exp(into[answer]! - highest);
      sum += into[answer]!;
    }
    for (let answer = 0; answer < count; answer += 1) into[answer]! /= sum;
    return into;
  }

  /** Stochastic gradient descent on the cross-entropy, an example of several answers giving each an equal share. */
  private train(vectors: readonly FeatureVector[], answersOf: readonly number[][]): void {
    const count = this.answers.length;
    const probabilities = new Float64Array(count);
    const target = new Float64Array(count);
    const summed = new Float64Array(this.weights.length);
    const summedBiases = new Float64Array(count);
    const order = Int32Array.from(vectors.keys());
    let seed = shuffleSeed;
    for (let pass = 0; pass < trainingPasses; pass += 1) {
      seed = shuffleWithSeed(order, seed);
      const step = firstStep / (1 + pass / passesToHalveStep);
      for (const example of order) {
        const vector = vectors[example]!;
        const answers = answersOf[example]!;
        target.fill(0);
        for (const answer of answers) target[answer]! += 1 / answers.length;
        this.probabilities(vector, probabilities);
        for (let answer = 0; answer < count; answer += 1) {
          const error = target[answer]! - probabilities[answer]!;
          if (Math.abs(error) < settledError) continue;
          this.biases[answer]! += step * error;
          for (let position = 0; position < vector.features.length; position += 1) {
            const at = vector.features[position]! * count + answer;
            this.weights[at] = this.weights[at]! + step * (error * vector.weights[position]! - weightDecay * this.weights[at]!);
          }
        }
      }
      if (pass < firstAveragedPass) continue;
      for (let at = 0; at < summed.length; at += 1) summed[at]! += this.weights[at]!;
      for (let answer = 0; answer < count; answer += 1) summedBiases[answer]! += this.biases[answer]!;
    }
    const averagedPasses = trainingPasses - firstAveragedPass;
    for (let at = 0; at < summed.length; at += 1) this.weights[at] = summed[at]! / averagedPasses;
    for (let answer = 0; answer < count; answer += 1) this.biases[answer] = summedBiases[answer]! / averagedPasses;
  }
}
