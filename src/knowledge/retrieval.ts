import { foldDiacritics, languages, type Language, type Localized } from '../language.ts';
import { maskPersonalData } from '../privacy/masking.ts';
import { chunkRedirects, redirectOwner, type KnowledgeChunk } from './chunking.ts';
import type { VectorMatch } from './chroma-store.ts';
import type { Embedder } from './embedder.ts';
import { ExampleQuestionIndex, townHallAnswer, type ExampleVote } from './example-questions.ts';
import { KeywordMatcher, KeywordVocabulary } from './keyword-matcher.ts';
import { LifeEventMatcher } from './life-event-matcher.ts';
import type { LifeEvent, OutOfScopeRedirect, Procedure, RefusalWords, RetrievedProcedure, Retrieval, TownHall, TownHallTopic, TownHallTopicId } from './knowledge-base.ts';
import { contextWordTest } from './context-words.ts';
import { steeringShape } from './steering-patterns.ts';
import { decodedBase64, hiddenReadings } from './hidden-text.ts';
import { PhraseMatcher } from './phrase-matcher.ts';
import { questionParts, sentencesOf, tellingsOf } from './question-parts.ts';
import { analyze, isStopWord, stem, tokenize } from './text-analysis.ts';
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
  eventWeight: number;
  /** From this share of the question found in the best procedure, it is answered… */
  minimumConfidence: number;
  /** …if that share holds this much information: "depun o cerere" is all found, and says nothing. */
  minimumEvidence: number;
  /**
   * A long message holds little of a procedure in share but may still name it plainly: from this much
   * information found (in units of the rarest word) and `longMessageConfidence` in share, it is answered.
   */
  decisiveEvidence: number;
  longMessageConfidence: number;
  /** Below an answer but from here (share and evidence), the citizen is asked which procedure was meant. */
  clarifyConfidence: number;
  clarifyEvidence: number;
  /** A matched redirect wins unless the best procedure covers this much more of the question. */
  redirectMargin: number;
  /** Runner-up at or above this fraction of the best score: ask which one was meant. */
  clarifyRatio: number;
  maximumCandidates: number;
  /**
   * The procedure that the example questions most like the message were answered with goes first when the
   * nearest is at least this alike (0–1)…
   */
  exampleSimilarity: number;
  /** …and this share of the nearest questions' likeness agrees on it. */
  exampleShare: number;
  /** A message that names no procedure is answered with the town hall's own topic when the nearest were about the town hall from this likeness and share. */
  exampleTopicSimilarity: number;
  exampleTopicShare: number;
  /** An answer about the town hall itself is refused when the nearest were out of scope only from this likeness and share. */
  exampleTopicRefusalSimilarity: number;
  exampleTopicRefusalShare: number;
  /** Another authority named more plainly than a procedure leaves that procedure first only when the nearest agree on it from this likeness and share. */
  exampleOverRedirectSimilarity: number;
  exampleOverRedirectShare: number;
  /** A message that names a procedure is refused when the nearest were out of scope from this likeness and share. */
  exampleNamedOutOfScopeSimilarity: number;
  exampleNamedOutOfScopeShare: number;
  /** A message that names a procedure is answered with the town hall's own topic when the nearest were about the town hall from this likeness and share. */
  exampleNamedTopicSimilarity: number;
  exampleNamedTopicShare: number;
  /** Below the bar to go first, from this likeness and share a procedure the examples lean to is answered second. */
  exampleBesideSimilarity: number;
  exampleBesideShare: number;
  /** One procedure answered, another part of the message gets what the questions most like that part agree on, from this likeness and share. */
  examplePartSimilarity: number;
  examplePartShare: number;
  /** …and replaces a second procedure that the words found for that part, or goes beside the town hall's topic, from this likeness and share. */
  examplePartOverWordsSimilarity: number;
  examplePartOverWordsShare: number;
  /**
   * From this likelihood (0–1) that the message is not the town hall's business, judged on all the example
   * questions at once, it is refused; when a keyword or a life event names a procedure or the message names the
   * town hall, from the second; when it asks about one of the town hall's own facts, from the third.
   */
  outOfScopeLikelihood: number;
  namedOutOfScopeLikelihood: number;
  topicOutOfScopeLikelihood: number;
  /** A named procedure that explains this share of the message or more is refused only from this likelihood. */
  plainlyNamedConfidence: number;
  plainlyNamedOutOfScopeLikelihood: number;
  /**
   * What all the example questions read a message as (0–1), when no answer cites it: from the first it goes
   * first, the words' first answer second; from the second it replaces a second answer.
   */
  readingFirstProbability: number;
  readingSecondProbability: number;
  /** Read as about the town hall itself from this probability, a message that names one of its topics gets it, the procedure beside. */
  readingTopicProbability: number;
  /** A part of the message read as a procedure no answer cites from this probability takes the second place. */
  readingPartProbability: number;
}

export const defaultRetrievalSettings: RetrievalSettings = {
  mode: 'hybrid',
  vectorCandidates: 40,
  lexicalWeight: 0.5,
  vectorWeight: 0.3,
  keywordWeight: 0.2,
  eventWeight: 0.3,
  minimumConfidence: 0.3,
  minimumEvidence: 0.8,
  decisiveEvidence: 1.5,
  longMessageConfidence: 0.15,
  clarifyConfidence: 0.12,
  clarifyEvidence: 0.5,
  redirectMargin: 0.1,
  clarifyRatio: 0.88,
  maximumCandidates: 5,
  exampleSimilarity: 0.2,
  exampleShare: 0.5,
  exampleTopicSimilarity: 0.3,
  exampleTopicShare: 0.7,
  exampleTopicRefusalSimilarity: 0.4,
  exampleTopicRefusalShare: 0.85,
  exampleOverRedirectSimilarity: 0.4,
  exampleOverRedirectShare: 0.6,
  exampleNamedOutOfScopeSimilarity: 0.45,
  exampleNamedOutOfScopeShare: 0.9,
  exampleNamedTopicSimilarity: 0.35,
  exampleNamedTopicShare: 0.8,
  exampleBesideSimilarity: 0.15,
  exampleBesideShare: 0.35,
  examplePartSimilarity: 0.25,
  examplePartShare: 0.6,
  examplePartOverWordsSimilarity: 0.35,
  examplePartOverWordsShare: 0.8,
  outOfScopeLikelihood: 0.3,
  namedOutOfScopeLikelihood: 0.4,
  topicOutOfScopeLikelihood: 0.5,
  plainlyNamedConfidence: 0.6,
  plainlyNamedOutOfScopeLikelihood: 0.6,
  readingFirstProbability: 0.4,
  readingSecondProbability: 0.25,
  readingTopicProbability: 0.6,
  readingPartProbability: 0.3,
};

/** Settings under which the example questions' out-of-scope likelihood refuses nothing. */
const neverLikelyOutOfScope: Partial<RetrievalSettings> = { outOfScopeLikelihood: 2, namedOutOfScopeLikelihood: 2, topicOutOfScopeLikelihood: 2, plainlyNamedOutOfScopeLikelihood: 2 };

export type VectorSearch = (embedding: number[], limit: number) => Promise<VectorMatch[]>;

export interface RetrieverOptions {
  procedures: readonly Procedure[];
  chunks: readonly KnowledgeChunk[];
  redirects: readonly OutOfScopeRedirect[];
  lifeEvents?: readonly LifeEvent[];
  /** Words that name another country: a birth or a marriage told with one happened abroad. */
  abroadWords?: Localized<string[]>;
  refusals?: RefusalWords;
  /** Its villages are context in a question; its topics (hours, address…) are answered from it. */
  townHall?: TownHall;
  /** Questions citizens asked, with the procedures that answered them, indexed once per reading of the files. */
  examples?: ExampleQuestionIndex;
  embedder: Embedder;
  settings?: Partial<RetrievalSettings>;
}

export interface RetrievalDiagnostics {
  /** Why vector search was not used for this question, when it was not. */
  vectorUnavailable?: string;
  confidence: number;
  /** Information of the question found in the best procedure, in units of the rarest word. */
  evidence?: number;
  /** A keyword or a life event names the best procedure. */
  procedureNamed?: boolean;
  /** The best procedure is the next step after one the message says is done ("am certificatul de urbanism"). */
  nextStepTold?: boolean;
}

export type DetailedRetrieval = Retrieval & { diagnostics: RetrievalDiagnostics };

interface ProcedureScore {
  slug: string;
  lexical: number;
  vector: number;
  keyword: number;
  /** Strength of a life event naming this procedure ("a murit bunicul" → înregistrarea decesului). */
  event: number;
  /** The keyword that gave `keyword`. */
  keywordMatched?: string;
  /** Every telling of an event that leads here ("am moștenit casa", "avem certificatul de deces"). */
  eventTellings?: string[];
  /** The main procedure of an event told abroad ("born in Ireland": the transcription of the foreign record). */
  eventAbroad?: boolean;
  /** The strongest event naming it tells a step already done: this is the step after it. */
  eventNextStep?: boolean;
  combined: number;
  /** Filled only for the procedures shown: with a large knowledge base most are never shown. */
  chunkScores?: Map<string, number>;
}

