// One interface for every text-generation backend (Ollama today), in the spirit of the Vercel AI SDK.

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerateRequest {
  messages: ChatMessage[];
  /** A JSON schema: the model must answer with JSON matching it (structured output). */
  format?: Record<string, unknown>;
  /** Aborts the request, e.g. when the citizen leaves the chat. */
  signal?: AbortSignal;
  /** Called while waiting for a free slot when the model is busy; position 1 = next. */
  onQueued?: (position: number) => void;
  /** Overrides the configured temperature, e.g. 0 for classification where creativity only hurts. */
  temperature?: number;
}

export interface LanguageModel {
  /** e.g. "ollama:qwen2.5:3b-instruct". */
  readonly name: string;
  generate(request: GenerateRequest): Promise<string>;
  /** Yields text deltas as the model produces them. */
  stream(request: GenerateRequest): AsyncIterable<string>;
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  listModels(): Promise<string[]>;
  /** Reachable and the configured chat model is installed. */
  health(): Promise<LanguageModelHealth>;
}

export interface LanguageModelHealth {
  ok: boolean;
  /** Why not ok, phrased for an operator: what is wrong and the command that fixes it. */
  reason?: string;
  /** Problems that do not stop answers, e.g. the embedding model is missing (search falls back to offline embeddings). */
  warnings?: string[];
}

export type LanguageModelErrorCode =
  | 'FV_ERR_LLM_UNREACHABLE'
  | 'FV_ERR_LLM_TIMEOUT'
  | 'FV_ERR_LLM_MODEL_MISSING'
  | 'FV_ERR_LLM_ABORTED'
  | 'FV_ERR_LLM_BAD_RESPONSE';

export class LanguageModelError extends Error {
  constructor(
    readonly code: LanguageModelErrorCode,
    message: string,
    /** Whether trying again later can help (unreachable, timeout) or not (missing model, aborted). */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LanguageModelError';
  }
}
