import type { Config } from './config.ts';
import type { Intent } from './conversation/intent-detection.ts';
import type { AnswerOptions, ProcedureAnswer, ProcedureAnswerer } from './conversation/procedure-answerer.ts';
import { renderAlsoElsewhere, renderClarification, renderDeclinedDemand, renderOutOfScope, renderProcedureCard, renderRefusal, renderTownHallFact, townHallSource } from './knowledge/answer-cards.ts';
import { createKnowledgeBase, type CreateKnowledgeBaseOptions } from './knowledge/create-knowledge-base.ts';
import { embedderFromLanguageModel, type Embedder } from './knowledge/embedder.ts';
import type { KnowledgeBase, Retrieval, RetrievedProcedure } from './knowledge/knowledge-base.ts';
import type { Language } from './language.ts';
import { answerWithModel } from './llm/grounded-answer.ts';
import { classifyIntentWithModel } from './llm/intent-classifier.ts';
import { pickProceduresWithModel } from './llm/procedure-picker.ts';
import type { LanguageModel, LanguageModelHealth } from './llm/language-model.ts';
import { createLanguageModel } from './llm/create-language-model.ts';
import { loadPromptLibrary, type PromptLibrary } from './llm/prompt-templates.ts';
import type { Logger } from './logger.ts';
import type { TaughtAnswers } from './questions/unanswered-questions.ts';
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

function sourceOf(candidate: RetrievedProcedure, language: Language): SourceReference {
  return { slug: candidate.procedure.slug, title: candidate.procedure.title[language], score: Number(candidate.score.toFixed(3)) };
}

/** A weak match is offered as choices (the likeliest three); two close ones as a choice between two. */
function clarificationChoices(retrieval: Retrieval): RetrievedProcedure[] {
  return retrieval.candidates.slice(0, retrieval.uncertain ? 3 : 2);
}

class KnowledgeAnswerer implements ProcedureAnswerer {
  constructor(
    private readonly knowledge: KnowledgeBase,
    private readonly townHallName: string,
    private readonly model: () => LanguageModel | undefined,
    private readonly prompts: PromptLibrary | undefined,
    private readonly contextLength: number,
    private readonly logger: Logger,
    private readonly taughtAnswers: TaughtAnswers | undefined,
  ) {}

  async answer(question: string, language: Language, options: AnswerOptions): Promise<ProcedureAnswer> {
    const seen: { retrieval?: Retrieval } = {};
    const answer = await this.answerFromKnowledge(question, language, options, seen);
    if (answer.outcome !== 'answered' && answer.outcome !== 'clarify') return answer;
    const otherAuthority = answer.outcome === 'answered' ? seen.retrieval?.alsoRedirect : undefined;
    const declined = seen.retrieval?.declined === 'demand';
    const after = [...(otherAuthority ? [renderAlsoElsewhere(otherAuthority, language)] : []), ...(declined ? [renderDeclinedDemand(language)] : [])];
    if (after.length === 0) return answer;
    // Streaming channels showed the answer as it was written: what is said after it follows it.
    for (const line of after) options.onToken?.(`\n\n${line}`);
    return { ...answer, text: [answer.text, ...after].join('\n\n'), ...(otherAuthority ? { alsoRedirected: true } : {}), ...(declined ? { declined: true } : {}) };
  }

