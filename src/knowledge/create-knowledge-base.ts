import type { Config } from '../config.ts';
import type { Language } from '../language.ts';
import { startChromaServer, type ChromaServer } from './chroma-server.ts';
import { ChromaStore } from './chroma-store.ts';
import { chunkProcedures, type KnowledgeChunk } from './chunking.ts';
import { measureEmbeddingDimension, type Embedder } from './embedder.ts';
import { ingestChunks, type IngestCounts, type IngestProgressListener } from './ingest.ts';
import type { KnowledgeBase, KnowledgeReload, Procedure, Retrieval, TownHall } from './knowledge-base.ts';
import { indexExampleQuestions, type ExampleQuestionIndex } from './example-questions.ts';
import { formatProblem, loadKnowledge, type KnowledgeProblem, type LoadedKnowledge } from './knowledge-loader.ts';
import type { KnowledgeLogger } from './knowledge-logger.ts';
import { watchKnowledge } from './knowledge-watcher.ts';
import { createOfflineEmbedder } from './offline-embedding.ts';
import { Retriever, type DetailedRetrieval, type RetrievalSettings } from './retrieval.ts';

// Wires loader, Chroma (supervised or external), incremental ingest and retrieval into the
// KnowledgeBase the conversation pipeline uses. Chroma being down degrades answers to lexical
// retrieval and marks the knowledge base not ready; it never fails a question.

export interface CreateKnowledgeBaseOptions {
  config: Config;
  logger: KnowledgeLogger;
  /** Defaults to the offline embedding; pass an Ollama-backed one to use a real model. */
  embedder?: Embedder;
  retrievalSettings?: Partial<RetrievalSettings>;
  /** How long start-up waits for Chroma before serving with lexical retrieval only. */
  chromaStartTimeoutMs?: number;
  /** Watch KNOWLEDGE_DIR and reload when a file changes by hand (default true). */
  watch?: boolean;
  /**
   * Runs an ingest so that one instance at a time writes to a shared Chroma (CHROMA_URL): the others wait,
   * then find every chunk unchanged and reuse the index. Default: run it at once.
   */
  exclusiveIngest?: <T>(ingest: () => Promise<T>) => Promise<T>;
}

/** The KnowledgeBase plus what the CLI, the evaluation and the tests need to look inside. */
export interface KnowledgeBaseService extends KnowledgeBase {
  retrieveDetailed(question: string, language: Language, settings?: Partial<RetrievalSettings>): Promise<DetailedRetrieval>;
  problems(): KnowledgeProblem[];
  chunks(): readonly KnowledgeChunk[];
  /** Brings Chroma up to date with the loaded content; resolves with what changed. */
  synchronize(): Promise<IngestCounts | undefined>;
  /** The supervised server, when CHROMA_URL is unset. */
  chromaServer(): ChromaServer | undefined;
  chromaUrl(): string;
}

const fallbackTownHall = (config: Config): TownHall => ({
  name: { ro: config.townHallName, hu: config.townHallName, en: config.townHallName },
  address: '',
  phone: '',
  email: '',
  website: '',
  timezone: 'Europe/Bucharest',
  hours: [],
  departments: [],
  villages: [],
  topics: [],
  toConfirm: [],
});

function reportProblems(problems: readonly KnowledgeProblem[], logger: KnowledgeLogger): void {
  for (const problem of problems) {
    const log = problem.severity === 'error' ? logger.error.bind(logger) : logger.warn.bind(logger);
    log({ component: 'knowledge', file: problem.file, line: problem.line }, formatProblem(problem));
  }
}

function skippedFileCount(problems: readonly KnowledgeProblem[]): number {
  return new Set(problems.filter((problem) => problem.severity === 'error').map((problem) => problem.file)).size;
}

