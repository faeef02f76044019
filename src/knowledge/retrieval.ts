import type { Language } from '../language.ts';
import { chunkRedirects, redirectOwner, type KnowledgeChunk } from './chunking.ts';
import type { VectorMatch } from './chroma-store.ts';
import type { Embedder } from './embedder.ts';
import { KeywordMatcher } from './keyword-matcher.ts';
import type { OutOfScopeRedirect, Procedure, RetrievedProcedure, Retrieval } from './knowledge-base.ts';
import { LexicalIndex, type ScoredChunk } from './lexical-index.ts';
import { isLanguageAwareEmbedder } from './offline-embedding.ts';

// Hybrid retrieval: vector search in Chroma and BM25 in memory, fused per procedure; then a decision
// between answering, asking which of two procedures was meant, and saying it is not the town hall's.

export type RetrievalMode = 'hybrid' | 'lexical' | 'vector';

export interface RetrievalSettings {
  mode: RetrievalMode;
  /** Chunks asked of Chroma; several chunks belong to each procedure. */
  vectorCandidates: number;
  /** Weights of the fused score; each part is first scaled to [0, 1] against the best procedure. */
  lexicalWeight: number;
  vectorWeight: number;
  keywordWeight: number;
  /** Below this share of the question found in the best procedure, the question is out of scope. */
  minimumConfidence: number;
  /** A matched redirect wins unless the best procedure covers this much more of the question. */
  redirectMargin: number;
  /** Runner-up at or above this fraction of the best score: ask which one was meant. */
  clarifyRatio: number;
  maximumCandidates: number;
}

export const defaultRetrievalSettings: RetrievalSettings = {
  mode: 'hybrid',
  vectorCandidates: 40,
  lexicalWeight: 0.5,
  vectorWeight: 0.3,
  keywordWeight: 0.2,
  minimumConfidence: 0.3,
  redirectMargin: 0.1,
  clarifyRatio: 0.88,
  maximumCandidates: 5,
};

export type VectorSearch = (embedding: number[], limit: number) => Promise<VectorMatch[]>;

export interface RetrieverOptions {
  procedures: readonly Procedure[];
  chunks: readonly KnowledgeChunk[];
  redirects: readonly OutOfScopeRedirect[];
  embedder: Embedder;
  settings?: Partial<RetrievalSettings>;
}

export interface RetrievalDiagnostics {
  /** Why vector search was not used for this question, when it was not. */
  vectorUnavailable?: string;
  confidence: number;
}

export type DetailedRetrieval = Retrieval & { diagnostics: RetrievalDiagnostics };

interface ProcedureScore {
  slug: string;
  lexical: number;
  vector: number;
  keyword: number;
  combined: number;
  /** Filled only for the procedures shown: with a large knowledge base most are never shown. */
  chunkScores?: Map<string, number>;
}

const excerptLength = 700;
/** The order of `localeCompare`, without building a collator for every comparison. */
const slugOrder = new Intl.Collator();

export class Retriever {
  readonly settings: RetrievalSettings;
  private readonly lexicalIndex: LexicalIndex;
  private readonly procedureKeywords: KeywordMatcher;
  private readonly redirectKeywords: KeywordMatcher;
  private readonly proceduresBySlug: Map<string, Procedure>;
  private readonly chunksById: Map<string, KnowledgeChunk>;
  private readonly redirectsById: Map<string, OutOfScopeRedirect>;

  constructor(private readonly options: RetrieverOptions) {
    this.settings = { ...defaultRetrievalSettings, ...options.settings };
    // Redirects are indexed next to procedures so their words ("pașaport") count as known words
    // and a question can be measured against what another authority handles.
    this.lexicalIndex = new LexicalIndex([...options.chunks, ...chunkRedirects(options.redirects)]);
    const isKnownWord = (token: string) => this.lexicalIndex.hasWord(token);
    this.procedureKeywords = new KeywordMatcher(
      options.procedures.map((procedure) => ({ id: procedure.slug, keywords: procedure.keywords })),
      isKnownWord,
    );
    this.redirectKeywords = new KeywordMatcher(options.redirects, isKnownWord);
    this.proceduresBySlug = new Map(options.procedures.map((procedure) => [procedure.slug, procedure]));
    this.chunksById = new Map(options.chunks.map((chunk) => [chunk.id, chunk]));
    this.redirectsById = new Map(options.redirects.map((redirect) => [redirect.id, redirect]));
  }

