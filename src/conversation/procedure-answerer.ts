import type { Language } from '../language.ts';
import type { Button, SourceReference } from '../messages.ts';

export interface ProcedureAnswer {
  intent: 'procedure' | 'out_of_scope';
  /** llm: written by the language model from the sources; retrieval: the answer card built from them. */
  mode: 'llm' | 'retrieval';
  /** answered: a grounded answer; clarify: a question with likely procedures as choices; refused / redirected: not the town hall's. */
  outcome: 'answered' | 'clarify' | 'refused' | 'redirected';
  /** A refusal of chit-chat or of an attempt to steer the assistant (not a town-hall question). */
  refusal?: 'chitchat' | 'manipulation';
  text: string;
  /** Ranked best first; empty when out of scope. */
  sources: SourceReference[];
  buttons: Button[];
  /** The procedure the answer is about, when there is one clear match. */
  procedureSlug?: string;
  /** The question also named another authority's business: the answer says where to go for it. */
  alsoRedirected?: boolean;
  /** The question also asked to guess an amount, answer only yes or no or approve a request: the answer says it cannot. */
  declined?: boolean;
}

export interface AnswerOptions {
  /** Earlier turns of this conversation, oldest first. */
  history: { role: 'user' | 'assistant'; content: string }[];
  signal?: AbortSignal;
  /** Streaming channels (web chat) show the answer as it is written. */
  onToken?: (delta: string) => void;
  /** The model is busy: the citizen is told they are in a queue. */
  onQueued?: (position: number) => void;
}

/** Answers a procedure question from the knowledge base, with or without a language model. */
export interface ProcedureAnswerer {
  answer(question: string, language: Language, options: AnswerOptions): Promise<ProcedureAnswer>;
}
