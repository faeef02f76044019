import { z } from 'zod';
import { languages, type Language } from '../language.ts';
import { RecentResults } from '../recent-results.ts';
import { forEachPieceOfWord, tokenize } from './text-analysis.ts';
import { ExampleFeatures } from './example-features.ts';
import { OutOfScopeClassifier } from './out-of-scope-classifier.ts';
import { ProcedureClassifier, type ProcedureReading } from './procedure-classifier.ts';

// Questions citizens really asked, each with the procedures that answer it (none: not the town hall's
// business). Keywords and life events name what a question is about; a message written in nobody's
// words yet ("am vândut Golful vechi, trebuie scos de pe numele meu?") is often still close to one
// asked before. Likeness is measured on pieces of words (three to five letters), so that typos, missing
// diacritics and Hungarian endings still meet: "hazadot" shares "haz" and "aza" with "házad".

/** In the knowledge directory, one JSON object a line. */
export const exampleQuestionsFile = 'example-questions.jsonl';

/** The answer of an example about the town hall itself (hours, address…) rather than a procedure. */
export const townHallAnswer = 'town-hall';

export interface ExampleQuestion {
  question: string;
  language: Language;
  /** Procedure slugs (or "town-hall") that answer it, best first; empty when it is out of scope. */
  expected: string[];
}

/** What the questions most like a message were answered with. */
export interface ExampleVote {
  /** A procedure slug, "town-hall", or null: the nearest questions were out of scope. */
  answer: string | null;
  /** Likeness of the nearest question, from 0 (nothing shared) to 1 (the same words). */
  similarity: number;
  /** Share of the nearest questions' likeness that went to this answer, from 0 to 1. */
  share: number;
}

export const exampleQuestionSchema = z.object({
  question: z.string().trim().min(1).max(4000),
  language: z.enum(languages),
  expected: z.array(z.string().min(1)),
});

const smallestPiece = 3;
const largestPiece = 5;
/** How many of the nearest questions vote. */
const voters = 5;

/** Words whose pieces are remembered between messages; the memory is emptied when full. */
const rememberedWords = 20_000;

/** A word's pieces in order: the number of each one the examples have, the others as written. */
type WordPieces = readonly (number | string)[];

/** Pieces (by number) and how often each occurs in one text. */
interface PieceCounts {
  pieces: number[];
  counts: number[];
}

/** TF-IDF vectors of word pieces, with an inverted index: a message is compared only with questions sharing a piece. */
export class ExampleQuestionIndex {
  private readonly pieceNumbers = new Map<string, number>();
  private readonly inverseFrequency: Float64Array;
  /**
   * Per piece, the examples holding it and the piece's weight in each (vectors of length 1): piece p's
   * postings are at postingStarts[p] to postingStarts[p + 1] of the two flat arrays, which a long message
   * walks about a hundred thousand times.
   */
  private readonly postingStarts: Int32Array;
  private readonly postingExamples: Int32Array;
  private readonly postingWeights: Float64Array;
  private readonly answers: (string | null)[][];
  private readonly unseenPieceWeight: number;
  private readonly piecesByWord = new RecentResults<string, WordPieces>(rememberedWords);
  private lastLikelihood: { message: string; likelihood: number } | undefined;

  private readonly examples: readonly ExampleQuestion[];
  private classifiers: { outOfScope: OutOfScopeClassifier; procedure: ProcedureClassifier } | undefined;
  private lastReading: { message: string; readings: ProcedureReading[] } | undefined;