  /** @param seen receives the retrieval the answer was built from, when there was one. */
  private async answerFromKnowledge(question: string, language: Language, options: AnswerOptions, seen: { retrieval?: Retrieval }): Promise<ProcedureAnswer> {
    const townHall = this.knowledge.townHall();
    // A phrasing a clerk taught (src/questions) is answered as taught, before any retrieval.
    const taught = await this.taughtAnswers?.lookup(question, language);
    if (taught?.kind === 'out_of_scope') return { intent: 'out_of_scope', mode: 'retrieval', outcome: 'refused', text: renderOutOfScope(undefined, townHall, language), sources: [], buttons: [] };
    const taughtCandidate = taught?.kind === 'procedure' ? this.candidateOf(taught.slug) : undefined;
    // Certain, as a clerk said so; a procedure removed since falls back to retrieval.
    const taughtProcedure = taughtCandidate ? { ...taughtCandidate, score: 1 } : undefined;
    let retrieval: Retrieval = taughtProcedure ? { decision: 'answer', candidates: [taughtProcedure] } : await this.knowledge.retrieve(question, language);
    seen.retrieval = retrieval;
    if (retrieval.decision === 'out_of_scope') {
      if (retrieval.refusal) return { intent: 'out_of_scope', mode: 'retrieval', outcome: 'refused', refusal: retrieval.refusal, text: renderRefusal(townHall, language), sources: [], buttons: [] };
      const offered = retrieval.redirect ? undefined : retrieval.offered?.procedure;
      const buttons: Button[] = offered ? [{ label: offered.title[language], value: offered.title[language] }] : [];
      return { intent: 'out_of_scope', mode: 'retrieval', outcome: retrieval.redirect ? 'redirected' : 'refused', text: renderOutOfScope(retrieval.redirect, townHall, language, offered), sources: [], buttons };
    }
    if (retrieval.townHallTopic) {
      // "Which office for the agricultural register?": the office of the procedure the question names.
      // A topic that is the practical side of a procedure (audience hours, the cashier) cites it too.
      const topicProcedure = townHall.topics.find((topic) => topic.id === retrieval.townHallTopic)?.procedure;
      const named =
        retrieval.townHallTopic === 'departments'
          ? retrieval.candidates[0]
          : topicProcedure
            ? (retrieval.candidates.find((candidate) => candidate.procedure.slug === topicProcedure) ?? this.candidateOf(topicProcedure))
            : undefined;
      const fact = renderTownHallFact(retrieval.townHallTopic, townHall, language, named?.procedure);
      const factSources = [townHallSource(townHall, language), ...(named ? [sourceOf(named, language)] : [])];
      // "Szombaton nyitva vagytok? És mi kell a bontáshoz?": a second part about a procedure gets its short card.
      const beside = retrieval.secondary && retrieval.secondary.procedure.slug !== named?.procedure.slug ? retrieval.secondary : undefined;
      if (!beside) return { intent: 'procedure', mode: 'retrieval', outcome: 'answered', text: fact, sources: factSources, buttons: [] };
      const card = renderProcedureCard(beside.procedure, language, { compact: true });
      return {
        intent: 'procedure',
        mode: 'retrieval',
        outcome: 'answered',
        text: retrieval.secondaryAskedFirst ? `${card}\n\n${fact}` : `${fact}\n\n${card}`,
        sources: retrieval.secondaryAskedFirst ? [sourceOf(beside, language), ...factSources] : [...factSources, sourceOf(beside, language)],
        buttons: [],
        procedureSlug: beside.procedure.slug,
      };
    }
    const model = this.model();
    if (retrieval.decision === 'clarify' && retrieval.uncertain && model) {
      // Unsure retrieval: the model reads the whole catalogue and may recognise what was meant.
      const picked = await pickProceduresWithModel(model, question, language, this.knowledge.procedures(), { signal: options.signal }).catch(() => []);
      if (picked.length > 0) retrieval = this.retrievalOf(picked, retrieval);
    }
    if (retrieval.decision === 'clarify') {
      const choices = clarificationChoices(retrieval);
      const buttons: Button[] = choices.map((candidate) => ({ label: candidate.procedure.title[language], value: candidate.procedure.title[language] }));
      return {
        intent: 'procedure',
        mode: 'retrieval',
        outcome: 'clarify',
        text: renderClarification(choices, language),
        sources: choices.map((candidate) => sourceOf(candidate, language)),
        buttons,
      };
    }
    const best = retrieval.candidates[0];
    if (!best) {
      return { intent: 'out_of_scope', mode: 'retrieval', outcome: 'refused', text: renderOutOfScope(undefined, townHall, language), sources: [], buttons: [] };
    }
    // Two questions in one are answered in the order they were asked.
    const answered = retrieval.secondary ? (retrieval.secondaryAskedFirst ? [retrieval.secondary, best] : [best, retrieval.secondary]) : [best];
    // Two questions in one: each procedure gets its own short card and its own source.
    const card = () => answered.map((candidate) => renderProcedureCard(candidate.procedure, language, { compact: answered.length > 1 })).join('\n\n');
    if (model && this.prompts) {
      const answeredSlugs = new Set(answered.map((candidate) => candidate.procedure.slug));
      const modelRetrieval = retrieval.secondary
        ? { ...retrieval, candidates: [...answered, ...retrieval.candidates.filter((candidate) => !answeredSlugs.has(candidate.procedure.slug))] }
        : retrieval;
      const answer = await answerWithModel({
        model,
        question,
        language,
        retrieval: modelRetrieval,
        history: options.history,
        townHallName: this.townHallName,
        prompts: this.prompts,
        signal: options.signal,
        onToken: options.onToken,
        onQueued: options.onQueued,
        fallbackCard: card,
        contextLength: this.contextLength,
        logger: this.logger,
        // The town hall's own phone, e-mail and hours may be repeated, as the sources' may.
        townHall,
      });
      const sources = answer.mode === 'llm' ? answer.sources : answered.map((candidate) => sourceOf(candidate, language));
      return { intent: 'procedure', mode: answer.mode, outcome: 'answered', text: answer.text, sources, buttons: [], procedureSlug: best.procedure.slug };
    }
    return { intent: 'procedure', mode: 'retrieval', outcome: 'answered', text: card(), sources: answered.map((candidate) => sourceOf(candidate, language)), buttons: [], procedureSlug: best.procedure.slug };
  }

