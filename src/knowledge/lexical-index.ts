import { languages, perLanguage, type Language } from '../language.ts';
import type { KnowledgeChunk } from './chunking.ts';
import { RecentResults } from '../recent-results.ts';
import { boundedEditDistance, typoAllowance } from './edit-distance.ts';
import { analyze, stem } from './text-analysis.ts';

// BM25 over folded, stemmed words, in memory. It does not need Chroma, so the citizen still gets an
// answer while the vector store is down, and it is exact where embeddings are fuzzy (law numbers,
// "DTAC", "ANAF"). Misspelled words are mapped onto the vocabulary of the knowledge base.

export interface QueryTerm {
  /** The word as typed, folded. */
  token: string;
  /** Index terms it may stand for, with how much we trust each reading (1 = exact stem). */
  readings: ReadonlyMap<string, number>;
}

interface IndexedChunk {
  chunk: KnowledgeChunk;
  termWeights: Map<string, number>;
  length: number;
}

/** The chunks containing one term and the term's BM25 weight in each, computed once at build. */
interface Posting {
  positions: Int32Array;
  weights: Float64Array;
}

export interface ScoredChunk {
  chunk: KnowledgeChunk;
  score: number;
}

const bm25 = { k1: 1.2, b: 0.6 } as const;
/** A reading through another language's stemmer is slightly less likely to be what was meant. */
const otherLanguageTrust = 0.9;
const typoTrust = [1, 0.8, 0.6] as const;
const prefixTrust = 0.7;
const sectionOnlyCredit = 0.6;
/** How many words unknown to the knowledge base count against a question, however many it has. */
const unknownWordAllowance = 2;
const minimumSharedPrefix = 5;
/** Distinct question words remembered; a town hall's questions use far fewer. */
const rememberedTokens = 20_000;
/** The shared beginning must cover this much of the shorter word, so "certificat" ≠ "certitudine". */
const sharedPrefixShare = 0.7;
const hungarianVerbPrefixes = ['meg', 'el', 'ki', 'be', 'fel', 'le', 'at', 'ossze', 'vissza', 'ra', 'ide', 'oda', 'szet', 'hozza'];

function lowerBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

export class LexicalIndex {
  private readonly indexed: IndexedChunk[];
  private readonly documentFrequency = new Map<string, number>();
  private readonly averageLength: number;
  /** Folded words of the knowledge base and the index terms they became, for reading typos. */
  private readonly surfaceTerms = new Map<string, Set<string>>();
  private readonly surfaceByLength = new Map<number, string[]>();
  private readonly sortedSurfaces: string[];
  private readonly chunksBySlug = new Map<string, IndexedChunk[]>();
  /** Which chunks contain a term: scoring visits only chunks that share a term with the question. */
  private readonly postings = new Map<string, Posting>();
  /** Per language, keyed by the word itself (a key built per word cost more than the lookup). */
  private readonly readingsByToken: Record<Language, RecentResults<string, ReadonlyMap<string, number>>> = perLanguage(() => new RecentResults(rememberedTokens));
  /** Scratch space of scoreChunks, one slot per chunk, zero between calls (scoring is synchronous). */
  private readonly chunkTotals: Float64Array;
  private readonly termBest: Float64Array;
  readonly maximumIdf: number;

  constructor(chunks: readonly KnowledgeChunk[]) {
    this.indexed = chunks.map((chunk) => {
      const termWeights = new Map<string, number>();
      let length = 0;
      for (const field of chunk.fields) {
        for (const { token, stem: term } of analyze(field.text, chunk.language)) {
          termWeights.set(term, (termWeights.get(term) ?? 0) + field.weight);
          length += 1;
          let terms = this.surfaceTerms.get(token);
          if (!terms) {
            terms = new Set();
            this.surfaceTerms.set(token, terms);
            const sameLength = this.surfaceByLength.get(token.length) ?? [];
            sameLength.push(token);
            this.surfaceByLength.set(token.length, sameLength);
          }
          terms.add(term);
        }
      }
      return { chunk, termWeights, length };
    });
    const containing = new Map<string, number[]>();
    this.indexed.forEach((entry, position) => {
      for (const term of entry.termWeights.keys()) {
        this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
        const positions = containing.get(term) ?? [];
        positions.push(position);
        containing.set(term, positions);
      }
      const forSlug = this.chunksBySlug.get(entry.chunk.slug) ?? [];
      forSlug.push(entry);
      this.chunksBySlug.set(entry.chunk.slug, forSlug);
    });
    this.averageLength = this.indexed.reduce((sum, entry) => sum + entry.length, 0) / Math.max(1, this.indexed.length);
    for (const [term, positions] of containing) {
      const weights = positions.map((position) => {
        const entry = this.indexed[position]!;
        const weight = entry.termWeights.get(term)!;
        return (weight * (bm25.k1 + 1)) / (weight + bm25.k1 * (1 - bm25.b + (bm25.b * entry.length) / this.averageLength));
      });
      this.postings.set(term, { positions: Int32Array.from(positions), weights: Float64Array.from(weights) });
    }
    this.chunkTotals = new Float64Array(this.indexed.length);
    this.termBest = new Float64Array(this.indexed.length);
    this.maximumIdf = this.idfOfFrequency(1);
    this.sortedSurfaces = [...this.surfaceTerms.keys()].sort();
  }