  constructor(examples: readonly ExampleQuestion[]) {
    this.examples = examples;
    this.answers = examples.map((example) => (example.expected.length > 0 ? example.expected : [null]));
    // Most words recur across the examples: their pieces are numbered once.
    const learnt = new Map<string, readonly number[]>();
    const counted = examples.map((example) => this.countLearntPieces(example.question, (word) => learnt.get(word) ?? learnt.set(word, this.learnPieces(word)).get(word)!));
    const frequency = new Int32Array(this.pieceNumbers.size);
    for (const { pieces } of counted) for (const piece of pieces) frequency[piece]! += 1;
    const total = Math.max(1, examples.length);
    this.unseenPieceWeight = Math.log(total) + 1;
    this.inverseFrequency = Float64Array.from(frequency, (count) => Math.log(total / (1 + count)) + 1);
    this.postingStarts = new Int32Array(frequency.length + 1);
    for (let piece = 0; piece < frequency.length; piece += 1) this.postingStarts[piece + 1] = this.postingStarts[piece]! + frequency[piece]!;
    this.postingExamples = new Int32Array(this.postingStarts[frequency.length]!);
    this.postingWeights = new Float64Array(this.postingStarts[frequency.length]!);
    const filled = this.postingStarts.slice(0, frequency.length);
    for (const [index, counts] of counted.entries()) {
      const weights = this.normalizedWeights(counts);
      for (const [position, piece] of counts.pieces.entries()) {
        const at = filled[piece]!;
        this.postingExamples[at] = index;
        this.postingWeights[at] = weights[position]!;
        filled[piece] = at + 1;
      }
    }
  }

  get size(): number {
    return this.answers.length;
  }

  private learnPieces(word: string): number[] {
    const pieces: number[] = [];
    forEachPieceOfWord(word, smallestPiece, largestPiece, (piece) => {
      let number = this.pieceNumbers.get(piece);
      if (number === undefined) {
        number = this.pieceNumbers.size;
        this.pieceNumbers.set(piece, number);
      }
      pieces.push(number);
    });
    return pieces;
  }

  private countLearntPieces(text: string, piecesOf: (word: string) => readonly number[]): PieceCounts {
    const local = new Map<number, number>();
    for (const word of tokenize(text)) for (const piece of piecesOf(word)) local.set(piece, (local.get(piece) ?? 0) + 1);
    return { pieces: [...local.keys()], counts: [...local.values()] };
  }

  /** A piece never seen in an example gets number -1 - k (it weighs in the message's length, matches nothing). */
  private countPieces(text: string): PieceCounts {
    const local = new Map<number, number>();
    const unseen = new Map<string, number>();
    for (const word of tokenize(text)) {
      for (const piece of this.piecesOfWord(word)) {
        let number: number;
        if (typeof piece === 'number') number = piece;
        else {
          number = unseen.get(piece) ?? -1 - unseen.size;
          unseen.set(piece, number);
        }
        local.set(number, (local.get(number) ?? 0) + 1);
      }
    }
    return { pieces: [...local.keys()], counts: [...local.values()] };
  }

  /** A message's words are mostly words asked before: their pieces are looked up once. */
  private piecesOfWord(word: string): WordPieces {
    return this.piecesByWord.get(word, () => {
      const pieces: (number | string)[] = [];
      forEachPieceOfWord(word, smallestPiece, largestPiece, (piece) => pieces.push(this.pieceNumbers.get(piece) ?? piece));
      return pieces;
    });
  }

  private normalizedWeights({ pieces, counts }: PieceCounts): number[] {
    const weights = pieces.map((piece, position) => (1 + Math.log(counts[position]!)) * (piece >= 0 ? this.inverseFrequency[piece]! : this.unseenPieceWeight));
    const norm = Math.sqrt(weights.reduce((sum, weight) => sum + weight * weight, 0));
    return norm > 0 ? weights.map((weight) => weight / norm) : weights;
  }

  /**
   * Trains the out-of-scope likelihood and the reading of the procedure, once: about three seconds for four
   * thousand examples, which a start or a reload leaves to the first question (most of what the CLI and the
   * clerks do never asks one) and the server does before it listens.
   */
  prepare(): void {
    this.learnt();
  }

  private learnt(): { outOfScope: OutOfScopeClassifier; procedure: ProcedureClassifier } {
    if (!this.classifiers) {
      const features = new ExampleFeatures(this.examples.map((example) => example.question));
      this.classifiers = { outOfScope: new OutOfScopeClassifier(this.examples, features), procedure: new ProcedureClassifier(this.examples, features) };
    }
    return this.classifiers;
  }