async function connectChroma(config: Config, logger: KnowledgeLogger): Promise<{ url: string; server?: ChromaServer }> {
  if (config.chroma.url) return { url: config.chroma.url.replace(/\/+$/, '') };
  const server = await startChromaServer({ dataDirectory: config.chroma.dataDirectory, port: config.chroma.port, logger });
  return { url: server.url, server };
}

/** Everything read from the files at one moment; a reload builds a new one and swaps it in whole. */
interface KnowledgeState {
  loaded: LoadedKnowledge;
  chunks: KnowledgeChunk[];
  townHall: TownHall;
  /** Built once per reading of the files: a procedure previewed in the editor reuses it. */
  examples: ExampleQuestionIndex;
  retriever: Retriever;
  proceduresBySlug: Map<string, Procedure>;
}

function buildRetriever(
  loaded: LoadedKnowledge,
  procedures: Procedure[],
  townHall: TownHall,
  examples: ExampleQuestionIndex,
  embedder: Embedder,
  settings: Partial<RetrievalSettings> | undefined,
): { retriever: Retriever; chunks: KnowledgeChunk[] } {
  const chunks = chunkProcedures(procedures);
  const retriever = new Retriever({
    procedures,
    chunks,
    redirects: loaded.outOfScope,
    lifeEvents: loaded.lifeEvents,
    abroadWords: loaded.abroadWords,
    refusals: loaded.refusals,
    examples,
    townHall,
    embedder,
    ...(settings ? { settings } : {}),
  });
  return { retriever, chunks };
}

async function readKnowledgeState(
  config: Config,
  logger: KnowledgeLogger,
  embedder: Embedder,
  settings: Partial<RetrievalSettings> | undefined,
): Promise<KnowledgeState> {
  const loaded = await loadKnowledge(config.knowledgeDirectory);
  reportProblems(loaded.problems, logger);
  const townHall = loaded.townHall ?? fallbackTownHall(config);
  const examples = indexExampleQuestions(loaded.examples);
  const { retriever, chunks } = buildRetriever(loaded, loaded.procedures, townHall, examples, embedder, settings);
  return { loaded, chunks, townHall, examples, retriever, proceduresBySlug: new Map(loaded.procedures.map((procedure) => [procedure.slug, procedure])) };
}