  private async searchVectors(question: string, language: Language, vectorSearch: VectorSearch, settings: RetrievalSettings): Promise<VectorMatch[]> {
    return vectorSearch(await this.embedQuestion(question, language), settings.vectorCandidates);
  }

  async embedQuestion(question: string, language: Language): Promise<number[]> {
    const embedder = this.options.embedder;
    const [vector] = isLanguageAwareEmbedder(embedder) ? await embedder.embedInLanguage([question], language) : await embedder.embed([question]);
    if (!vector) throw new Error(`embedder ${embedder.name} returned no vector`);
    return vector;
  }

  /**
   * @param vectorSearch absent or failing: lexical scoring alone answers (Chroma down must not leave
   * the citizen without an answer).
   */
  async retrieve(question: string, language: Language, vectorSearch?: VectorSearch, settingsOverride?: Partial<RetrievalSettings>): Promise<DetailedRetrieval> {
    const settings = settingsOverride ? { ...this.settings, ...settingsOverride } : this.settings;
    const queryTerms = this.lexicalIndex.queryTerms(question, language);
    const scores = new Map<string, ProcedureScore>();
    const scoreFor = (slug: string): ProcedureScore => {
      let score = scores.get(slug);
      if (!score) {
        score = { slug, lexical: 0, vector: 0, keyword: 0, combined: 0 };
        scores.set(slug, score);
      }
      return score;
    };

    // The vector query goes out first: Chroma answers over HTTP while the lexical scoring runs here.
    const vectorMatches = settings.mode !== 'lexical' && vectorSearch ? this.searchVectors(question, language, vectorSearch, settings) : undefined;
    // Handled below; this only keeps an early failure from counting as unhandled meanwhile.
    vectorMatches?.catch(() => undefined);
    // One turn of the event loop lets the request actually leave; the scoring below would hold it back.
    if (vectorMatches) await new Promise((resolve) => setImmediate(resolve));

    // Which chunks matched is only needed for the procedures shown, so it is gathered after ranking.
    const lexicalChunks: ScoredChunk[] = [];
    let bestLexicalChunk = 0;
    if (settings.mode !== 'vector') {
      for (const scored of this.lexicalIndex.scoreChunks(queryTerms)) {
        if (!this.proceduresBySlug.has(scored.chunk.slug)) continue;
        lexicalChunks.push(scored);
        bestLexicalChunk = Math.max(bestLexicalChunk, scored.score);
        const procedureScore = scoreFor(scored.chunk.slug);
        procedureScore.lexical = Math.max(procedureScore.lexical, scored.score);
      }
      for (const match of this.procedureKeywords.match(question, language)) scoreFor(match.owner).keyword = match.size;
    }

    const diagnostics: RetrievalDiagnostics = { confidence: 0 };
    const vectorChunks: VectorMatch[] = [];
    let bestVectorChunk = 0;
    if (settings.mode !== 'lexical') {
      if (!vectorMatches) diagnostics.vectorUnavailable = 'no vector store';
      else {
        try {
          const matches = await vectorMatches;
          bestVectorChunk = Math.max(0, ...matches.map((match) => match.similarity));
          for (const match of matches) {
            if (!this.proceduresBySlug.has(match.slug) || match.similarity <= 0) continue;
            vectorChunks.push(match);
            const procedureScore = scoreFor(match.slug);
            procedureScore.vector = Math.max(procedureScore.vector, match.similarity);
          }
        } catch (error) {
          diagnostics.vectorUnavailable = (error as Error).message;
        }
      }
    }

    const ranked = this.fuse([...scores.values()], settings, diagnostics.vectorUnavailable !== undefined);
    const top = ranked[0];
    const confidence = top ? this.lexicalIndex.coverage(queryTerms, top.slug) : 0;
    diagnostics.confidence = confidence;
    const shown = ranked.slice(0, settings.maximumCandidates);
    const shownBySlug = new Map(shown.map((score) => [score.slug, score]));
    const addChunkScore = (slug: string, id: string, share: number) => {
      const procedureScore = shownBySlug.get(slug);
      if (!procedureScore) return;
      procedureScore.chunkScores ??= new Map();
      procedureScore.chunkScores.set(id, (procedureScore.chunkScores.get(id) ?? 0) + share);
    };
    for (const { chunk, score } of lexicalChunks) addChunkScore(chunk.slug, chunk.id, bestLexicalChunk > 0 ? score / bestLexicalChunk : 0);
    for (const match of vectorChunks) addChunkScore(match.slug, match.id, bestVectorChunk > 0 ? match.similarity / bestVectorChunk : 0);
    const candidates = shown.map((score) => this.describe(score, top!.combined, confidence));

    const redirect = this.matchRedirect(question, language, queryTerms, confidence, top?.keyword ?? 0, settings);
    if (redirect) return { decision: 'out_of_scope', candidates: [], redirect, diagnostics };
    if (!top || confidence < settings.minimumConfidence) return { decision: 'out_of_scope', candidates: [], diagnostics };
    const runnerUp = ranked[1];
    const decision = runnerUp && runnerUp.combined >= settings.clarifyRatio * top.combined ? 'clarify' : 'answer';
    return { decision, candidates, diagnostics };
  }