  /** The model's pick as a retrieval: its first procedure answered, a second one as the second part. */
  private retrievalOf(slugs: string[], original: Retrieval): Retrieval {
    const candidates = slugs
      .map((slug) => original.candidates.find((candidate) => candidate.procedure.slug === slug) ?? this.candidateOf(slug))
      .filter((candidate): candidate is RetrievedProcedure => candidate !== undefined);
    const [first, second] = candidates;
    if (!first) return original;
    return { decision: 'answer', candidates: [first, ...original.candidates.filter((candidate) => candidate.procedure.slug !== first.procedure.slug)], ...(second ? { secondary: second } : {}) };
  }

  private candidateOf(slug: string): RetrievedProcedure | undefined {
    const procedure = this.knowledge.procedure(slug);
    return procedure ? { procedure, score: 0, sections: [], excerpts: [] } : undefined;
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

export interface AnsweringOptions {
  /** Phrasings clerks taught (the database's unanswered questions); absent when there is no database. */
  taughtAnswers?: TaughtAnswers;
  /** See CreateKnowledgeBaseOptions.exclusiveIngest: instances sharing one Chroma ingest one at a time. */
  exclusiveIngest?: CreateKnowledgeBaseOptions['exclusiveIngest'];
}

export async function createAnswering(config: Config, logger: Logger, options: AnsweringOptions = {}): Promise<Answering> {
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
      ...(options.exclusiveIngest ? { exclusiveIngest: options.exclusiveIngest } : {}),
    });
  } catch (error) {
    logger.error({ err: error }, 'knowledge base could not be loaded: procedure questions become ticket offers');
  }
  const prompts = model ? await loadPromptLibrary(config.promptsDirectory) : undefined;
  const usableModel = () => (model && modelHealthy ? model : undefined);
  return {
    knowledge,
    answerer: knowledge ? new KnowledgeAnswerer(knowledge, config.townHallName, usableModel, prompts, config.ollama.contextLength, logger, options.taughtAnswers) : undefined,
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