export async function createKnowledgeBase(options: CreateKnowledgeBaseOptions): Promise<KnowledgeBaseService> {
  const { config, logger } = options;
  const embedder = options.embedder ?? createOfflineEmbedder();
  // Swapped whole by reload(): a question being answered keeps the state it started with.
  let state = await readKnowledgeState(config, logger, embedder, options.retrievalSettings);
  const reloadListeners = new Set<(reload: KnowledgeReload) => void>();
  let reloading: Promise<KnowledgeReload> = Promise.resolve({ trigger: 'editor', files: [], procedures: 0, problems: [] });

  let server: ChromaServer | undefined;
  let url: string;
  let store: ChromaStore | undefined;
  let indexed = false;
  let vectorProblem: string | undefined = 'the vector index is not built yet';
  let synchronizing: Promise<IngestCounts | undefined> | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  try {
    ({ url, server } = await connectChroma(config, logger));
  } catch (error) {
    // No Chroma at all (e.g. the native binding is missing): serve lexically, say why in /readyz.
    url = config.chroma.url ?? '';
    vectorProblem = `Chroma cannot start: ${(error as Error).message}`;
    logger.error({ component: 'knowledge', err: error }, vectorProblem);
  }

  const synchronize = (): Promise<IngestCounts | undefined> => {
    if (closed || url === '') return Promise.resolve(undefined);
    synchronizing ??= (async () => {
      try {
        store ??= new ChromaStore({ url, embedderName: embedder.name, logger, collectionName: config.chroma.collection });
        // Measured on every synchronisation: a model pulled again under the same name may give other vectors.
        store.expectDimension(await measureEmbeddingDimension(embedder));
        const openStore = store;
        const exclusive = options.exclusiveIngest ?? ((ingest) => ingest());
        // Opening creates (or rebuilds) the collection: instances sharing a Chroma do that one at a time too.
        const counts = await exclusive(async () => {
          await openStore.open();
          return ingestChunks({ store: openStore, embedder, chunks: state.chunks, skippedFiles: skippedFileCount(state.loaded.problems) });
        });
        indexed = true;
        vectorProblem = undefined;
        if (counts.added + counts.updated + counts.deleted > 0) logger.info({ component: 'knowledge', ...counts, embedder: embedder.name }, 'knowledge index updated');
        return counts;
      } catch (error) {
        indexed = false;
        vectorProblem = `Chroma is not reachable: ${(error as Error).message}`;
        logger.warn({ component: 'knowledge', err: error }, 'cannot synchronise the vector index; answering with lexical retrieval');
        scheduleRetry();
        return undefined;
      } finally {
        synchronizing = undefined;
      }
    })();
    return synchronizing;
  };

  const scheduleRetry = () => {
    if (closed || retryTimer || server) return; // a supervised server reports readiness itself
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void synchronize();
    }, 15_000);
    retryTimer.unref();
  };

  if (server) {
    server.onReady(() => void synchronize());
    if (await server.waitUntilReady(options.chromaStartTimeoutMs ?? 30_000)) await synchronize();
    else vectorProblem = server.reason ?? 'Chroma did not start';
  } else if (url !== '') {
    await synchronize();
  }

  const vectorAvailable = () => indexed && store !== undefined && (server === undefined || server.state === 'ready');

  const retrieveDetailed = async (question: string, language: Language, settings?: Partial<RetrievalSettings>) => {
    const vectorSearch = vectorAvailable() ? store!.query.bind(store!) : undefined;
    const result = await state.retriever.retrieve(question, language, vectorSearch, settings);
    if (vectorSearch && result.diagnostics.vectorUnavailable) {
      logger.warn({ component: 'knowledge', reason: result.diagnostics.vectorUnavailable }, 'vector search failed; answered with lexical retrieval');
      if (store?.dimensionChangedTo !== undefined) {
        // Every later question would fall back to keywords too: rebuild now, with the new vectors.
        logger.warn({ component: 'knowledge', embedder: embedder.name, dimension: store.dimensionChangedTo }, 'the embedding model changed its dimension; rebuilding the vector index');
        indexed = false;
        vectorProblem = 'the vector index is being rebuilt for a new embedding model';
        void synchronize();
      } else if (!server) {
        indexed = false;
        vectorProblem = result.diagnostics.vectorUnavailable;
        scheduleRetry();
      }
    }
    return result;
  };

  const reloadNow = async (trigger: KnowledgeReload['trigger'], files: string[]): Promise<KnowledgeReload> => {
    state = await readKnowledgeState(config, logger, embedder, options.retrievalSettings);
    const outcome: KnowledgeReload = { trigger, files, procedures: state.loaded.procedures.length, problems: [...state.loaded.problems] };
    logger.info({ component: 'knowledge', trigger, files, procedures: outcome.procedures }, 'knowledge reloaded');
    // A synchronisation already running indexes the old chunks: wait for it, then index the new ones.
    await synchronizing?.catch(() => undefined);
    await synchronize();
    for (const listener of reloadListeners) {
      try {
        listener(outcome);
      } catch (error) {
        logger.error({ component: 'knowledge', err: error }, 'a reload listener failed');
      }
    }
    return outcome;
  };
  // One reload at a time, in order: the last one always reads the files as they are now.
  const reload = (trigger: KnowledgeReload['trigger'], files: string[] = []): Promise<KnowledgeReload> => {
    reloading = reloading.catch(() => undefined).then(() => (closed ? { trigger, files, procedures: state.loaded.procedures.length, problems: [] } : reloadNow(trigger, files)));
    return reloading;
  };

  const watcher =
    options.watch === false
      ? undefined
      : watchKnowledge({
          directory: config.knowledgeDirectory,
          onChange: (files) => {
            void reload('disk', files).catch((error: unknown) => logger.error({ component: 'knowledge', err: error }, 'reloading the knowledge files failed'));
          },
          onError: (error) => logger.warn({ component: 'knowledge', err: error }, 'cannot watch the knowledge directory; changes by hand need a restart'),
        });

  return {
    retrieve: async (question: string, language: Language): Promise<Retrieval> => {
      const { diagnostics: _diagnostics, ...retrieval } = await retrieveDetailed(question, language);
      return retrieval;
    },
    retrieveDetailed,
    procedure: (slug: string): Procedure | undefined => state.proceduresBySlug.get(slug),
    procedures: () => [...state.loaded.procedures],
    townHall: () => state.townHall,
    embeddingName: () => embedder.name,
    readiness: () => {
      if (server && server.state !== 'ready') return { ready: false, reason: server.reason ?? `Chroma is ${server.state}` };
      if (!indexed) return { ready: false, reason: vectorProblem ?? 'the vector index is not built' };
      return { ready: true };
    },
    prepare: () => state.examples.prepare(),
    problems: () => [...state.loaded.problems],
    chunks: () => state.chunks,
    knowledgeDirectory: () => config.knowledgeDirectory,
    reload,
    onReloaded: (listener) => {
      reloadListeners.add(listener);
      return () => reloadListeners.delete(listener);
    },
    draftRetrieval: (draft: Procedure) => {
      const procedures = [...state.loaded.procedures.filter((procedure) => procedure.slug !== draft.slug), draft];
      const { retriever } = buildRetriever(state.loaded, procedures, state.townHall, state.examples, embedder, options.retrievalSettings);
      return async (question: string, language: Language): Promise<Retrieval> => {
        const { diagnostics: _diagnostics, ...retrieval } = await retriever.retrieve(question, language, undefined);
        return retrieval;
      };
    },
    synchronize,
    chromaServer: () => server,
    chromaUrl: () => url,
    close: async () => {
      closed = true;
      watcher?.close();
      if (retryTimer) clearTimeout(retryTimer);
      await synchronizing?.catch(() => undefined);
      await server?.stop();
    },
  };
}