const excerptLength = 700;
const shortQuestionWords = 10;
/** "Kihez forduljak adóügyekben, melyik irodában van az adóügyi részleg?" is about this many words at most. */
const departmentQuestionWords = 14;
/** Up to this many words, a message that asks nothing may still name the fact it wants ("program primărie Bălăușeri"). */
const statementWithTopicWords = 8;
/** A procedure's keyword phrase of this many words ("certificat de urbanism") names it plainly. */
const namingKeywordSize = 2;
const asksWhere = /\b(unde|hol|where|cum ajung|cum se ajunge|hogyan jutok|hogy jutok|how do i get|how to get)\b/;
const asksOnline = /\b(online|on-line|ghiseul\w*|internet\w*|interneten|pe net|de acasa|din tara straina|otthonrol|from home)\b/;
/** On folded text: the question asks when (a day, an hour). */
const asksWhen = /\b(cand|ce zi|ce zile|in ce zi|ce ora|la ce ora|mikor|melyik nap\w*|milyen nap\w*|hany orakor|hany orat\w*|when|what days?|which days?|what time)\b/;
/** A part of a message names a second procedure from this share and evidence of its own words. */
const secondPartConfidence = 0.3;
const secondPartEvidence = 0.6;
/**
 * Up to this many words a message that asks two things is two questions, answered in the order asked; a
 * longer one is a story around its main question, which the ranking puts first.
 */
const twoQuestionsWords = 35;
/** A part that names no procedure by a keyword asks about a second one only from this many words. */
const unnamedPartWords = 4;
/** A part asks about the whole message's procedure when that one explains this share of what its best does. */
const topPartShare = 0.8;
/** ... and from this share when it names the procedure by one of its keywords. */
const namedPartConfidence = 0.15;
/** How far the whole message's life event tips a part that names nothing itself (its best word scores 1). */
const messageEventLean = 0.3;
/** Words that name the town hall itself: every question has them, so they never make a topic. */
const townHallWords = new Set(['town', 'hall', 'townhall', 'primarie', 'primaria', 'primariei', 'primarii', 'primariile', 'hivatal', 'hivatala', 'hivatalnak', 'hivatalhoz', 'hivatalba', 'hivatalban', 'hivatalbol', 'hivataltol', 'hivatalt', 'polgarmesteri', 'comuna', 'comunei', 'kozseg', 'commune']);

// "A rendszámot már megkaptam, most a hivatalban mit kell intézni az autóval?": what another authority has
// already done is told, not asked. On folded text.
const doneClause = /\b(?:megkaptam|megkaptuk|kivaltottam|kivaltottuk|elinteztem|elinteztuk|megcsinaltattam|megcsinaltattuk|am luat deja|am primit deja|am obtinut|am rezolvat|mi-au dat deja|ne-au dat deja|already got|already have|already did|i've got|we've got|i got|we got|have received)\b/;

/** The message without its clauses that tell what is already done; the whole message when all of it is. */
function withoutDoneClauses(question: string): string {
  const clauses = question.split(/(?<=[.!?;,])\s+/u);
  const open = clauses.filter((clause) => !doneClause.test(foldDiacritics(clause)));
  return open.length > 0 && open.length < clauses.length ? open.join(' ') : question;
}

/**
 * "Mennyibe kerül a településrendezési bizonyítvány?", "Când îmi aprobă primarul autorizația de construire?": the
 * message holds the procedure's title, or one of its names in brackets, in any of its inflected forms.
 */
function namesTitle(question: string, procedure: Procedure): boolean {
  return languages.some((language) => {
    const stems = (text: string) =>
      tokenize(text)
        .map((token) => stem(token, language))
        .join(' ');
    const asked = ` ${stems(question)} `;
    return procedure.title[language]
      .split(/[()]/u)
      .map((name) => stems(name))
      .some((name) => name.includes(' ') && asked.includes(` ${name} `));
  });
}

/** Whether one of the words names the town hall itself ("primăriei", "hivatalban", "town hall"). */
function namesTownHall(tokens: readonly string[]): boolean {
  return tokens.some((token) => townHallWords.has(token));
}

/** "Care e programul primăriei?": few words, one of them the town hall itself. */
function isShortQuestionAboutTownHall(question: string): boolean {
  const tokens = tokenize(question);
  return tokens.length <= shortQuestionWords && namesTownHall(tokens);
}

/**
 * "Cât costă un bilet de avion spre Londra?": nothing names a procedure or a fact of the town hall, and
 * the questions most like it were mostly not the town hall's business, however loosely alike. A message
 * that names the town hall ("what do I do at the town hall with the car?") is asked about instead: the
 * citizen thinks it is town-hall business, and may be right.
 */
function leansOutOfScope(retrieval: DetailedRetrieval, question: string, vote: ExampleVote): boolean {
  if (vote.answer !== null || retrieval.diagnostics.procedureNamed || retrieval.townHallTopic) return false;
  return !namesTownHall(tokenize(question));
}

/** The question without the words that name the town hall itself ("primăriei", "polgármesteri hivatal"). */
function withoutTownHallName(text: string): string {
  return text
    .split(/\s+/u)
    .filter((word) => {
      const tokens = tokenize(word);
      return tokens.length === 0 || !tokens.every((token) => townHallWords.has(token));
    })
    .join(' ');
}

/**
 * "How do I get to the town hall" is only "get to": words that name the town hall are taken out of a
 * topic's keywords, so they neither make a topic match nor make it look longer than it is.
 */
function withoutTownHallWords<Topic extends { keywords: Localized<string[]> }>(topic: Topic): Topic {
  // The words are kept as written: an abbreviation in capitals ("APIA papír") stays one ("Apám" is no APIA).
  const strip = (keywords: string[], language: Language) =>
    keywords.map((keyword) => withoutTownHallName(keyword)).filter((keyword) => analyze(keyword, language).length > 0);
  return { ...topic, keywords: { ro: strip(topic.keywords.ro, 'ro'), hu: strip(topic.keywords.hu, 'hu'), en: strip(topic.keywords.en, 'en') } };
}

/** A masked CNP, phone number or e-mail address, with the word that labels it ("CNP", "tel.", "e-mail:"). */
const personalDataWithLabel = /(?:\b(?:cnp|c\.n\.p\.?|tel|telefon|telefonszám|telefonszam|phone|mobil|e-?mail)\b\.?\s*:?\s*)?\[(?:CNP|e-mail|telefon[^\]]*)\]/giu;

/**
 * "…un medic dentist? CNP 1850101264052, tel 0740 123 456": a CNP, a phone number or an e-mail address,
 * with its label, says nothing about which procedure is meant; "CNP" and "tel" are words of the procedures'
 * documents and the digits match law numbers (HG 123/2002), so left in they made any such message look like
 * town-hall business. They are left out of the question.
 */
function withoutPersonalData(question: string): string {
  const masked = maskPersonalData(question);
  return masked === question ? question : masked.replace(personalDataWithLabel, ' ');
}

/** What a retrieval reads of its question several times (its parts, the life events it tells): read once. */
interface QuestionReading {
  parts: () => string[];
  events: () => EventProcedure[];
  /** What the example questions most like each part were answered with. */
  partVotes: () => (ExampleVote | undefined)[];
}

/** A procedure a life event leads to, how plainly it was told, and whether as the main step of an event abroad. */
interface EventProcedure {
  slug: string;
  strength: number;
  told: string;
  abroad: boolean;
  /** Told as a step already done ("am certificatul de urbanism"): the procedure is the next one. */
  nextStep: boolean;
}

/** A word or two ("adeverință", "certificat") is vague by itself: however the questions like it were answered, it is asked about. */
const vagueWords = 2;

/**
 * A clarifying question the examples may not settle: a word or two, or a message in which no keyword or life
 * event names the first procedure ("ce acte îmi trebuie?" is much like many questions about many procedures).
 */
function isVagueClarification(retrieval: DetailedRetrieval, question: string): boolean {
  return isClarificationOfFewWords(retrieval, question) || (retrieval.decision === 'clarify' && !retrieval.diagnostics.procedureNamed);
}

function isClarificationOfFewWords(retrieval: DetailedRetrieval, question: string): boolean {
  return retrieval.decision === 'clarify' && tokenize(question).length <= vagueWords;
}

/** A procedure no word or vector of the message found: described with no score and no matched text. */
function unscored(slug: string): ProcedureScore {
  return { slug, lexical: 0, vector: 0, keyword: 0, event: 0, combined: 0 };
}

/** A clarifying question turned into the answer of its first candidate. */
function withoutDoubt(retrieval: DetailedRetrieval): DetailedRetrieval {
  const { uncertain, ...rest } = retrieval;
  return { ...rest, decision: 'answer' };
}

