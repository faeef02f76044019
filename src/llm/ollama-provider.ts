import { Ollama, type ChatRequest } from 'ollama';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { ConcurrencyLimiter, type ReleaseSlot } from './concurrency-limiter.ts';
import { LanguageModelError, type GenerateRequest, type LanguageModel, type LanguageModelHealth } from './language-model.ts';
import {
  isConnectionRefused,
  isWorthRetrying,
  modelMissingError,
  pullCommand,
  toLanguageModelError,
  type FailureContext,
} from './ollama-errors.ts';

export type LanguageModelLogger = Pick<Logger, 'debug' | 'warn'>;

export interface OllamaProviderOptions {
  /** Longest silence between two streamed chunks once the first has arrived (default: min(timeoutMs, 20 s)). */
  idleTimeoutMs?: number;
  /** Longest wait for a free slot before the citizen gets the retrieval answer instead (default: timeoutMs). */
  queueTimeoutMs?: number;
  /** Budget of the health probe and the model listing, which must never hold start-up for long (default: min(timeoutMs, 5 s)). */
  probeTimeoutMs?: number;
  /** Pause before the single embedding retry. */
  retryDelayMs?: number;
  /**
   * After Ollama could not be connected to, chat and embedding requests fail at once for this long instead of
   * each waiting for their own connection attempt (default 10 s; 0 turns this off). A health probe always tries.
   */
  unreachableCooldownMs?: number;
  fetch?: typeof fetch;
}

/** One HTTP exchange with its own abort switch, merged with the caller's signal. */
interface Exchange {
  client: Ollama;
  context: FailureContext;
  /** Aborts the exchange after `milliseconds`, recording why; returns a function that cancels the timer. */
  abortAfter(milliseconds: number, timeoutMessage: string, onFire?: () => void): () => void;
  abort(): void;
  dispose(): void;
}