export interface RunIngestOptions {
  config: Config;
  logger: KnowledgeLogger;
  /** Drop the collection and embed everything again. */
  rebuild?: boolean;
  embedder?: Embedder;
  onProgress?: IngestProgressListener;
}

export interface RunIngestResult {
  counts: IngestCounts;
  problems: KnowledgeProblem[];
  embedder: string;
  procedures: number;
  chunks: number;
  durationMs: number;
}

/** `functionar ingest [--rebuild]`: one incremental (or full) pass, then Chroma is stopped again. */
export async function runIngest(options: RunIngestOptions): Promise<RunIngestResult> {
  const started = performance.now();
  const { config, logger } = options;
  const embedder = options.embedder ?? createOfflineEmbedder();
  const loaded = await loadKnowledge(config.knowledgeDirectory);
  reportProblems(loaded.problems, logger);
  const chunks = chunkProcedures(loaded.procedures);
  const { url, server } = await connectChroma(config, logger);
  try {
    if (server && !(await server.waitUntilReady())) throw new Error(`Chroma did not start: ${server.reason ?? 'unknown reason'}`);
    const store = new ChromaStore({ url, embedderName: embedder.name, embeddingDimension: await measureEmbeddingDimension(embedder), collectionName: config.chroma.collection, logger });
    await store.open({ rebuild: options.rebuild ?? false });
    const counts = await ingestChunks({
      store,
      embedder,
      chunks,
      skippedFiles: skippedFileCount(loaded.problems),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return {
      counts,
      problems: loaded.problems,
      embedder: embedder.name,
      procedures: loaded.procedures.length,
      chunks: chunks.length,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await server?.stop();
  }
}