  private idfOfFrequency(frequency: number): number {
    const total = this.indexed.length;
    return Math.log(1 + (total - frequency + 0.5) / (frequency + 0.5));
  }

  idf(term: string): number {
    const frequency = this.documentFrequency.get(term);
    return frequency === undefined ? this.maximumIdf : this.idfOfFrequency(frequency);
  }

  /** Whether a folded word occurs in the indexed texts exactly as written. */
  hasWord(token: string): boolean {
    return this.surfaceTerms.has(token);
  }

  hasTerm(term: string): boolean {
    return this.documentFrequency.has(term);
  }

  /** Reads each content word of a question as one or more index terms. */
  queryTerms(question: string, language: Language, isContextWord: (token: string) => boolean = () => false): QueryTerm[] {
    const terms: QueryTerm[] = [];
    for (const { token } of analyze(question, language)) {
      if (isContextWord(token)) continue;
      terms.push({ token, readings: this.readingsOf(token, language) });
    }
    return terms;
  }

  /**
   * The index terms a word may stand for. It depends on the word alone, and reading a typo compares it
   * with the whole vocabulary (a long message spent a third of its time there): remembered.
   */
  private readingsOf(token: string, language: Language): ReadonlyMap<string, number> {
    return this.readingsByToken[language].get(token, () => this.readingsAnew(token, language));
  }

  private readingsAnew(token: string, language: Language): ReadonlyMap<string, number> {
    const readings = new Map<string, number>();
    const add = (term: string, trust: number) => {
      if (this.documentFrequency.has(term) && (readings.get(term) ?? 0) < trust) readings.set(term, trust);
    };
    // The detected language can be wrong, and people mix languages ("adeverinta APIA kell").
    for (const candidate of languages) add(stem(token, candidate), candidate === language ? 1 : otherLanguageTrust);
    for (const term of this.surfaceTerms.get(token) ?? []) add(term, 1);
    if (readings.size === 0) this.readInflection(token, add);
    if (readings.size === 0) this.readTypo(token, add);
    // Also next to an exact reading: the stemmer often cuts two forms of one word differently.
    this.readSharedPrefix(token, add);
    return readings;
  }

  /** Hungarian verbs take separable prefixes the stemmer keeps: "megszületett", "kiállítani". */
  private readInflection(token: string, add: (term: string, trust: number) => void): void {
    for (const prefix of hungarianVerbPrefixes) {
      if (!token.startsWith(prefix) || token.length - prefix.length < 4) continue;
      const rest = token.slice(prefix.length);
      for (const candidate of languages) add(stem(rest, candidate), prefixTrust);
      for (const term of this.surfaceTerms.get(rest) ?? []) add(term, prefixTrust);
    }
  }

  /**
   * Words the stemmer cannot reduce (Hungarian derivations, "anyakönyveztetni" next to
   * "anyakönyvezés") still share a long beginning with a word of the knowledge base.
   */
  private readSharedPrefix(token: string, add: (term: string, trust: number) => void): void {
    if (token.length < minimumSharedPrefix || /^\d+$/.test(token)) return;
    const start = token.slice(0, minimumSharedPrefix);
    let bestLength = 0;
    let best: string[] = [];
    for (let index = lowerBound(this.sortedSurfaces, start); index < this.sortedSurfaces.length; index += 1) {
      const surface = this.sortedSurfaces[index]!;
      if (!surface.startsWith(start)) break;
      let shared = minimumSharedPrefix;
      while (shared < token.length && shared < surface.length && token[shared] === surface[shared]) shared += 1;
      if (shared < sharedPrefixShare * Math.min(token.length, surface.length)) continue;
      if (shared > bestLength) {
        bestLength = shared;
        best = [];
      }
      if (shared === bestLength) best.push(surface);
    }
    for (const surface of best.slice(0, 4)) for (const term of this.surfaceTerms.get(surface) ?? []) add(term, prefixTrust);
  }