  /**
   * A question names something another authority handles ("pașaport") when it contains one of the
   * redirect's keywords and no longer keyword of the best procedure; on equal keywords, when the
   * redirect accounts for about as much of the question as that procedure does. So "unde fac
   * pașaport" is redirected and "certificat de naștere pentru pașaport" is not.
   */
  private matchRedirect(
    question: string,
    language: Language,
    queryTerms: ReturnType<LexicalIndex['queryTerms']>,
    procedureCoverage: number,
    topKeywordSize: number,
    settings: RetrievalSettings,
  ): OutOfScopeRedirect | undefined {
    let best: { redirect: OutOfScopeRedirect; coverage: number; size: number } | undefined;
    for (const match of this.redirectKeywords.match(question, language)) {
      const coverage = this.lexicalIndex.coverage(queryTerms, redirectOwner(match.owner));
      if (!best || coverage > best.coverage) best = { redirect: this.redirectsById.get(match.owner)!, coverage, size: match.size };
    }
    if (!best) return undefined;
    // A longer keyword phrase of the procedure ("certificat de naștere" against "pașaport") wins.
    if (topKeywordSize > best.size) return undefined;
    if (topKeywordSize < best.size) return best.redirect;
    return best.coverage >= procedureCoverage - settings.redirectMargin ? best.redirect : undefined;
  }

  private fuse(scores: ProcedureScore[], settings: RetrievalSettings, vectorMissing: boolean): ProcedureScore[] {
    const maximum = (pick: (score: ProcedureScore) => number) => Math.max(0, ...scores.map(pick));
    const bestLexical = maximum((score) => score.lexical);
    const bestVector = maximum((score) => score.vector);
    const bestKeyword = maximum((score) => score.keyword);
    const useLexical = settings.mode !== 'vector';
    const useVector = settings.mode !== 'lexical' && !vectorMissing;
    for (const score of scores) {
      score.combined =
        (useLexical && bestLexical > 0 ? (settings.lexicalWeight * score.lexical) / bestLexical : 0) +
        (useVector && bestVector > 0 ? (settings.vectorWeight * score.vector) / bestVector : 0) +
        (useLexical && bestKeyword > 0 ? (settings.keywordWeight * score.keyword) / bestKeyword : 0);
    }
    return scores.filter((score) => score.combined > 0).sort((left, right) => right.combined - left.combined || slugOrder.compare(left.slug, right.slug));
  }

  private describe(score: ProcedureScore, bestCombined: number, confidence: number): RetrievedProcedure {
    const procedure = this.proceduresBySlug.get(score.slug)!;
    const matchedChunks = [...(score.chunkScores ?? new Map<string, number>()).entries()]
      .sort((left, right) => right[1] - left[1])
      .map(([id]) => this.chunksById.get(id))
      .filter((chunk): chunk is KnowledgeChunk => chunk !== undefined && chunk.kind === 'section')
      .slice(0, 3);
    return {
      procedure,
      score: bestCombined > 0 ? Math.round((score.combined / bestCombined) * confidence * 1000) / 1000 : 0,
      sections: [...new Set(matchedChunks.map((chunk) => chunk.section))],
      excerpts: matchedChunks.map((chunk) => (chunk.text.length > excerptLength ? `${chunk.text.slice(0, excerptLength - 1)}…` : chunk.text)),
    };
  }
}
