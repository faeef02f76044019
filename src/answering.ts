import type { Config } from './config.ts';
import type { Intent } from './conversation/intent-detection.ts';
import type { AnswerOptions, ProcedureAnswer, ProcedureAnswerer } from './conversation/procedure-answerer.ts';
import { renderClarification, renderOutOfScope, renderProcedureCard } from './knowledge/answer-cards.ts';
import { createKnowledgeBase } from './knowledge/create-knowledge-base.ts';
import { embedderFromLanguageModel, type Embedder } from './knowledge/embedder.ts';
import type { KnowledgeBase, Retrieval } from './knowledge/knowledge-base.ts';
import type { Language } from './language.ts';
import { answerWithModel } from './llm/grounded-answer.ts';
import { classifyIntentWithModel } from './llm/intent-classifier.ts';
import type { LanguageModel, LanguageModelHealth } from './llm/language-model.ts';
import { createLanguageModel } from './llm/create-language-model.ts';
import { loadPromptLibrary, type PromptLibrary } from './llm/prompt-templates.ts';
import type { Logger } from './logger.ts';
import type { Button, SourceReference } from './messages.ts';

/** The knowledge base and, when Ollama answers, the language model — wired for the pipeline and the CLI. */
export interface Answering {
  knowledge: KnowledgeBase | undefined;
  answerer: ProcedureAnswerer | undefined;
  classifyIntent: ((text: string, language: Language) => Promise<Intent | undefined>) | undefined;
  /** llm while Ollama is reachable with the chat model installed; retrieval otherwise. */
  mode(): 'llm' | 'retrieval';
  close(): Promise<void>;
}

const healthProbeIntervalMs = 30_000;

function sourcesOf(retrieval: Retrieval, language: Language, limit: number): SourceReference[] {
  return retrieval.candidates.slice(0, limit).map((candidate) => ({
    slug: candidate.procedure.slug,
    title: candidate.procedure.title[language],
    score: Number(candidate.score.toFixed(3)),
  }));
}

class KnowledgeAnswerer implements ProcedureAnswerer {
  constructor(
    private readonly knowledge: KnowledgeBase,
    private readonly townHallName: string,
    private readonly model: () => LanguageModel | undefined,
    private readonly prompts: PromptLibrary | undefined,
    private readonly contextLength: number,
    private readonly logger: Logger,
  ) {}

  async answer(question: string, language: Language, options: AnswerOptions): Promise<ProcedureAnswer> {
    const retrieval = await this.knowledge.retrieve(question, language);
    if (retrieval.decision === 'out_of_scope') {
      return { intent: 'out_of_scope', mode: 'retrieval', outcome: retrieval.redirect ? 'redirected' : 'refused', text: renderOutOfScope(retrieval.redirect, this.knowledge.townHall(), language), sources: [], buttons: [] };
    }
    if (retrieval.decision === 'clarify') {
      const choices = retrieval.candidates.slice(0, 2);
      const buttons: Button[] = choices.map((candidate) => ({ label: candidate.procedure.title[language], value: candidate.procedure.title[language] }));
      return { intent: 'procedure', mode: 'retrieval', outcome: 'clarify', text: renderClarification(choices, language), sources: sourcesOf(retrieval, language, 2), buttons };
    }
    const best = retrieval.candidates[0];
    if (!best) {
      return { intent: 'out_of_scope', mode: 'retrieval', outcome: 'refused', text: renderOutOfScope(undefined, this.knowledge.townHall(), language), sources: [], buttons: [] };
    }
    const card = () => renderProcedureCard(best.procedure, language);
    const model = this.model();
    if (model && this.prompts) {
      const answer = await answerWithModel({
        model,
        question,
        language,
        retrieval,
        history: options.history,
        townHallName: this.townHallName,
        prompts: this.prompts,
        signal: options.signal,
        onToken: options.onToken,
        onQueued: options.onQueued,
        fallbackCard: card,
        contextLength: this.contextLength,
        logger: this.logger,
      });
      return { intent: 'procedure', mode: answer.mode, outcome: 'answered', text: answer.text, sources: answer.sources, buttons: [], procedureSlug: best.procedure.slug };
    }
    return { intent: 'procedure', mode: 'retrieval', outcome: 'answered', text: card(), sources: sourcesOf(retrieval, language, 1), buttons: [], procedureSlug: best.procedure.slug };
  }
}

/**
 * Ollama's embedding model when it is installed; otherwise undefined, meaning the built-in offline
 * embedding. Server and `functionar ingest` choose the same way, so they never mix vectors.
 */
export async function ollamaEmbedderIfInstalled(config: Config, model: LanguageModel | undefined, logger: Logger): Promise<Embedder | undefined> {
  if (!model) return undefined;
  const installed = await model.listModels().catch(() => [] as string[]);
  if (installed.some((name) => name === config.ollama.embedModel || name.startsWith(`${config.ollama.embedModel}:`))) {
    return embedderFromLanguageModel(model, `ollama:${config.ollama.embedModel}`);
  }
  logger.warn(`Embedding model ${config.ollama.embedModel} is not installed (ollama pull ${config.ollama.embedModel}); using the built-in offline embedding`);
  return undefined;
}

export async function createAnswering(config: Config, logger: Logger): Promise<Answering> {
  const model = config.ollama.enabled ? createLanguageModel(config.ollama, logger) : undefined;
  let modelHealthy = false;
  let probed = false;
  let reportedWarnings = new Set<string>();
  const probe = async () => {
    if (!model) return;
    const health: LanguageModelHealth = await model.health().catch((error: unknown) => ({ ok: false, reason: (error as Error).message }));
    // Log the first result and every change, not every probe.
    if (!probed || health.ok !== modelHealthy) {
      probed = true;
      if (health.ok) logger.info({ model: model.name }, 'Ollama reachable: answers are written by the language model');
      else logger.warn({ reason: health.reason }, 'Ollama not usable: answering in retrieval-only mode');
    }
    // What works but needs the administrator (a missing embedding model, one of several hosts down).
    const warnings = health.ok ? (health.warnings ?? []) : [];
    for (const warning of warnings.filter((warning) => !reportedWarnings.has(warning))) logger.warn({ model: model.name }, `Ollama: ${warning}`);
    reportedWarnings = new Set(warnings);
    modelHealthy = health.ok;
  };
  await probe();
  const embedder = modelHealthy ? await ollamaEmbedderIfInstalled(config, model, logger) : undefined;
  const timer = model ? setInterval(() => void probe(), healthProbeIntervalMs) : undefined;
  timer?.unref();

  let knowledge: KnowledgeBase | undefined;
  try {
    knowledge = await createKnowledgeBase({
      config,
      logger,
      embedder,
    });
  } catch (error) {
    logger.error({ err: error }, 'knowledge base could not be loaded: procedure questions become ticket offers');
  }
  const prompts = model ? await loadPromptLibrary(config.promptsDirectory) : undefined;
  const usableModel = () => (model && modelHealthy ? model : undefined);
  return {
    knowledge,
    answerer: knowledge ? new KnowledgeAnswerer(knowledge, config.townHallName, usableModel, prompts, config.ollama.contextLength, logger) : undefined,
    classifyIntent: model
      ? async (text, language) => {
          const current = usableModel();
          return current ? classifyIntentWithModel(current, text, language, { prompts, townHallName: config.townHallName }) : undefined;
        }
      : undefined,
    mode: () => (usableModel() ? 'llm' : 'retrieval'),
    close: async () => {
      if (timer) clearInterval(timer);
      await knowledge?.close();
    },
  };
}