  private readTypo(token: string, add: (term: string, trust: number) => void): void {
    const allowance = typoAllowance(token.length);
    if (allowance === 0 || /^\d+$/.test(token)) return;
    let best = allowance + 1;
    const matches: { surface: string; distance: number }[] = [];
    for (let length = token.length - allowance; length <= token.length + allowance; length += 1) {
      for (const surface of this.surfaceByLength.get(length) ?? []) {
        // A typo rarely hits the first letter; checking it first skips most of the vocabulary.
        if (surface[0] !== token[0]) continue;
        const distance = boundedEditDistance(token, surface, Math.min(best, allowance));
        if (distance > allowance) continue;
        if (distance < best) {
          best = distance;
          matches.length = 0;
        }
        if (distance === best) matches.push({ surface, distance });
      }
    }
    for (const { surface, distance } of matches.slice(0, 4)) {
      for (const term of this.surfaceTerms.get(surface) ?? []) add(term, typoTrust[distance] ?? 0.5);
    }
  }

  /**
   * BM25 score of every chunk that shares a term with the query. Term at a time over the postings:
   * the work grows with how often the question's words occur, not with the size of the index.
   * Each query word counts once, through its best reading in that chunk.
   */
  scoreChunks(queryTerms: readonly QueryTerm[]): ScoredChunk[] {
    const totals = this.chunkTotals;
    const best = this.termBest;
    const touched: number[] = [];
    for (const queryTerm of queryTerms) {
      const touchedByTerm: number[] = [];
      for (const [term, trust] of queryTerm.readings) {
        const posting = this.postings.get(term);
        if (!posting) continue;
        const factor = trust * this.idf(term);
        const { positions, weights } = posting;
        for (let index = 0; index < positions.length; index += 1) {
          const position = positions[index]!;
          const value = factor * weights[index]!;
          if (best[position] === 0) touchedByTerm.push(position);
          if (value > best[position]!) best[position] = value;
        }
      }
      for (const position of touchedByTerm) {
        if (totals[position] === 0) touched.push(position);
        totals[position] = totals[position]! + best[position]!;
        best[position] = 0;
      }
    }
    const scored: ScoredChunk[] = [];
    for (const position of touched) {
      if (totals[position]! > 0) scored.push({ chunk: this.indexed[position]!.chunk, score: totals[position]! });
      totals[position] = 0;
    }
    return scored;
  }

  /**
   * Share of the question's information that a procedure's text accounts for, in [0, 1]: words
   * weighted by rarity, and a word found nowhere in the knowledge base ("Tokyo", "vremea") counts
   * as rare. The basis of the out-of-scope threshold, independent of which embedder is used.
   */
  coverage(queryTerms: readonly QueryTerm[], slug: string): number {
    return this.evidence(queryTerms, slug).share;
  }

  /**
   * `share` as in `coverage`; `mass` the information found, in units of the rarest word's weight: a long
   * message can hold little of a procedure in share and still name it plainly ("certificat de urbanism").
   */
  evidence(queryTerms: readonly QueryTerm[], slug: string): { share: number; mass: number } {
    const entries = this.chunksBySlug.get(slug) ?? [];
    let total = 0;
    let covered = 0;
    let unknownWeight = 0;
    for (const queryTerm of queryTerms) {
      if (queryTerm.readings.size === 0) {
        // A word the knowledge base never uses is evidence against a short question ("vremea în Tokyo"),
        // but a long message is full of them (greetings, family, typos, names): only the first few count.
        unknownWeight = Math.min(unknownWeight + this.maximumIdf, unknownWordAllowance * this.maximumIdf);
        continue;
      }
      // Common words ("acte", "certificat") inform less than rare ones, but never nothing.
      let weight = this.maximumIdf;
      let bestTrust = 0;
      let found = 0;
      for (const [term, trust] of queryTerm.readings) {
        if (trust > bestTrust) {
          bestTrust = trust;
          weight = Math.max(this.idf(term), this.maximumIdf * 0.25);
        }
        for (const entry of entries) {
          if (!entry.termWeights.has(term)) continue;
          // A word of the title, keywords or documents says what the procedure is; a word only met
          // in its explanations ("time", "day") is weaker evidence that the question is about it.
          found = Math.max(found, trust * (entry.chunk.kind === 'section' ? sectionOnlyCredit : 1));
        }
      }
      total += weight;
      covered += weight * found;
    }
    total += unknownWeight;
    return { share: total === 0 ? 0 : covered / total, mass: covered / this.maximumIdf };
  }
}
