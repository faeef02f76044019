import { languages } from '../language.ts';
import type { ExampleQuestion } from './example-questions.ts';
import { ExampleFeatures, type FeatureVector } from './example-features.ts';
import { shuffleWithSeed } from './seeded-shuffle.ts';

// "Az APIA mennyit fizet hektáronként idén? A registrul agricol-os hölgy szerint késik": the nearest example
// questions may each share a word with town-hall business (the agricultural register), but what the
// out-of-scope examples have in common across hundreds of them is learnt by weighing every piece of a word,
// every word, every stem and every pair of neighbouring words at once: asking about someone else's money, the
// joke, the "ignore your rules".
// A logistic regression, trained on the example questions whenever they are read, tells how likely a message
// is one the town hall does not handle. It is trained in a fixed order: the same examples, the same answers;
// no language counts as out of scope in itself (`languageBalance`).

/**
 * Passes over the examples, with steps shrinking pass after pass: the weights settle, so that another order of
 * the examples gives the same refusals (with steps of one size the validation part moved by three messages).
 */
const trainingPasses = 40;
/**
 * The weights kept are the average of those at the end of each pass from this one on: with the weights of the
 * last pass alone, three more examples or another shuffle moved the validation part's out-of-scope refusals by
 * up to 1.4 points; averaged, by 0.2.
 */
const firstAveragedPass = trainingPasses / 2;
const firstStep = 1;
const passesToHalveStep = 5;
/**
 * Examples of each kind needed before the likelihood means anything: learnt from a handful of jokes, every
 * message would look like one. With fewer, the likelihood is 0 and the other rules decide alone.
 */
const fewestExamplesOfEachKind = 100;
/**
 * Keeps a rare word from deciding alone. Stronger than the examples alone would need: with 1e-4 the likelihood
 * learnt the examples' own words and told new messages apart less well (cross-validated on the examples, the
 * area under the ROC curve rose from 0.980 to 0.985 with word pairs and 1e-2).
 */
const weightDecay = 1e-2;
const shuffleSeed = 7;

/**
 * A weight for each example: out-of-scope examples of a language that has more of them (against its in-scope
 * ones) than all languages together count less, down to that common share. Helpers wrote more English jokes
 * and jailbreaks than English questions, and the likelihood learnt that English itself leans out of scope: an
 * English question about the town hall was refused four times as often as a Romanian one. A language with
 * fewer out-of-scope examples is left as it is: its citizens are not made more suspect either.
 */
export function languageBalance(examples: readonly ExampleQuestion[]): number[] {
  const count = (language: string | undefined, outOfScope: boolean) =>
    examples.filter((example) => (language === undefined || example.language === language) && (example.expected.length === 0) === outOfScope).length;
  const overall = count(undefined, true) / Math.max(1, count(undefined, false));
  const weightOf = new Map(
    languages.map((language) => {
      const own = count(language, true) / Math.max(1, count(language, false));
      return [language, own > overall ? overall / own : 1];
    }),
  );
  return examples.map((example) => (example.expected.length === 0 ? (weightOf.get(example.language) ?? 1) : 1));
}

export class OutOfScopeClassifier {
  private readonly coefficients: Float64Array;
  private intercept = 0;
  private readonly trained: boolean;

  /** @param features learnt from the same examples, in the same order (shared with the reading of the procedure). */
  constructor(
    examples: readonly ExampleQuestion[],
    private readonly features: ExampleFeatures = new ExampleFeatures(examples.map((example) => example.question)),
  ) {
    const outOfScopeCount = examples.filter((example) => example.expected.length === 0).length;
    this.trained = Math.min(outOfScopeCount, examples.length - outOfScopeCount) >= fewestExamplesOfEachKind;
    this.coefficients = new Float64Array(this.trained ? features.size : 0);
    if (!this.trained) return;
    this.train(
      features.exampleVectors,
      examples.map((example) => (example.expected.length === 0 ? 1 : 0)),
      languageBalance(examples),
    );
  }

  /** From 0 to 1: how likely the message is not the town hall's business; 0 with too few examples to learn from. */
  likelihood(message: string): number {
    if (!this.trained) return 0;
    return this.likelihoodOf(this.features.vectorOf(message));
  }

  private likelihoodOf({ features, weights }: FeatureVector): number {
    let sum = this.intercept;
    for (let position = 0; position < features.length; position += 1) sum += this.coefficients[features[position]!]! * weights[position]!;
    return 1 / (1 + Math.exp(-sum));
  }

  /** Stochastic gradient descent on the log loss, the examples shuffled each pass from a fixed seed; the last passes averaged. */
  private train(vectors: readonly FeatureVector[], outOfScope: readonly number[], exampleWeights: readonly number[]): void {
    // All vectors in two flat arrays: the inner loops below run tens of millions of times at every load.
    const offsets = new Int32Array(vectors.length + 1);
    for (const [index, vector] of vectors.entries()) offsets[index + 1] = offsets[index]! + vector.features.length;
    const features = new Int32Array(offsets[vectors.length]!);
    const weights = new Float64Array(offsets[vectors.length]!);
    for (const [index, vector] of vectors.entries()) {
      features.set(vector.features, offsets[index]!);
      weights.set(vector.weights, offsets[index]!);
    }
    const coefficients = this.coefficients;
    const order = Int32Array.from(vectors.keys());
    let seed = shuffleSeed;
    const summed = new Float64Array(coefficients.length);
    let summedIntercept = 0;
    for (let pass = 0; pass < trainingPasses; pass += 1) {
      seed = shuffleWithSeed(order, seed);
      const step = firstStep / (1 + pass / passesToHalveStep);
      for (const example of order) {
        const from = offsets[example]!;
        const to = offsets[example + 1]!;
        let sum = this.intercept;
        for (let position = from; position < to; position += 1) sum += coefficients[features[position]!]! * weights[position]!;
        const error = (outOfScope[example]! - 1 / (1 + Math.exp(-sum))) * exampleWeights[example]!;
        this.intercept += step * error;
        for (let position = from; position < to; position += 1) {
          const feature = features[position]!;
          coefficients[feature] = coefficients[feature]! + step * (error * weights[position]! - weightDecay * coefficients[feature]!);
        }
      }
      if (pass < firstAveragedPass) continue;
      for (let feature = 0; feature < coefficients.length; feature += 1) summed[feature]! += coefficients[feature]!;
      summedIntercept += this.intercept;
    }
    const averagedPasses = trainingPasses - firstAveragedPass;
    for (let feature = 0; feature < coefficients.length; feature += 1) coefficients[feature] = summed[feature]! / averagedPasses;
    this.intercept = summedIntercept / averagedPasses;
  }
}
