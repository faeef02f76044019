import { LanguageModelError } from './language-model.ts';

// Turns whatever fetch, undici or the ollama client threw into one LanguageModelError, so callers
// decide on `code` alone: fall back to the retrieval answer, tell the operator what to pull, or retry.

export interface FailureContext {
  host: string;
  /** The model the request named (chat or embedding model). */
  model: string;
  /** The caller's signal: its abort means the citizen left, not that Ollama failed. */
  callerSignal?: AbortSignal;
  /** Set by our own timers when they fire, e.g. "no answer within 60000 ms". */
  timeoutMessage?: string;
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT']);
const connectionDroppedCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

const startHint = 'start it with "ollama serve" or point OLLAMA_HOST at it';

export function pullCommand(model: string): string {
  return `ollama pull ${model}`;
}

export function modelMissingError(model: string, host: string): LanguageModelError {
  return new LanguageModelError(
    'FV_ERR_LLM_MODEL_MISSING',
    `model "${model}" is not installed in Ollama at ${host}; run: ${pullCommand(model)}`,
    false,
  );
}

export function toLanguageModelError(error: unknown, context: FailureContext): LanguageModelError {
  if (error instanceof LanguageModelError) return error;
  if (context.callerSignal?.aborted) {
    return new LanguageModelError('FV_ERR_LLM_ABORTED', 'request cancelled by the caller', false, { cause: error });
  }
  if (context.timeoutMessage !== undefined) {
    return new LanguageModelError('FV_ERR_LLM_TIMEOUT', `Ollama at ${context.host}: ${context.timeoutMessage}`, true, { cause: error });
  }

  const status = responseStatus(error);
  if (status !== undefined) {
    const detail = errorMessage(error);
    if (status === 404 && /not found/i.test(detail)) return modelMissingError(context.model, context.host);
    return new LanguageModelError('FV_ERR_LLM_BAD_RESPONSE', `Ollama at ${context.host} answered ${status}: ${detail}`, status >= 500, {
      cause: error,
    });
  }

  const code = networkErrorCode(error);
  if (code !== undefined && (unreachableCodes.has(code) || connectionDroppedCodes.has(code))) {
    return new LanguageModelError(
      'FV_ERR_LLM_UNREACHABLE',
      `Ollama is not reachable at ${context.host} (${code}); ${startHint}`,
      true,
      { cause: error },
    );
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    return new LanguageModelError('FV_ERR_LLM_UNREACHABLE', `Ollama is not reachable at ${context.host} (${describeCause(error)}); ${startHint}`, true, {
      cause: error,
    });
  }
  return new LanguageModelError('FV_ERR_LLM_BAD_RESPONSE', `unexpected answer from Ollama at ${context.host}: ${errorMessage(error)}`, false, {
    cause: error,
  });
}

/** A 5xx or a dropped connection: the server was there and may well answer a second attempt. */
export function isWorthRetrying(error: unknown): boolean {
  const status = responseStatus(error);
  if (status !== undefined) return status >= 500;
  const code = networkErrorCode(error);
  return code !== undefined && connectionDroppedCodes.has(code);
}

/** Nothing accepted the connection: asking again at once would only make the next citizen wait too. */
export function isConnectionRefused(error: unknown): boolean {
  const code = networkErrorCode(error);
  return code !== undefined && unreachableCodes.has(code);
}

/** The ollama client throws its (unexported) ResponseError with `status_code` for non-2xx answers. */
function responseStatus(error: unknown): number | undefined {
  if (error instanceof Error && 'status_code' in error && typeof error.status_code === 'number') return error.status_code;
  return undefined;
}

/** undici hides the socket error in `cause` (an AggregateError when several addresses were tried). */
function networkErrorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 4 || typeof error !== 'object' || error === null) return undefined;
  if ('code' in error && typeof error.code === 'string' && (unreachableCodes.has(error.code) || connectionDroppedCodes.has(error.code))) {
    return error.code;
  }
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const code = networkErrorCode(inner, depth + 1);
      if (code) return code;
    }
  }
  return 'cause' in error ? networkErrorCode(error.cause, depth + 1) : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeCause(error: Error): string {
  return error.cause instanceof Error ? error.cause.message : error.message;
}