function once<Value>(compute: () => Value): () => Value {
  let computed: { value: Value } | undefined;
  return () => (computed ??= { value: compute() }).value;
}

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
  private readonly lifeEventKeywords: LifeEventMatcher;
  private readonly lifeEventsById: Map<string, LifeEvent>;
  private readonly abroadKeywords: KeywordMatcher;
  private readonly chitchatKeywords: KeywordMatcher;
  private readonly manipulationKeywords: KeywordMatcher;
  private readonly chitchatPhrases: PhraseMatcher;
  private readonly manipulationPhrases: PhraseMatcher;
  private readonly demandPhrases: PhraseMatcher;
  private readonly townHallTopicKeywords: KeywordMatcher;
  private readonly townHallTopicsById: Map<string, TownHallTopic>;
  private readonly isContextWord: (token: string) => boolean;
  private readonly examples: ExampleQuestionIndex;
  private lastSteering: { question: string; language: Language; steers: boolean } | undefined;

  constructor(private readonly options: RetrieverOptions) {
    this.settings = { ...defaultRetrievalSettings, ...options.settings };
    // Redirects are indexed next to procedures so their words ("pașaport") count as known words
    // and a question can be measured against what another authority handles.
    this.lexicalIndex = new LexicalIndex([...options.chunks, ...chunkRedirects(options.redirects)]);
    const vocabulary = new KeywordVocabulary((token) => this.lexicalIndex.hasWord(token));
    // "Primăriei" is not "primar" (the mayor), "polgármesteri" not "polgármester": the town hall's own
    // name is taken out of keywords and questions alike, so it never names a procedure.
    this.procedureKeywords = new KeywordMatcher(
      options.procedures.map((procedure) => withoutTownHallWords({ id: procedure.slug, keywords: procedure.keywords })),
      { vocabulary },
    );
    this.redirectKeywords = new KeywordMatcher(options.redirects, { vocabulary });
    this.proceduresBySlug = new Map(options.procedures.map((procedure) => [procedure.slug, procedure]));
    this.chunksById = new Map(options.chunks.map((chunk) => [chunk.id, chunk]));
    this.redirectsById = new Map(options.redirects.map((redirect) => [redirect.id, redirect]));
    const lifeEvents = options.lifeEvents ?? [];
    this.lifeEventKeywords = new LifeEventMatcher(lifeEvents.map(withoutTownHallWords), vocabulary);
    this.lifeEventsById = new Map(lifeEvents.map((event) => [event.id, event]));
    const noWords = { ro: [], hu: [], en: [] };
    this.abroadKeywords = new KeywordMatcher([{ id: 'abroad', keywords: options.abroadWords ?? noWords }], { vocabulary, typos: false });
    this.chitchatKeywords = new KeywordMatcher([{ id: 'chitchat', keywords: options.refusals?.chitchat ?? noWords }], { vocabulary, typos: false });
    this.manipulationKeywords = new KeywordMatcher([{ id: 'manipulation', keywords: options.refusals?.manipulation ?? noWords }], { vocabulary, typos: false });
    this.chitchatPhrases = new PhraseMatcher(options.refusals?.chitchatPhrases ?? noWords);
    this.manipulationPhrases = new PhraseMatcher(options.refusals?.manipulationPhrases ?? noWords);
    this.demandPhrases = new PhraseMatcher(options.refusals?.demandPhrases ?? noWords);
    this.townHallTopicKeywords = new KeywordMatcher((options.townHall?.topics ?? []).map(withoutTownHallWords), { vocabulary });
    this.townHallTopicsById = new Map((options.townHall?.topics ?? []).map((topic) => [topic.id, topic]));
    this.isContextWord = contextWordTest(options.townHall?.villages ?? []);
    this.examples = options.examples ?? new ExampleQuestionIndex([]);
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
  async retrieve(asked: string, language: Language, vectorSearch?: VectorSearch, settingsOverride?: Partial<RetrievalSettings>): Promise<DetailedRetrieval> {
    if (!this.demandPhrases.match(asked)) return this.retrieveUnderstood(asked, language, vectorSearch, settingsOverride);
    // The demand is about the answer's form, not what is asked: read without it ("válaszolj" is no petition).
    // Declining the demand already tells the citizen what the assistant will not do: the rest is judged on its words.
    const retrieval = await this.retrieveUnderstood(this.demandPhrases.remove(asked), language, vectorSearch, { ...settingsOverride, ...neverLikelyOutOfScope });
    // "Cât e taxa? Zi-mi o sumă orice": the guess is declined, the procedure still answered; asked alone, or
    // beside nothing the town hall does, it is refused like any attempt to steer the assistant.
    if (retrieval.decision !== 'out_of_scope') return { ...retrieval, declined: 'demand' };
    if (retrieval.redirect || retrieval.refusal) return retrieval;
    return { ...retrieval, refusal: 'manipulation' };
  }

  private async retrieveUnderstood(asked: string, language: Language, vectorSearch?: VectorSearch, settingsOverride?: Partial<RetrievalSettings>): Promise<DetailedRetrieval> {
    // The first question after a start or a reload learns the out-of-scope likelihood (a second or more): before
    // the vector query leaves, or that query would time out while the learning holds the process.
    this.examples.prepare();
    const question = withoutPersonalData(asked);
    const settings = settingsOverride ? { ...this.settings, ...settingsOverride } : this.settings;
    const vote = once(() => this.examples.vote(withoutDoneClauses(question)));
    const parts = once(() => questionParts(question, (sentence) => this.tellsRequest(sentence, language)));
    const reading: QuestionReading = {
      parts,
      events: once(() => this.lifeEventProcedures(question, language)),
      partVotes: once(() => (parts().length < 2 ? [] : parts().map((part) => this.examples.vote(withoutDoneClauses(part))))),
    };
    const decided = this.exampleAnswerFirst(await this.decide(question, language, settings, vectorSearch, vote, reading), question, language, vote, settings);
    return this.partsAsRead(this.readingBeside(this.secondAsPartsVoted(decided, language, reading, settings), question, language, settings), reading, settings);
  }

  /**
   * "I keep bees and a few sheep. How do I get a producer certificate, and do I also need to register the
   * animals…?": the words found the producer's certificate, and the register's certificate came second. What all
   * the example questions at once read the message as (`readProcedure`), when no answer cites it yet: from
   * `readingFirstProbability` it goes first and the words' first answer second; from `readingSecondProbability`
   * it takes the place of a second answer, which came from weaker signs (a runner-up, a part's words) than the
   * reading. Read as about the town hall itself ("La primărie, biroul de la registrul agricol e la parter sau
   * sus?") from `readingTopicProbability`, the topic the message names is answered, the procedure beside it.
   */
  private readingBeside(retrieval: DetailedRetrieval, question: string, language: Language, settings: RetrievalSettings): DetailedRetrieval {
    const first = retrieval.candidates[0];
    // A clarifying question is left as it is: with a model, the uncertain message is the model's to pick.
    if (retrieval.decision !== 'answer' || !first) return retrieval;
    const [read] = this.examples.readProcedure(withoutDoneClauses(question));
    if (read?.answer === townHallAnswer && !retrieval.townHallTopic && read.probability >= settings.readingTopicProbability) {
      const topic = this.townHallTopicKeywords.match(question, language)[0]?.owner as TownHallTopicId | undefined;
      if (topic !== undefined) return { ...retrieval, townHallTopic: topic, secondary: first, secondaryAskedFirst: false };
    }
    if (!read || !this.proceduresBySlug.has(read.answer)) return retrieval;
    const cited = [retrieval.townHallTopic ? undefined : first.procedure.slug, retrieval.secondary?.procedure.slug];
    if (cited.includes(read.answer)) return retrieval;
    const readCandidate = this.candidateFor(read.answer, retrieval);
    if (read.probability >= settings.readingFirstProbability && !retrieval.townHallTopic) {
      return { ...retrieval, candidates: [readCandidate, ...retrieval.candidates.filter((candidate) => candidate !== readCandidate)], secondary: first, secondaryAskedFirst: false };
    }
    const bar = retrieval.secondary ? settings.readingSecondProbability : settings.readingFirstProbability;
    if (read.probability < bar) return retrieval;
    return { ...retrieval, secondary: readCandidate, ...(retrieval.townHallTopic ? {} : { secondaryAskedFirst: false }) };
  }

  /**
   * "am construit un garaj nou, trebuie declarat la impozite? si pot plati online pe ghiseul.ro?": the garage's
   * permit came first by its words, the payment second. Each part is read as all the example questions read it:
   * when one part is read as the first answer and another as a procedure no answer cites, from
   * `readingPartProbability`, that procedure takes the second place, unless a part is read as the second already.
   */
  private partsAsRead(retrieval: DetailedRetrieval, reading: QuestionReading, settings: RetrievalSettings): DetailedRetrieval {
    const first = retrieval.candidates[0];
    if (retrieval.decision !== 'answer' || !first || retrieval.townHallTopic) return retrieval;
    const parts = reading.parts();
    if (parts.length < 2) return retrieval;
    const firstSlug = first.procedure.slug;
    const secondSlug = retrieval.secondary?.procedure.slug;
    const reads = parts.map((part) => this.examples.readProcedure(withoutDoneClauses(part))[0]);
    const aboutFirst = reads.findIndex((read) => read?.answer === firstSlug);
    if (aboutFirst < 0) return retrieval;
    if (reads.some((read, index) => index !== aboutFirst && read?.answer === secondSlug)) return retrieval;
    let best: { answer: string; probability: number } | undefined;
    for (const [index, read] of reads.entries()) {
      if (index === aboutFirst || !read || read.answer === firstSlug || !this.proceduresBySlug.has(read.answer) || read.probability < settings.readingPartProbability) continue;
      if (!best || read.probability > best.probability) best = read;
    }
    if (!best) return retrieval;
    // The words' first answer stays first: put second, a part read as asked first lost more first answers than it won.
    return { ...retrieval, secondary: this.candidateFor(best.answer, retrieval), secondaryAskedFirst: false };
  }

  /**
   * "Am vândut Loganul… cum îl scot de la impozit? Și restul de impozit pe casă se poate plăti online?": one
   * procedure was answered, and the words of another part did not name a second one plainly enough. When the
   * example questions most like that part agree on another procedure (or on the town hall itself, whose topic
   * the part names), it is answered beside the first, in the order the message asked them. It also replaces a
   * second procedure that the whole message suggested but no part asks; one that the words found for that part
   * gives way only when they agree more closely still.
   */
  private secondAsPartsVoted(retrieval: DetailedRetrieval, language: Language, reading: QuestionReading, settings: RetrievalSettings): DetailedRetrieval {
    if (retrieval.decision === 'answer' && retrieval.townHallTopic && !retrieval.secondary && !retrieval.alsoRedirect) return this.procedureBesideTopicAsVoted(retrieval, retrieval.townHallTopic, language, reading, settings);
    const first = retrieval.candidates[0];
    if (retrieval.decision !== 'answer' || !first || retrieval.townHallTopic || retrieval.alsoRedirect) return retrieval;
    const parts = reading.parts();
    if (parts.length < 2) return retrieval;
    const firstSlug = first.procedure.slug;
    const secondSlug = retrieval.secondary?.procedure.slug;
    const votes = reading.partVotes();
    const events = reading.events();
    // Each part's own best procedure, by its words: asked for up to three times per part below.
    const wordsFound = new Map<number, string | undefined>();
    const wordsFind = (index: number): string | undefined => {
      if (!wordsFound.has(index)) wordsFound.set(index, this.bestLexicalProcedure(parts[index]!, language, events, firstSlug)?.slug);
      return wordsFound.get(index);
    };
    const aboutFirst = parts.findIndex((_, index) => votes[index]?.answer === firstSlug || wordsFind(index) === firstSlug);
    if (aboutFirst < 0) return retrieval;
    let best: { answer: string; share: number; index: number } | undefined;
    // A second procedure the words found for a part of its own gives way only to a closer agreement; one that
    // came from the whole message (a runner-up, a life event's next step) to what a part is asking.
    const secondOfPart = secondSlug !== undefined && parts.some((_, index) => index !== aboutFirst && wordsFind(index) === secondSlug);
    for (const [index, vote] of votes.entries()) {
      if (index === aboutFirst || !vote || vote.answer === null || vote.answer === firstSlug || vote.answer === secondSlug) continue;
      if (vote.answer !== townHallAnswer && !this.proceduresBySlug.has(vote.answer)) continue;
      const [similarity, share] = secondOfPart ? [settings.examplePartOverWordsSimilarity, settings.examplePartOverWordsShare] : [settings.examplePartSimilarity, settings.examplePartShare];
      if (vote.similarity < similarity || vote.share < share) continue;
      if (secondOfPart && wordsFind(index) !== secondSlug) continue;
      if (!best || vote.share > best.share) best = { answer: vote.answer, share: vote.share, index };
    }
    if (!best) return retrieval;
    // Replacing a second answer keeps the first one first: the message's own words put it there.
    const askedFirst = secondSlug === undefined && best.index < aboutFirst;
    if (best.answer !== townHallAnswer) return { ...retrieval, secondary: this.candidateFor(best.answer, retrieval), secondaryAskedFirst: askedFirst };
    // A topic that is a procedure's practical side (its office, the cashier) is answered by that procedure already.
    const topic = this.topicOfPart(parts[best.index]!, language);
    if (topic === undefined) return retrieval;
    return { ...retrieval, townHallTopic: topic, secondary: first, secondaryAskedFirst: !askedFirst };
  }

  /**
   * "Vreau să-mi schimb prenumele, cum se face? Și pe ce adresă de mail vă pot trimite actele?": the town hall's
   * topic answers one part; another part gets the procedure the questions most like it agree on closely, when
   * its words did not name one plainly enough. Closely: a story told beside the topic ("my grandmother is 85
   * and cannot walk far") is like many questions about procedures.
   */
  private procedureBesideTopicAsVoted(retrieval: DetailedRetrieval, topic: TownHallTopicId, language: Language, reading: QuestionReading, settings: RetrievalSettings): DetailedRetrieval {
    const parts = reading.parts();
    if (parts.length < 2) return retrieval;
    const namesTopic = (part: string) => this.townHallTopicKeywords.match(part, language).some((match) => match.owner === topic);
    const topicIndex = parts.findIndex(namesTopic);
    if (topicIndex < 0) return retrieval;
    const ownProcedure = this.townHallTopicsById.get(topic)?.procedure;
    const votes = reading.partVotes();
    let best: { slug: string; share: number; index: number } | undefined;
    for (const [index, vote] of votes.entries()) {
      if (index === topicIndex || namesTopic(parts[index]!) || !vote || vote.answer === null || vote.answer === ownProcedure || !this.proceduresBySlug.has(vote.answer)) continue;
      if (vote.similarity < settings.examplePartOverWordsSimilarity || vote.share < settings.examplePartOverWordsShare) continue;
      if (!best || vote.share > best.share) best = { slug: vote.answer, share: vote.share, index };
    }
    if (!best) return retrieval;
    return { ...retrieval, secondary: this.candidateFor(best.slug, retrieval), secondaryAskedFirst: best.index < topicIndex };
  }

  /**
   * "Am vândut Golful vechi, trebuie scos de pe numele meu?" names no procedure in its words, but questions
   * like it were asked before and answered with the car's tax record: when the nearest agree, that
   * procedure goes first, and what the words found comes beside it. When they agree that such questions
   * were not the town hall's business (or only lean that way, and the town hall is not named either), and no
   * keyword or life event names a procedure, it is refused; so is a message that all the examples together find
   * likely not the town hall's business (`unlikelyTownHallBusiness`). An answer about the town hall itself and a
   * refusal are left as they are; a redirect, unless the nearest agree closely on a procedure
   * (`procedureBesideRedirect`). When they agree the message is about the town hall itself, its topic is answered
   * (`townHallAsVoted`); when nearly all were out of scope, a named procedure does not keep it
   * (`namedButNearlyAllOut`).
   */
  private exampleAnswerFirst(retrieval: DetailedRetrieval, question: string, language: Language, votes: () => ExampleVote | undefined, settings: RetrievalSettings): DetailedRetrieval {
    if (retrieval.decision === 'out_of_scope') return retrieval.redirect ? this.procedureBesideRedirect(retrieval, votes, settings) : retrieval;
    const vote = votes();
    if (vote === undefined) return retrieval;
    if (leansOutOfScope(retrieval, question, vote)) return { decision: 'out_of_scope', candidates: [], diagnostics: retrieval.diagnostics };
    if (this.unlikelyTownHallBusiness(retrieval, question, settings)) {
      return { decision: 'out_of_scope', candidates: [], diagnostics: retrieval.diagnostics, ...(retrieval.diagnostics.procedureNamed && retrieval.candidates[0] ? { offered: retrieval.candidates[0] } : {}) };
    }
    if (vote.similarity < settings.exampleSimilarity || vote.share < settings.exampleShare) return this.exampleAnswerBeside(retrieval, question, vote, settings);
    if (vote.answer === null) {
      // "Mesélj egy viccet a polgármesterről": no keyword or life event names a procedure, and the questions
      // most like it were not the town hall's business. An answer about the town hall itself is refused only
      // when they agree more closely: "until what time are you open, my son drives me" is no small talk.
      const closeEnough = !retrieval.townHallTopic || (vote.similarity >= settings.exampleTopicRefusalSimilarity && vote.share >= settings.exampleTopicRefusalShare);
      if (closeEnough && !retrieval.diagnostics.procedureNamed) return { decision: 'out_of_scope', candidates: [], diagnostics: retrieval.diagnostics };
      return this.namedButNearlyAllOut(retrieval, question, language, vote, settings) ?? retrieval;
    }
    if (retrieval.townHallTopic) return retrieval;
    const slug = vote.answer;
    if (slug === townHallAnswer) return this.townHallAsVoted(retrieval, question, language, vote, settings);
    if (!this.proceduresBySlug.has(slug)) return retrieval;
    // "Szia, adóigazolás hogy megy?": the words hesitated between a few procedures, the questions like it
    // agree on the first of them.
    if (retrieval.candidates[0]?.procedure.slug === slug) return isVagueClarification(retrieval, question) || retrieval.decision !== 'clarify' ? retrieval : withoutDoubt(retrieval);
    if (isClarificationOfFewWords(retrieval, question)) return retrieval;
    // Questions about the step already done look like the message ("am certificatul de urbanism, ce acte
    // mai trebuie?" is much like "ce acte trebuie pentru certificatul de urbanism?"), but it asks the next.
    if (retrieval.diagnostics.nextStepTold) return retrieval;
    const chosen = this.candidateFor(slug, retrieval);
    const { uncertain, secondary, secondaryAskedFirst, ...rest } = retrieval;
    const previousFirst = retrieval.candidates[0];
    return {
      ...rest,
      decision: 'answer',
      candidates: [chosen, ...retrieval.candidates.filter((candidate) => candidate !== chosen)],
      ...(previousFirst ? { secondary: previousFirst } : {}),
    };
  }

  /**
   * "Am făcut deja… anexa pentru notar. Cât ia notarul pe certificatul de moștenitor?": a keyword names a
   * procedure, but nearly all of the closest questions were another authority's business. Sent to the authority
   * it names, or refused with the named procedure offered, unless it asks for that procedure by its title.
   */
  private namedButNearlyAllOut(retrieval: DetailedRetrieval, question: string, language: Language, vote: ExampleVote, settings: RetrievalSettings): DetailedRetrieval | undefined {
    if (!retrieval.diagnostics.procedureNamed || retrieval.townHallTopic) return undefined;
    if (vote.similarity < settings.exampleNamedOutOfScopeSimilarity || vote.share < settings.exampleNamedOutOfScopeShare) return undefined;
    const best = retrieval.candidates[0];
    if (best && namesTitle(question, best.procedure)) return undefined;
    const named = this.redirectKeywords.match(withoutDoneClauses(question), language)[0];
    if (named) return { decision: 'out_of_scope', candidates: [], redirect: this.redirectsById.get(named.owner)!, diagnostics: retrieval.diagnostics };
    return { decision: 'out_of_scope', candidates: [], diagnostics: retrieval.diagnostics, ...(best ? { offered: best } : {}) };
  }

  /**
   * "Fiul meu mi-a adus un Audi din Germania, are numere roșii provizorii… ce hârtie îmi trebuie de la primărie?":
   * the plates are another authority's, named more plainly than anything the town hall does, but the questions
   * most like it were answered with the car's tax record. When they agree, that procedure is answered and the other authority
   * given beside it, rather than sending the citizen away with half the answer. The nearest must agree more
   * closely than to put a procedure first: many that were another authority's look like a procedure's too.
   */
  private procedureBesideRedirect(retrieval: DetailedRetrieval, votes: () => ExampleVote | undefined, settings: RetrievalSettings): DetailedRetrieval {
    const vote = votes();
    if (!vote || vote.answer === null || !this.proceduresBySlug.has(vote.answer) || vote.similarity < settings.exampleOverRedirectSimilarity || vote.share < settings.exampleOverRedirectShare) return retrieval;
    return { decision: 'answer', candidates: [this.candidateFor(vote.answer, retrieval)], alsoRedirect: retrieval.redirect, diagnostics: retrieval.diagnostics };
  }

  /**
   * "Hol van pontosan a hivatal? … Van előtte parkoló?": no rule found the town hall's own topic in the words,
   * which a procedure's texts share ("templom", "parkoló"), but the questions most like it were all about the
   * town hall itself. When they agree closely, no keyword or life event names a procedure, and a topic's words
   * are there, the topic is answered. "La ce număr sun pentru registrul agricol? Și biroul lor e la parter?"
   * names a procedure, and asks about its office: when the nearest agree more closely still, the topic is
   * answered with the named procedure beside it.
   */
  private townHallAsVoted(retrieval: DetailedRetrieval, question: string, language: Language, vote: ExampleVote, settings: RetrievalSettings): DetailedRetrieval {
    const named = retrieval.diagnostics.procedureNamed === true;
    const [similarity, share] = named ? [settings.exampleNamedTopicSimilarity, settings.exampleNamedTopicShare] : [settings.exampleTopicSimilarity, settings.exampleTopicShare];
    if (vote.similarity < similarity || vote.share < share) return retrieval;
    const topic = this.townHallTopicKeywords.match(question, language)[0]?.owner as TownHallTopicId | undefined;
    if (topic === undefined) return retrieval;
    return { decision: 'answer', candidates: named ? retrieval.candidates : [], townHallTopic: topic, diagnostics: retrieval.diagnostics };
  }

  /**
   * "Cand vin banii de la APIA pe hectar? Doamna de la registrul agricol zice ca intarzie": a word names a
   * procedure, but the message as a whole is like the ones that were not the town hall's business. The bar is
   * higher when a keyword or a life event names a procedure or the message names the town hall itself
   * ("Primăria vinde bilete de avion?": the citizen thinks it is town-hall business, and is asked which), and
   * higher still for the town hall's own facts ("when does the mayor receive people?" shares its words with
   * jokes about the mayor), and for a question that a named procedure explains nearly whole ("Cum fac programare la primar?" shares
   * its appointment with the family doctor's and the number plates').
   */
  private unlikelyTownHallBusiness(retrieval: DetailedRetrieval, question: string, settings: RetrievalSettings): boolean {
    // Asked by its own title, the procedure is what the message is about, whatever else it says.
    const best = retrieval.candidates[0]?.procedure;
    if (best && namesTitle(question, best)) return false;
    const bar = retrieval.townHallTopic
      ? settings.topicOutOfScopeLikelihood
      : retrieval.diagnostics.procedureNamed && retrieval.diagnostics.confidence >= settings.plainlyNamedConfidence
        ? settings.plainlyNamedOutOfScopeLikelihood
        : retrieval.diagnostics.procedureNamed || namesTownHall(tokenize(question))
        ? settings.namedOutOfScopeLikelihood
        : settings.outOfScopeLikelihood;
    // "A rendszámot már megkaptam, most mit kell intézni az autóval?": the plates are done, the car is asked about.
    return this.examples.outOfScopeLikelihood(withoutDoneClauses(question)) >= bar;
  }

  /**
   * The example questions lean towards another procedure than the one the words found, without agreeing
   * enough to put it first: a single answer gets it as a second short card, as two close procedures do.
   */
  private exampleAnswerBeside(retrieval: DetailedRetrieval, question: string, vote: ExampleVote, settings: RetrievalSettings): DetailedRetrieval {
    const slug = vote.answer;
    if (slug === null || !this.proceduresBySlug.has(slug) || vote.similarity < settings.exampleBesideSimilarity || vote.share < settings.exampleBesideShare) return retrieval;
    if (isVagueClarification(retrieval, question)) return retrieval;
    // Leaning to the first of the procedures the words hesitated between is enough to answer it.
    if (retrieval.decision === 'clarify' && retrieval.candidates[0]?.procedure.slug === slug) return withoutDoubt(retrieval);
    if (retrieval.decision !== 'answer' || retrieval.townHallTopic || retrieval.secondary || retrieval.candidates[0]?.procedure.slug === slug) return retrieval;
    if (!retrieval.candidates[0]) return retrieval;
    return { ...retrieval, secondary: this.candidateFor(slug, retrieval) };
  }

  /** A retrieved candidate for a procedure, or one described with no score when the words did not find it. */
  private candidateFor(slug: string, retrieval: DetailedRetrieval): RetrievedProcedure {
    return retrieval.candidates.find((candidate) => candidate.procedure.slug === slug) ?? this.describe(unscored(slug), 0, 0);
  }

  /** @param whileWaiting work that needs the CPU anyway, done while Chroma answers rather than after. */
  private async decide(
    question: string,
    language: Language,
    settings: RetrievalSettings,
    vectorSearch: VectorSearch | undefined,
    whileWaiting: () => unknown,
    reading: QuestionReading,
  ): Promise<DetailedRetrieval> {
    const scores = new Map<string, ProcedureScore>();
    const scoreFor = (slug: string): ProcedureScore => {
      let score = scores.get(slug);
      if (!score) {
        score = { slug, lexical: 0, vector: 0, keyword: 0, event: 0, combined: 0 };
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
    const queryTerms = this.lexicalIndex.queryTerms(question, language, this.isContextWord);

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
      for (const match of this.procedureKeywords.match(withoutTownHallName(question), language)) Object.assign(scoreFor(match.owner), { keyword: match.size, keywordMatched: match.keyword });
      for (const { slug, strength, told, abroad, nextStep } of reading.events()) {
        if (!this.proceduresBySlug.has(slug)) continue;
        const score = scoreFor(slug);
        score.eventTellings = [...(score.eventTellings ?? []), told];
        if (strength > score.event) Object.assign(score, { event: strength, eventAbroad: abroad, eventNextStep: nextStep });
      }
    }

    const diagnostics: RetrievalDiagnostics = { confidence: 0 };
    const vectorChunks: VectorMatch[] = [];
    let bestVectorChunk = 0;
    if (settings.mode !== 'lexical') {
      if (!vectorMatches) diagnostics.vectorUnavailable = 'no vector store';
      else {
        whileWaiting();
        this.readWhileWaiting(question, language, reading);
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

    const ranked = this.toldFirst(this.fuse([...scores.values()], settings, diagnostics.vectorUnavailable !== undefined), queryTerms, settings, language);
    const top = ranked[0];
    const evidence = top ? this.lexicalIndex.evidence(queryTerms, top.slug) : { share: 0, mass: 0 };
    const confidence = evidence.share;
    diagnostics.confidence = confidence;
    diagnostics.evidence = evidence.mass;
    if (top?.eventNextStep) diagnostics.nextStepTold = true;
    if (top && (top.keyword > 0 || top.event > 0)) diagnostics.procedureNamed = true;
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

    // Attempts to steer the assistant are refused whatever procedure they also name, also when written in
    // leetspeak; a sentence encoded in base64 is one by itself.
    if (this.steers(question, language) || decodedBase64(question).length > 0) {
      return { decision: 'out_of_scope', candidates: [], refusal: 'manipulation', diagnostics };
    }
    const procedureEvidence = Math.max(top?.keyword ?? 0, top?.event ?? 0);
    // Another authority is named only if no procedure is named more plainly: "kicsi a nyugdíjam, … fát
    // télre" is heating aid even when another procedure ranks first on words.
    const plainestNaming = Math.max(0, ...ranked.map((score) => Math.max(score.keyword, score.event)));
    const redirectMatch = this.matchRedirect(question, language, queryTerms, confidence, plainestNaming, settings);
    // "Mama a murit acasă… doctorul de familie": another authority named as plainly as a procedure or a
    // life event is not the whole question. The procedure is answered and the other authority given beside it.
    const alsoRedirect = redirectMatch && !redirectMatch.decisive && plainestNaming > 0 ? redirectMatch.redirect : undefined;
    if (redirectMatch && !alsoRedirect) return { decision: 'out_of_scope', candidates: [], redirect: redirectMatch.redirect, diagnostics };
    const withRedirect = <Result extends DetailedRetrieval>(result: Result): Result => (alsoRedirect && result.decision !== 'out_of_scope' ? { ...result, alsoRedirect } : result);
    // A phrase of small words ("ce mai faci?") weighs as one word: any procedure named beside it keeps the question.
    const chitchat = this.chitchatKeywords.match(question, language)[0] ?? (this.chitchatPhrases.match(question) ? { size: 1 } : undefined);
    // Chit-chat beside a procedure named as plainly ("anexă … scorul?") leaves the procedure to answer.
    // "Are you married?" asks about the assistant: the procedure's word ("married") is inside the chit-chat
    // phrase, and nothing outside it names a procedure or a life event.
    const askedOfAssistant = (): boolean => {
      if (procedureEvidence === 0) return false;
      const rest = this.chitchatPhrases.remove(question);
      return rest !== question && this.procedureKeywords.match(rest, language).length === 0 && this.lifeEventKeywords.match(rest, language).length === 0;
    };
    const chitchatWins =
      chitchat !== undefined && (chitchat.size > procedureEvidence || (procedureEvidence === 0 && confidence < settings.minimumConfidence) || askedOfAssistant());
    if (chitchatWins) return { decision: 'out_of_scope', candidates: [], refusal: 'chitchat', diagnostics };
    const answerable =
      top !== undefined &&
      ((confidence >= settings.minimumConfidence && (evidence.mass >= settings.minimumEvidence || top.keyword >= namingKeywordSize)) ||
      (evidence.mass >= settings.decisiveEvidence && confidence >= settings.longMessageConfidence) ||
      // A life event names its procedure plainly even in words the procedures never use.
      top.event > 0);
    const townHallTopic = this.matchTownHallTopic(question, language, reading, procedureEvidence, answerable, top?.slug);
    // Candidates only when a procedure is clearly named: "which office for the agricultural register?".
    if (townHallTopic) {
      const topicCandidates = answerable || procedureEvidence > 0 ? candidates : [];
      const procedurePart = this.procedureBesideTopic(language, reading, townHallTopic, top?.slug, shownBySlug, confidence);
      const besideTopic = procedurePart ? { secondary: procedurePart.procedure, ...(procedurePart.askedFirst ? { secondaryAskedFirst: true } : {}) } : {};
      return withRedirect({ decision: 'answer', candidates: topicCandidates, townHallTopic, ...besideTopic, diagnostics });
    }
    if (!top) return { decision: 'out_of_scope', candidates: [], diagnostics };
    // The procedure is not understood well enough to answer; the other authority was named plainly.
    if (!answerable && alsoRedirect) return { decision: 'out_of_scope', candidates: [], redirect: alsoRedirect, diagnostics };
    if (!answerable) {
      // Town-hall business not understood well enough to answer: ask, never refuse flatly.
      // A short vague question made of the town hall's own words ("adeverință") is asked about too.
      const vague = confidence >= settings.minimumConfidence;
      if (vague || (confidence >= settings.clarifyConfidence && evidence.mass >= settings.clarifyEvidence)) return { decision: 'clarify', uncertain: true, candidates, diagnostics };
      return { decision: 'out_of_scope', candidates: [], diagnostics };
    }
    // "What are your opening hours, and what do I need to tear down a shed?": the procedure and, in a part
    // of its own, the town hall itself (whose words a shop's procedure may hold too).
    const topicPart = this.topicBesideProcedure(language, reading, top.slug);
    if (topicPart) return withRedirect({ decision: 'answer', candidates, townHallTopic: topicPart.topic, secondary: candidates[0]!, ...(topicPart.askedFirst ? {} : { secondaryAskedFirst: true }), diagnostics });
    const secondary = this.secondProcedure(question, language, reading, top.slug, shownBySlug, confidence);
    // The answers come in the order the message asked them.
    if (secondary) return withRedirect({ decision: 'answer', candidates, secondary: secondary.procedure, ...(secondary.askedFirst ? { secondaryAskedFirst: true } : {}), diagnostics });
    const runnerUp = ranked[1];
    // Close scores are a real doubt only when the runner-up is named as plainly as the best one.
    const close = runnerUp !== undefined && runnerUp.combined >= settings.clarifyRatio * top.combined && runnerUp.keyword >= top.keyword;
    // The first two procedures of a life event ("vreau să-mi construiesc o casă": certificate, then permit)
    // are two steps of the same thing: both are answered rather than asked about.
    if (top.event > 0 && runnerUp !== undefined && runnerUp.event > 0) return withRedirect({ decision: 'answer', candidates, secondary: candidates[1], diagnostics });
    // Two procedures that fit about equally well are both answered, each with its short card: the
    // citizen reads the right one at once instead of answering a question first.
    if (close) return withRedirect({ decision: 'answer', candidates, secondary: candidates[1], diagnostics });
    return withRedirect({ decision: 'answer', candidates, diagnostics });
  }

  /**
   * "I lost my job and we can barely afford food": the life event names its procedure plainly, but in
   * words the procedures never use, so words and vectors may rank another procedure first that nothing
   * names. When that one is too weak to answer, the procedure the event names goes first instead of a
   * clarifying question among unrelated procedures or a refusal.
   */
  private toldFirst(ranked: ProcedureScore[], queryTerms: ReturnType<LexicalIndex['queryTerms']>, settings: RetrievalSettings, language: Language): ProcedureScore[] {
    const [first] = ranked;
    if (!first) return ranked;
    const told = ranked.reduce<ProcedureScore | undefined>((best, score) => (score.event > (best?.event ?? 0) ? score : best), undefined);
    if (!told || told === first) return ranked;
    const toldAhead = [told, ...ranked.filter((score) => score !== told)];
    // "Ne-am căsătorit în Anglia… să fie valabilă căsătoria": the event, told in a phrase (a marriage
    // abroad), names its procedure more plainly than the one word that names the first. A first procedure
    // the events name too keeps its place: words and vectors order an event's steps.
    if (first.event === 0 && told.event >= namingKeywordSize && (told.event > first.keyword || (told.eventTellings ?? []).some((telling) => this.explains(telling, first.keywordMatched, language)))) {
      return toldAhead;
    }
    // "Meghalt az apám Olaszországban": an event abroad needs the foreign record transcribed before anything
    // else; a later step ranked first on words waits, unless a keyword names it.
    if (told.eventAbroad && first.keyword === 0 && first.event < told.event) return toldAhead;
    // A later step of the event ("passed away": the inheritance) first only on the strength of its own words.
    if (first.keyword > 0 || (first.event > 0 && first.event >= told.event)) return ranked;
    const { share, mass } = this.lexicalIndex.evidence(queryTerms, first.slug);
    const firstAnswerable = (share >= settings.minimumConfidence && mass >= settings.minimumEvidence) || (mass >= settings.decisiveEvidence && share >= settings.longMessageConfidence);
    return firstAnswerable ? ranked : toldAhead;
  }

  /**
   * Whether a telling of an event holds every word of a procedure's keyword: "we have the death certificate"
   * (a death already registered) explains "death certificate" (the registration's keyword).
   */
  private explains(telling: string, keyword: string | undefined, language: Language): boolean {
    if (keyword === undefined) return false;
    const told = new Set(analyze(telling, language).map(({ stem }) => stem));
    return analyze(keyword, language).every(({ stem }) => told.has(stem));
  }

  /** The procedures of the life events a question tells of; the main procedure of an event counts most. */
  private lifeEventProcedures(question: string, language: Language): EventProcedure[] {
    const found: EventProcedure[] = [];
    const matches = this.lifeEventKeywords.match(withoutTownHallName(question), language).map((match) => ({ match, words: new Set(analyze(match.keyword, language).map(({ token }) => token)) }));
    // An event whose words are all part of another's is not told apart from it: "născut în Italia" (a birth
    // abroad) is not also "născut" (a birth at home).
    const subsumed = (words: Set<string>) => matches.some((other) => other.words.size > words.size && [...words].every((word) => other.words.has(word)));
    // "Am moștenit…, certificatul de moștenitor l-am luat de la notar": told with what comes after it, an event is done.
    const followed = new Set(matches.flatMap(({ match }) => this.lifeEventsById.get(match.owner)?.follows ?? []));
    for (const { match } of matches.filter(({ match, words }) => !subsumed(words) && !followed.has(match.owner))) {
      const event = this.eventAsTold(match.owner, question, language);
      // "Stuttgartban meghalt": the country is a word of the telling too, as in the phrase "death abroad".
      const abroad = event !== undefined && event.id !== match.owner;
      const size = abroad ? match.size + 1 : match.size;
      const nextStep = (event?.follows ?? []).length > 0;
      event?.procedures.forEach((slug, index) => found.push({ slug, strength: size * (index === 0 ? 1 : 0.6), told: match.keyword, abroad: abroad && index === 0, nextStep }));
    }
    return found;
  }

  /**
   * "Our baby was born in Ireland" is a birth abroad: an event told in the same sentence as another
   * country becomes its abroad variant. Only the same sentence: "I'm from Ireland. … a home birth
   * here" is a birth at home.
   */
  private eventAsTold(id: string, question: string, language: Language): LifeEvent | undefined {
    const event = this.lifeEventsById.get(id);
    const variant = event?.abroad ? this.lifeEventsById.get(event.abroad) : undefined;
    if (!variant) return event;
    const toldAbroad = tellingsOf(question, language).some(
      (sentence) => this.abroadKeywords.match(sentence, language).length > 0 && this.lifeEventKeywords.match(withoutTownHallName(sentence), language).some((match) => match.owner === id),
    );
    return toldAbroad ? variant : event;
  }

  /**
   * While Chroma answers, what the rules after the ranking read from the message alone, whatever the vectors
   * say: whether it steers the assistant, its parts, the other authorities, chit-chat and topics it names,
   * how likely it is not the town hall's business. Each is remembered where it is asked for again.
   */
  private readWhileWaiting(question: string, language: Language, reading: QuestionReading): void {
    this.steers(question, language);
    reading.parts();
    this.redirectKeywords.match(withoutDoneClauses(question), language);
    this.chitchatKeywords.match(question, language);
    this.townHallTopicKeywords.match(question, language);
    this.examples.outOfScopeLikelihood(withoutDoneClauses(question));
  }

  private steers(question: string, language: Language): boolean {
    if (this.lastSteering?.question === question && this.lastSteering.language === language) return this.lastSteering.steers;
    const isWord = (token: string) => isStopWord(token) || this.lexicalIndex.hasWord(token);
    const steers = [question, ...hiddenReadings(question, isWord)].some(
      (text) => this.manipulationKeywords.match(text, language).length > 0 || this.manipulationPhrases.match(text) !== undefined || steeringShape(text) !== undefined,
    );
    this.lastSteering = { question, language, steers };
    return steers;
  }

  /** Whether a sentence tells of an event that is a request by itself ("nem ég a közvilágítás"). */
  tellsRequest(sentence: string, language: Language): boolean {
    return this.lifeEventKeywords.match(withoutTownHallName(sentence), language).some((match) => this.lifeEventsById.get(match.owner)?.tellingAsks === true);
  }

  /**
   * "Care e programul primăriei?" is about the town hall itself. A procedure named by a longer phrase
   * than the topic ("programare la audiență" against "program") keeps the question.
   */
  private matchTownHallTopic(
    question: string,
    language: Language,
    reading: QuestionReading,
    procedureEvidence: number,
    procedureAnswerable: boolean,
    topSlug: string | undefined,
  ): TownHallTopicId | undefined {
    const matches = this.townHallTopicKeywords.match(question, language);
    const shortQuestionAboutTownHall = isShortQuestionAboutTownHall(question);
    const folded = foldDiacritics(question);
    const words = tokenize(question).length;
    const longMessage = words > departmentQuestionWords;
    // "Hello! Just wanted to say thanks, the lady at the civil registry desk was super kind to my grandma":
    // a message that tells and asks nothing is not a question about an office because it names one.
    if (words > statementWithTopicWords && reading.parts().length === 0) return undefined;
    // "Unde e primăria?", "Hol van a hivatal?": where the town hall is, with no other topic named.
    // "Pontosan hol van a polgármesteri hivatal? A templom melletti sárga épület az?": one short sentence asks it.
    if (matches.length === 0 && procedureEvidence === 0 && (shortQuestionAboutTownHall ? asksWhere.test(folded) : this.asksWhereInShortSentence(question))) return 'address';
    // "When does the mayor hold public audiences?": when, about the procedure of asking for one, is the
    // audience hours (the procedure is cited beside them).
    // "…stau în Bălăușeri pe strada principală… De unde încep?": in a long message, a topic named only in what
    // is told (where one lives, a shop's opening) is not what is asked when a procedure answers it.
    const asked = (topic: string) => !longMessage || reading.parts().some((part) => this.townHallTopicKeywords.match(part, language).some((match) => match.owner === topic));
    const audience = this.townHallTopicsById.get('audience');
    // "Joia până la ce oră aveți program?" names the opening hours, not the mayor's: another topic named
    // without the audience keeps its own.
    const namesOtherTopic = matches.length > 0 && !matches.some((match) => match.owner === 'audience');
    if (audience?.procedure !== undefined && audience.procedure === topSlug && asksWhen.test(folded) && !namesOtherTopic) return 'audience';
    for (const match of matches) {
      const topic = match.owner as TownHallTopicId;
      // …unless nothing else would answer: the town hall's fact is better than a refusal.
      if (!asked(topic) && procedureAnswerable) continue;
      // "Aveți casierie? Pot plăti impozitul cash?": the practical side of the procedure asked about is
      // the topic; the same words beside another procedure ("taxa de urbanism cash?") leave it that one.
      const ownProcedure = this.townHallTopicsById.get(topic)?.procedure;
      if (ownProcedure !== undefined && topic !== 'audience') {
        // Paying online is the procedure itself (Ghișeul.ro), not the cashier's desk.
        if ((ownProcedure === topSlug || procedureEvidence === 0) && !asksOnline.test(folded)) return topic;
        continue;
      }
      // "La ce birou mă duc pentru registrul agricol?": the office of the procedure it names. In a long
      // message one office word ("iroda", "office") beside a plainly named procedure is not the question.
      if (topic === 'departments') {
        if (!longMessage || match.size > procedureEvidence || (match.size === procedureEvidence && !procedureAnswerable)) return topic;
        continue;
      }
      // "În ce zi are primarul audiențe?" asks when (the topic, with the procedure to ask for one cited
      // too); "cum mă programez la audiență" asks for one: the procedure, named by a phrase as long.
      if (topic === 'audience') {
        if (match.size > procedureEvidence || procedureEvidence === 0) return topic;
        continue;
      }
      // "Se poate vorbi în maghiară la ghișeu?" asks the languages; "putem oficia căsătoria în limba maghiară?"
      // asks about the wedding, which answers it; a story that mentions the language in passing is not the question.
      if (topic === 'languages') {
        if (procedureEvidence === 0 && (!procedureAnswerable || !longMessage)) return topic;
        continue;
      }
      if (match.size < procedureEvidence) continue;
      // A short question about the town hall itself ("Mikor van nyitva a hivatal?", "care e programul
      // primăriei?") is about the topic even when a procedure's keyword matches too.
      if (shortQuestionAboutTownHall || this.asksTopicInShortSentence(question, language, topic)) return topic;
      // A procedure's texts mention hours and offices in passing; only its own keywords or a life event
      // name it. Without them, the topic is what was asked.
      // In a long message one common word ("ajung", "reggel") is not the topic of an answerable question.
      // A short question that names no procedure ("Vinerea lucrați până la ce oră?") asks the topic, even
      // when a procedure's text happens to hold its words.
      if (procedureEvidence === 0 && (match.size >= 2 || !procedureAnswerable || words <= shortQuestionWords)) return topic;
      // A procedure that is named and answerable keeps a question whose topic is one word, and a long
      // message whose topic is named no more plainly than it ("…opening hours…" in a shop's story).
      if (procedureAnswerable && (match.size < 2 || (longMessage && procedureEvidence >= match.size))) continue;
      return topic;
    }
    return undefined;
  }

  /** Whether one sentence of the message is a short question where the town hall is. */
  private asksWhereInShortSentence(question: string): boolean {
    return sentencesOf(question).some((sentence) => isShortQuestionAboutTownHall(sentence) && asksWhere.test(foldDiacritics(sentence)));
  }

  /**
   * "Care e adresa primăriei? Vin de la Tg Mureș cu mașina…": one sentence of a longer message is a short
   * question about the town hall itself, and it names the topic on its own.
   */
  private asksTopicInShortSentence(question: string, language: Language, topic: TownHallTopicId): boolean {
    return sentencesOf(question).some(
      (sentence) => isShortQuestionAboutTownHall(sentence) && this.townHallTopicKeywords.match(sentence, language).some((match) => match.owner === topic),
    );
  }

  /**
   * Two questions in one message ("ce acte trebuie, și cum deschidem succesiunea?"): a part that asks
   * something of its own and clearly names another procedure than the whole message does.
   */
  private secondProcedure(
    question: string,
    language: Language,
    reading: QuestionReading,
    topSlug: string,
    shownBySlug: Map<string, ProcedureScore>,
    confidence: number,
  ): { procedure: RetrievedProcedure; askedFirst: boolean } | undefined {
    const parts = reading.parts();
    if (parts.length < 2) return undefined;
    // What the whole message tells (a death, a birth abroad) also says what each of its parts is about.
    const events = reading.events();
    const partBests = parts.map((part) => this.bestLexicalProcedure(part, language, events, topSlug));
    // One part must ask about the procedure the whole message is about, another about a second one. A part
    // whose own best reading is a near neighbour ("how do we transcribe the Italian birth certificate" read
    // as a birth at home) still asks about it when the whole message's procedure explains it about as well.
    const asksAboutTop = (found: (typeof partBests)[number]) => found !== undefined && (found.slug === topSlug || found.topShare >= topPartShare * found.share);
    const topPart = partBests.findIndex((found) => found?.slug === topSlug);
    const aboutTop = topPart >= 0 ? topPart : partBests.findIndex(asksAboutTop);
    if (aboutTop < 0) return undefined;
    let best: { slug: string; share: number; index: number; named: boolean } | undefined;
    for (const [index, found] of partBests.entries()) {
      if (!found || index === aboutTop || found.slug === topSlug) continue;
      // A part that names its procedure by a keyword ("Și alocația copilului?") needs less of its words; a
      // short one that names none ("Cui mă adresez?", "ce pot face?") asks about what was told before it.
      if (found.share < (found.named ? namedPartConfidence : secondPartConfidence) || found.mass < secondPartEvidence) continue;
      if (!found.named && tokenize(parts[index]!).length < unnamedPartWords) continue;
      // A part's best procedure must also be among the likeliest for the whole message, unless the part
      // names it by one of its keywords: a lone word ("ce pentru construcție") is read in context.
      if (!shownBySlug.has(found.slug) && !found.named) continue;
      if (!best || found.share > best.share) best = { ...found, index };
    }
    if (!best) return undefined;
    return { procedure: this.partProcedure(best.slug, best.share, shownBySlug, confidence), askedFirst: best.index < aboutTop && best.named && tokenize(question).length <= twoQuestionsWords };
  }

  /** The procedure a part of a message asks about, scored by the share of that part it explains. */
  private partProcedure(slug: string, share: number, shownBySlug: Map<string, ProcedureScore>, confidence: number): RetrievedProcedure {
    const score = shownBySlug.get(slug) ?? unscored(slug);
    return { ...this.describe(score, score.combined || 1, confidence), score: Math.round(share * 1000) / 1000 };
  }

  /**
   * A part of the message that asks about the town hall itself: a topic named in it at least as plainly as
   * any procedure. The topics that are a procedure's practical side (its office, the audience hours, the
   * cashier) answer that procedure already and are not a part of their own.
   */
  private topicOfPart(part: string, language: Language): TownHallTopicId | undefined {
    const [match] = this.townHallTopicKeywords.match(part, language).filter((found) => found.owner !== 'departments' && this.townHallTopicsById.get(found.owner)?.procedure === undefined);
    if (!match) return undefined;
    const [named] = this.procedureKeywords.match(withoutTownHallName(part), language);
    return match.size >= (named?.size ?? 0) ? (match.owner as TownHallTopicId) : undefined;
  }

  /** The parts of a message that ask something, each with the topic it asks about, if any. */
  private partsWithTopics(language: Language, reading: QuestionReading): { part: string; topic: TownHallTopicId | undefined }[] {
    const parts = reading.parts();
    return parts.length < 2 ? [] : parts.map((part) => ({ part, topic: this.topicOfPart(part, language) }));
  }

  /**
   * "Szénaverősön a patakba hordják a szemetet, kinek jelentsem? És szombaton nyitva van a hivatal?": the
   * topic answers one part; another part that names a procedure plainly on its own gets that one too.
   */
  private procedureBesideTopic(
    language: Language,
    reading: QuestionReading,
    topic: TownHallTopicId,
    topSlug: string | undefined,
    shownBySlug: Map<string, ProcedureScore>,
    confidence: number,
  ): { procedure: RetrievedProcedure; askedFirst: boolean } | undefined {
    const parts = reading.parts();
    const namesTopic = (part: string) => this.townHallTopicKeywords.match(part, language).some((match) => match.owner === topic);
    const topicIndex = parts.length < 2 ? -1 : parts.findIndex(namesTopic);
    if (topicIndex < 0) return undefined;
    const events = reading.events();
    const ownProcedure = this.townHallTopicsById.get(topic)?.procedure;
    let best: { slug: string; share: number; index: number } | undefined;
    for (const [index, part] of parts.entries()) {
      // A part about the town hall itself, this topic or another ("…care vorbește doar maghiară"), asks no procedure.
      if (namesTopic(part) || this.topicOfPart(part, language) !== undefined) continue;
      const found = this.bestLexicalProcedure(part, language, events, topSlug ?? '');
      if (!found || found.slug === ownProcedure || !found.named || found.share < namedPartConfidence || found.mass < secondPartEvidence) continue;
      if (!best || found.share > best.share) best = { slug: found.slug, share: found.share, index };
    }
    if (!best) return undefined;
    return { procedure: this.partProcedure(best.slug, best.share, shownBySlug, confidence), askedFirst: best.index < topicIndex };
  }

  /** The topic of a part about the town hall itself beside the parts about the answered procedure, and whether it was asked first. */
  private topicBesideProcedure(language: Language, reading: QuestionReading, topSlug: string): { topic: TownHallTopicId; askedFirst: boolean } | undefined {
    const parts = this.partsWithTopics(language, reading);
    // Beside an answerable procedure a topic is a question of its own only when asked plainly, in a short
    // part: one word of a story ("la piață", "în timpul programului") is not.
    // "Scriu pentru mama, ea vorbește doar maghiară": the language a story is told in is not a question.
    const asksPlainly = ({ part, topic }: { part: string; topic: TownHallTopicId | undefined }) =>
      topic !== undefined &&
      topic !== 'languages' &&
      tokenize(part).length <= departmentQuestionWords &&
      (isShortQuestionAboutTownHall(part) || this.townHallTopicKeywords.match(part, language).some((match) => match.owner === topic && match.size >= 2));
    const topicIndex = parts.findIndex(asksPlainly);
    if (topicIndex < 0) return undefined;
    const events = reading.events();
    const procedureIndex = parts.findIndex(({ part, topic }, index) => index !== topicIndex && topic === undefined && this.bestLexicalProcedure(part, language, events, topSlug)?.slug === topSlug);
    if (procedureIndex < 0) return undefined;
    return { topic: parts[topicIndex]!.topic!, askedFirst: topicIndex < procedureIndex };
  }

  /** The best procedure for a part of a message, by words and keywords alone (no vector query per part). */
  private bestLexicalProcedure(
    text: string,
    language: Language,
    messageEvents: readonly { slug: string; strength: number }[],
    topSlug: string,
  ): { slug: string; share: number; mass: number; named: boolean; topShare: number } | undefined {
    const queryTerms = this.lexicalIndex.queryTerms(text, language, this.isContextWord);
    const totals = new Map<string, number>();
    let bestLexical = 0;
    for (const scored of this.lexicalIndex.scoreChunks(queryTerms)) {
      if (!this.proceduresBySlug.has(scored.chunk.slug)) continue;
      totals.set(scored.chunk.slug, Math.max(totals.get(scored.chunk.slug) ?? 0, scored.score));
      bestLexical = Math.max(bestLexical, scored.score);
    }
    if (bestLexical === 0) return undefined;
    const keywordSizes = new Map(this.procedureKeywords.match(withoutTownHallName(text), language).map((match) => [match.owner, match.size]));
    for (const { slug, strength } of this.lifeEventProcedures(text, language)) keywordSizes.set(slug, Math.max(keywordSizes.get(slug) ?? 0, strength));
    const bestKeyword = Math.max(0, ...keywordSizes.values());
    // A part that names nothing itself ("mit kell vinni az anyakönyvvezetőhöz?") leans towards what the
    // whole message tells (a death), without outweighing its own words.
    const leaning = new Set(keywordSizes.size === 0 ? messageEvents.map((event) => event.slug) : []);
    let best: { slug: string; combined: number } | undefined;
    for (const [slug, lexical] of totals) {
      const combined = lexical / bestLexical + (bestKeyword > 0 ? (keywordSizes.get(slug) ?? 0) / bestKeyword : 0) + (leaning.has(slug) ? messageEventLean : 0);
      if (!best || combined > best.combined) best = { slug, combined };
    }
    if (!best) return undefined;
    const { share, mass } = this.lexicalIndex.evidence(queryTerms, best.slug);
    const topShare = best.slug === topSlug ? share : this.lexicalIndex.evidence(queryTerms, topSlug).share;
    return { slug: best.slug, share, mass, named: (keywordSizes.get(best.slug) ?? 0) > 0, topShare };
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
  ): { redirect: OutOfScopeRedirect; decisive: boolean } | undefined {
    let best: { redirect: OutOfScopeRedirect; coverage: number; size: number } | undefined;
    for (const match of this.redirectKeywords.match(withoutDoneClauses(question), language)) {
      const coverage = this.lexicalIndex.coverage(queryTerms, redirectOwner(match.owner));
      if (!best || coverage > best.coverage) best = { redirect: this.redirectsById.get(match.owner)!, coverage, size: match.size };
    }
    if (!best) return undefined;
    // A longer keyword phrase of the procedure ("certificat de naștere" against "pașaport") wins.
    if (topKeywordSize > best.size) return undefined;
    if (topKeywordSize < best.size) return { redirect: best.redirect, decisive: true };
    if (best.coverage < procedureCoverage - settings.redirectMargin) return undefined;
    // Named as plainly, the redirect is the whole question only when it explains clearly more of it.
    return { redirect: best.redirect, decisive: best.coverage >= procedureCoverage + settings.redirectMargin };
  }

  private fuse(scores: ProcedureScore[], settings: RetrievalSettings, vectorMissing: boolean): ProcedureScore[] {
    const maximum = (pick: (score: ProcedureScore) => number) => Math.max(0, ...scores.map(pick));
    const bestLexical = maximum((score) => score.lexical);
    const bestVector = maximum((score) => score.vector);
    const bestKeyword = maximum((score) => score.keyword);
    const bestEvent = maximum((score) => score.event);
    const useLexical = settings.mode !== 'vector';
    const useVector = settings.mode !== 'lexical' && !vectorMissing;
    for (const score of scores) {
      score.combined =
        (useLexical && bestLexical > 0 ? (settings.lexicalWeight * score.lexical) / bestLexical : 0) +
        (useVector && bestVector > 0 ? (settings.vectorWeight * score.vector) / bestVector : 0) +
        (useLexical && bestKeyword > 0 ? (settings.keywordWeight * score.keyword) / bestKeyword : 0) +
        (useLexical && bestEvent > 0 ? (settings.eventWeight * score.event) / bestEvent : 0);
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