export function createOllamaLanguageModel(
  config: Config['ollama'],
  logger: LanguageModelLogger,
  options: OllamaProviderOptions = {},
): LanguageModel {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const idleTimeoutMs = options.idleTimeoutMs ?? Math.min(config.timeoutMs, 20_000);
  const queueTimeoutMs = options.queueTimeoutMs ?? config.timeoutMs;
  const probeTimeoutMs = options.probeTimeoutMs ?? Math.min(config.timeoutMs, 5_000);
  const retryDelayMs = options.retryDelayMs ?? 250;
  const unreachableCooldownMs = options.unreachableCooldownMs ?? 10_000;
  const limiter = new ConcurrencyLimiter(config.concurrency);
  let unreachableUntil = 0;
  let unreachableReason = '';

  function refuseWhileUnreachable(): void {
    if (Date.now() < unreachableUntil) {
      throw new LanguageModelError('FV_ERR_LLM_UNREACHABLE', `${unreachableReason} (not retried until ${new Date(unreachableUntil).toISOString()})`, true);
    }
  }

  /** Records how an exchange ended, for the fail-fast window; returns the error as callers should see it. */
  function settle(error: unknown, context: FailureContext): LanguageModelError {
    const mapped = toLanguageModelError(error, context);
    if (unreachableCooldownMs > 0 && isConnectionRefused(error)) {
      unreachableUntil = Date.now() + unreachableCooldownMs;
      unreachableReason = mapped.message;
    }
    return mapped;
  }

  function reachable(): void {
    unreachableUntil = 0;
  }

  function openExchange(model: string, callerSignal: AbortSignal | undefined): Exchange {
    if (callerSignal?.aborted) throw new LanguageModelError('FV_ERR_LLM_ABORTED', 'request cancelled by the caller', false);
    const controller = new AbortController();
    const signal = callerSignal ? AbortSignal.any([controller.signal, callerSignal]) : controller.signal;
    const context: FailureContext = { host: config.host, model, callerSignal };
    const timers = new Set<NodeJS.Timeout>();
    // The ollama client passes no signal for non-streamed calls, so every fetch gets ours here.
    const fetchWithSignal: typeof fetch = (input, init) =>
      baseFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
    return {
      client: new Ollama({ host: config.host, fetch: fetchWithSignal }),
      context,
      abortAfter(milliseconds, timeoutMessage, onFire) {
        const timer = setTimeout(() => {
          context.timeoutMessage ??= timeoutMessage;
          controller.abort(new Error(timeoutMessage));
          onFire?.();
        }, milliseconds);
        timers.add(timer);
        return () => {
          clearTimeout(timer);
          timers.delete(timer);
        };
      },
      abort: () => controller.abort(new Error('exchange finished early')),
      dispose: () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
      },
    };
  }

  function chatRequest(request: GenerateRequest): Omit<ChatRequest, 'stream'> {
    return {
      model: config.model,
      messages: request.messages.map(({ role, content }) => ({ role, content })),
      ...(request.format ? { format: request.format } : {}),
      options: { temperature: request.temperature ?? config.temperature, num_ctx: config.contextLength },
    };
  }

  function slotRequest(request: GenerateRequest) {
    return { signal: request.signal, onQueued: request.onQueued, timeoutMs: queueTimeoutMs };
  }

  function reportFailure(operation: string, error: LanguageModelError, startedAt: number, model = config.model): LanguageModelError {
    const details = { operation, code: error.code, model, durationMs: Date.now() - startedAt };
    if (error.code === 'FV_ERR_LLM_ABORTED') logger.debug(details, 'language model request cancelled');
    else logger.warn({ ...details, reason: error.message }, 'language model request failed');
    return error;
  }

  async function listModelNames(): Promise<string[]> {
    const exchange = openExchange(config.model, undefined);
    exchange.abortAfter(probeTimeoutMs, `model list not received within ${probeTimeoutMs} ms`);
    try {
      const response = await exchange.client.list();
      if (!Array.isArray(response?.models)) throw new Error('/api/tags answered without a "models" list');
      return response.models.map((entry) => entry.name ?? entry.model).filter((name): name is string => typeof name === 'string');
    } catch (error) {
      throw toLanguageModelError(error, exchange.context);
    } finally {
      exchange.dispose();
    }
  }

  return {
    name: `ollama:${config.model}`,

    async generate(request) {
      const startedAt = Date.now();
      try {
        refuseWhileUnreachable();
        return await limiter.run(slotRequest(request), async () => {
          const exchange = openExchange(config.model, request.signal);
          exchange.abortAfter(config.timeoutMs, `no answer within ${config.timeoutMs} ms`);
          try {
            const response = await exchange.client.chat({ ...chatRequest(request), stream: false });
            const content: unknown = response?.message?.content;
            reachable();
            if (typeof content !== 'string') throw new Error('/api/chat answered without message.content');
            logger.debug({ operation: 'generate', model: config.model, durationMs: Date.now() - startedAt }, 'language model answered');
            return content;
          } catch (error) {
            throw settle(error, exchange.context);
          } finally {
            exchange.dispose();
          }
        });
      } catch (error) {
        throw reportFailure('generate', toLanguageModelError(error, { host: config.host, model: config.model }), startedAt);
      }
    },

    async *stream(request) {
      const startedAt = Date.now();
      let release: ReleaseSlot | undefined;
      let exchange: Exchange | undefined;
      let finished = false;
      try {
        refuseWhileUnreachable();
        release = await limiter.acquire(slotRequest(request));
        exchange = openExchange(config.model, request.signal);
        // Freeing the slot here too means a consumer that stops iterating without closing cannot block the queue.
        exchange.abortAfter(config.timeoutMs, `the answer took longer than ${config.timeoutMs} ms`, release);
        const parts = await exchange.client.chat({ ...chatRequest(request), stream: true });
        reachable();
        const iterator = parts[Symbol.asyncIterator]();
        let stopIdleTimer: (() => void) | undefined;
        while (true) {
          const step = await iterator.next();
          stopIdleTimer?.();
          if (step.done) break;
          const delta = step.value.message?.content ?? '';
          if (delta) yield delta;
          stopIdleTimer = exchange.abortAfter(idleTimeoutMs, `no new text for ${idleTimeoutMs} ms`);
        }
        finished = true;
        logger.debug({ operation: 'stream', model: config.model, durationMs: Date.now() - startedAt }, 'language model answered');
      } catch (error) {
        throw reportFailure('stream', settle(error, exchange?.context ?? { host: config.host, model: config.model }), startedAt);
      } finally {
        // Closing the HTTP request is how Ollama learns to stop generating for a citizen who left.
        if (!finished) exchange?.abort();
        exchange?.dispose();
        release?.();
      }
    },

    async embed(texts, signal) {
      if (texts.length === 0) return [];
      const startedAt = Date.now();
      refuseWhileUnreachable();
      for (let attempt = 1; ; attempt += 1) {
        const exchange = openExchange(config.embedModel, signal);
        exchange.abortAfter(config.timeoutMs, `no embeddings within ${config.timeoutMs} ms`);
        try {
          const response = await exchange.client.embed({ model: config.embedModel, input: texts });
          reachable();
          return validateEmbeddings(response?.embeddings, texts.length);
        } catch (error) {
          const timedOutOrCancelled = exchange.context.timeoutMessage !== undefined || signal?.aborted;
          if (attempt === 1 && !timedOutOrCancelled && isWorthRetrying(error)) {
            logger.debug({ operation: 'embed', model: config.embedModel }, 'embedding request failed transiently, retrying once');
            await pause(retryDelayMs, signal);
            continue;
          }
          throw reportFailure('embed', settle(error, exchange.context), startedAt, config.embedModel);
        } finally {
          exchange.dispose();
        }
      }
    },

    listModels: listModelNames,

    async health(): Promise<LanguageModelHealth> {
      const exchange = openExchange(config.model, undefined);
      exchange.abortAfter(probeTimeoutMs, `no answer to /api/version within ${probeTimeoutMs} ms`);
      try {
        await exchange.client.version();
        reachable();
      } catch (error) {
        return { ok: false, reason: toLanguageModelError(error, exchange.context).message };
      } finally {
        exchange.dispose();
      }

      let installed: string[];
      try {
        installed = await listModelNames();
      } catch (error) {
        return { ok: false, reason: toLanguageModelError(error, { host: config.host, model: config.model }).message };
      }
      if (!isInstalled(installed, config.model)) return { ok: false, reason: modelMissingError(config.model, config.host).message };
      if (!isInstalled(installed, config.embedModel)) {
        return {
          ok: true,
          warnings: [`embedding model "${config.embedModel}" is not installed; run: ${pullCommand(config.embedModel)} (search uses the offline embedding until then)`],
        };
      }
      return { ok: true };
    },
  };
}

/** Ollama lists "bge-m3:latest" for a model configured as "bge-m3". */
export function isInstalled(installed: string[], model: string): boolean {
  const wanted = withTag(model);
  return installed.some((name) => withTag(name) === wanted);
}

function withTag(model: string): string {
  const lastSegment = model.slice(model.lastIndexOf('/') + 1);
  return (lastSegment.includes(':') ? model : `${model}:latest`).toLowerCase();
}

function validateEmbeddings(embeddings: unknown, expected: number): number[][] {
  const valid =
    Array.isArray(embeddings) &&
    embeddings.length === expected &&
    embeddings.every((vector) => Array.isArray(vector) && vector.length > 0 && vector.every((value) => typeof value === 'number'));
  if (!valid) throw new LanguageModelError('FV_ERR_LLM_BAD_RESPONSE', `/api/embed did not return ${expected} vectors`, false);
  return embeddings as number[][];
}

function pause(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, milliseconds);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    // An abort during the pause is reported by the next attempt, which refuses an aborted signal.
    signal?.addEventListener('abort', done, { once: true });
  });
}
