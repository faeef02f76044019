import type { Language, Localized } from '../language.ts';

// The contract between the conversation pipeline and the knowledge module.

export type Department =
  | 'urbanism'
  | 'taxe-impozite'
  | 'registru-agricol'
  | 'stare-civila'
  | 'asistenta-sociala'
  | 'registratura'
  | 'secretariat';

export type RequestType = 'cerere' | 'sesizare' | 'petitie' | 'informatii-publice' | 'declaratie' | 'audienta';

export interface Procedure {
  slug: string;
  title: Localized;
  department: Department;
  requestType: RequestType;
  legalBasis: string[];
  deadline: { days: number | null; workingDays: boolean; text: Localized };
  documents: Localized[];
  fee: Localized;
  where: Localized;
  online: string;
  keywords: Localized<string[]>;
  /**
   * Example questions as citizens ask them (front matter `examples`, optional). The editor's preview runs
   * them through retrieval so the clerk sees which procedure each finds; they are not part of the scoring.
   */
  examples?: Localized<string[]>;
  updated: string;
  source: string[];
  toConfirm: string[];
  /** Markdown body (Romanian explanation, Hungarian and English summaries). */
  body: string;
  /** Path relative to the knowledge directory, for citations and error messages. */
  file: string;
}

export interface OfficeHours {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
  open: string;
  close: string;
}

export interface TownHall {
  name: Localized;
  address: string;
  phone: string;
  email: string;
  website: string;
  timezone: string;
  hours: OfficeHours[];
  departments: { id: Department; name: Localized; handles?: Localized }[];
  /** The commune's villages, Romanian and Hungarian names: context in a question, never its subject. */
  villages: { ro: string; hu: string }[];
  /** When the mayor receives citizens. */
  audience?: Localized;
  /** In which languages citizens may deal with the town hall (Hungarian here, by law). */
  languages?: Localized;
  topics: TownHallTopic[];
  /** What the town hall has yet to confirm (hours, address…): said as such to citizens. */
  toConfirm: string[];
}

export type TownHallTopicId = 'hours' | 'address' | 'contact' | 'audience' | 'payment' | 'villages' | 'departments' | 'languages';

export interface TownHallTopic {
  id: TownHallTopicId;
  keywords: Localized<string[]>;
  /**
   * The procedure whose practical side the topic is ("casierie" for paying taxes, audience hours for
   * asking for an audience): asked about together, the topic answers and the procedure is cited too.
   */
  procedure?: string;
}

/** Something that happens in a life ("bunicul a murit") and the procedures it leads to, main one first. */
export interface LifeEvent {
  id: string;
  title: Localized;
  procedures: string[];
  keywords: Localized<string[]>;
  /** Said only by small words ("ne luăm", "nu mai e printre noi"): matched word for word, small words included. */
  phrases?: Localized<string[]>;
  /** The event this one becomes when told together with another country ("născut în Irlanda"). */
  abroad?: string;
  /** Earlier events this one comes after ("the notary gave the inheritance certificate" after "inherited"): told with it, they are done. */
  follows?: string[];
  /** Telling it is already a request ("the street light is out"): a part of a message without a question. */
  tellingAsks?: boolean;
}

/** Words of messages that are not town-hall business at all: chit-chat, and attempts to steer the assistant. */
export interface RefusalWords {
  chitchat: Localized<string[]>;
  manipulation: Localized<string[]>;
  /** Matched word for word, small words included ("ce mai faci", "ești primarul"). */
  chitchatPhrases: Localized<string[]>;
  manipulationPhrases: Localized<string[]>;
  /** Guessing an amount, answering only yes or no, approving a request: declined, the procedure still answered. */
  demandPhrases: Localized<string[]>;
}

export interface OutOfScopeRedirect {
  id: string;
  title: Localized;
  authority: Localized;
  keywords: Localized<string[]>;
}

export interface RetrievedProcedure {
  procedure: Procedure;
  /** Relevance in [0, 1], best first. */
  score: number;
  /** Headings of the sections that matched, e.g. "Acte necesare". */
  sections: string[];
  /** The matched text, for grounding an LLM answer. */
  excerpts: string[];
}

export interface Retrieval {
  /** answer: one clear procedure; clarify: two close candidates; out_of_scope: nothing the town hall handles. */
  decision: 'answer' | 'clarify' | 'out_of_scope';
  candidates: RetrievedProcedure[];
  /** clarify because the evidence is weak (rather than two close candidates): offer the likeliest few. */
  uncertain?: boolean;
  /** Set when the question is about something another authority handles (passports, land registry…). */
  redirect?: OutOfScopeRedirect;
  /**
   * Answered, and the question also names another authority's business as plainly ("… the family doctor
   * gave us a paper"): that authority is given beside the answer.
   */
  alsoRedirect?: OutOfScopeRedirect;
  /** Out of scope because it is chit-chat or tries to steer the assistant. */
  refusal?: 'chitchat' | 'manipulation';
  /**
   * Out of scope as a whole although a keyword named this procedure: offered beside the refusal, so that a
   * citizen who did mean it is one tap away rather than refused flatly.
   */
  offered?: RetrievedProcedure;
  /** The question also asks what the assistant cannot do (guess a fee, answer only yes or no): declined beside the answer. */
  declined?: 'demand';
  /** The question is about the town hall itself (hours, address…): answered from town-hall.md. */
  townHallTopic?: TownHallTopicId;
  /** A second procedure the question asks about too ("ce acte, și cum deschidem succesiunea?"). */
  secondary?: RetrievedProcedure;
  /** The second procedure was asked about before the first: its answer comes first. */
  secondaryAskedFirst?: boolean;
}

/** What a reload of the knowledge files found (announced to `onReloaded` listeners). */
export interface KnowledgeReload {
  /** disk: a file changed by hand on the server (the watcher); editor: published in /admin. */
  trigger: 'disk' | 'editor';
  /** The files that changed, relative to the knowledge directory, when known. */
  files: string[];
  procedures: number;
  /** Problems of the files as now loaded (a broken file is skipped, the rest serves). */
  problems: { file: string; line?: number; message: string; severity: 'error' | 'warning' }[];
}

export interface KnowledgeBase {
  retrieve(question: string, language: Language): Promise<Retrieval>;
  procedure(slug: string): Procedure | undefined;
  procedures(): Procedure[];
  townHall(): TownHall;
  /** Which embedding the vector index was built with, e.g. "offline-hash-v1" or "ollama:bge-m3". */
  embeddingName(): string;
  readiness(): { ready: boolean; reason?: string };
  /** Learns now what the first question would otherwise wait for (the out-of-scope likelihood of the examples). */
  prepare(): void;
  /** Where the files live (KNOWLEDGE_DIR). */
  knowledgeDirectory(): string;
  /**
   * Reads the files again and swaps in the new content at once (questions asked meanwhile are answered
   * from the old content, never from half of it), then brings the vector index up to date incrementally.
   */
  reload(trigger: KnowledgeReload['trigger'], files?: string[]): Promise<KnowledgeReload>;
  /** Called after every reload; returns the unsubscribe function. */
  onReloaded(listener: (reload: KnowledgeReload) => void): () => void;
  /** Retrieval as it would be with this draft published (keywords and text only, no vectors): the editor's preview. */
  draftRetrieval(draft: Procedure): (question: string, language: Language) => Promise<Retrieval>;
  close(): Promise<void>;
}