  /** From 0 to 1: how likely the message is, judging by all the examples, not the town hall's business. */
  outOfScopeLikelihood(message: string): number {
    // Worked out while Chroma answers, then asked for again by the rules that need it.
    if (this.lastLikelihood?.message !== message) this.lastLikelihood = { message, likelihood: this.learnt().outOfScope.likelihood(message) };
    return this.lastLikelihood.likelihood;
  }

  /** The two answers most likely asked, judging by all the example questions at once; none with too few of them. */
  readProcedure(message: string): ProcedureReading[] {
    if (this.lastReading?.message !== message) this.lastReading = { message, readings: this.learnt().procedure.read(message) };
    return this.lastReading.readings;
  }

  /** The answer the nearest example questions agree on most, or undefined when none shares anything. */
  vote(message: string): ExampleVote | undefined {
    if (this.answers.length === 0) return undefined;
    const similarities = new Float64Array(this.answers.length);
    const counts = this.countPieces(message);
    const weights = this.normalizedWeights(counts);
    const { postingStarts, postingExamples, postingWeights } = this;
    for (let position = 0; position < counts.pieces.length; position += 1) {
      const piece = counts.pieces[position]!;
      if (piece < 0) continue;
      const weight = weights[position]!;
      const end = postingStarts[piece + 1]!;
      for (let at = postingStarts[piece]!; at < end; at += 1) similarities[postingExamples[at]!]! += weight * postingWeights[at]!;
    }
    const nearest: { index: number; similarity: number }[] = [];
    for (let index = 0; index < similarities.length; index += 1) {
      const similarity = similarities[index]!;
      if (similarity <= 0) continue;
      if (nearest.length < voters) nearest.push({ index, similarity });
      else if (similarity > nearest[voters - 1]!.similarity) nearest[voters - 1] = { index, similarity };
      else continue;
      nearest.sort((left, right) => right.similarity - left.similarity);
    }
    if (nearest.length === 0) return undefined;
    const tally = new Map<string | null, number>();
    let cast = 0;
    for (const { index, similarity } of nearest) {
      const answers = this.answers[index]!;
      for (const answer of answers) tally.set(answer, (tally.get(answer) ?? 0) + similarity / answers.length);
      cast += similarity;
    }
    let best: { answer: string | null; weight: number } | undefined;
    for (const [answer, weight] of tally) if (!best || weight > best.weight) best = { answer, weight };
    return { answer: best!.answer, similarity: nearest[0]!.similarity, share: best!.weight / cast };
  }
}

let lastIndexed: { key: string; index: ExampleQuestionIndex } | undefined;

/**
 * The index of these examples, built once: building it (and training the out-of-scope likelihood) takes
 * about a second, and a reload, a procedure published in the editor or a second app in the same process
 * (the CLI, a test) usually reads the same examples again. The index never changes once built.
 */
export function indexExampleQuestions(examples: readonly ExampleQuestion[]): ExampleQuestionIndex {
  const key = JSON.stringify(examples);
  if (lastIndexed?.key !== key) lastIndexed = { key, index: new ExampleQuestionIndex(examples) };
  return lastIndexed.index;
}

/** Parses the lines of example-questions.jsonl; a broken line is reported by its number and skipped. */
export function parseExampleQuestions(content: string): { examples: ExampleQuestion[]; problems: { line: number; message: string }[] } {
  const examples: ExampleQuestion[] = [];
  const problems: { line: number; message: string }[] = [];
  for (const [index, text] of content.split('\n').entries()) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      problems.push({ line: index + 1, message: 'not a JSON object' });
      continue;
    }
    const parsed = exampleQuestionSchema.safeParse(value);
    if (!parsed.success) {
      problems.push({ line: index + 1, message: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ') });
      continue;
    }
    examples.push(parsed.data);
  }
  return { examples, problems };
}
