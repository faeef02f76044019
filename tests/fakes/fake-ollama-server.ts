import { createHash } from 'node:crypto';
import http from 'node:http';
import { closeLoopbackServer, listenOnLoopback } from './loopback-server.ts';

// A fake Ollama that speaks the real HTTP protocol (docs/api.md of ollama/ollama): NDJSON streaming on
// /api/chat, single JSON objects otherwise, Ollama's own error bodies. Tests script its replies and read
// back every request body, so they can assert what the model was actually sent.

export type FakeChatReply =
  /** The answer, as the chunks the model streams (joined for `stream: false`). */
  | { chunks: string[]; delayMs?: number; doneReason?: string }
  /** Streams `chunks` (if any), then never finishes: a model stuck on a busy CPU. */
  | { hang: true; chunks?: string[] }
  /** An HTTP error before any output, with Ollama's `{"error": "..."}` body. */
  | { status: number; error: string }
  /** Ollama reports failures that happen mid-generation as a final `{"error"}` line. */
  | { chunks: string[]; streamError: string }
  /** The connection is dropped without an answer. */
  | { dropConnection: true };

export type FakeEmbedReply = 'vectors' | { status: number; error: string } | { dropConnection: true };

export type ChatScript = FakeChatReply | ((request: ChatRequestBody) => FakeChatReply);

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  format?: unknown;
  options?: Record<string, unknown>;
  tools?: unknown;
  [field: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface FakeOllamaOptions {
  /** Installed models as /api/tags lists them (default: qwen2.5:3b-instruct and bge-m3:latest). */
  models?: string[];
  version?: string;
  embeddingDimensions?: number;
  /** Answer used when no scripted chat reply is queued. */
  defaultChatReply?: ChatScript;
}

export class FakeOllamaServer {
  readonly requests: RecordedRequest[] = [];
  models: string[];
  /** Requests whose connection the client closed before the answer was complete. */
  abortedRequests = 0;
  /** Length of the vectors /api/embed returns; a test changes it to play a model replaced under its name. */
  embeddingDimensions: number;

  private readonly chatReplies: ChatScript[] = [];
  private readonly embedReplies: FakeEmbedReply[] = [];
  private readonly droppedOnPurpose = new WeakSet<http.ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters: { condition: () => boolean; resolve: () => void }[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly options: FakeOllamaOptions,
  ) {
    this.models = options.models ?? ['qwen2.5:3b-instruct', 'bge-m3:latest'];
    this.embeddingDimensions = options.embeddingDimensions ?? 8;
  }

  static async start(options: FakeOllamaOptions = {}): Promise<FakeOllamaServer> {
    let fake: FakeOllamaServer | undefined;
    const listening = await listenOnLoopback((request, response) => fake!.handle(request, response));
    fake = new FakeOllamaServer(listening.server, listening.url, options);
    return fake;
  }

  /** Queues replies for the next /api/chat requests, in order. */
  replyToChat(...replies: ChatScript[]): this {
    this.chatReplies.push(...replies);
    return this;
  }

  /** Queues replies for the next /api/embed requests; afterwards, deterministic vectors. */
  replyToEmbed(...replies: FakeEmbedReply[]): this {
    this.embedReplies.push(...replies);
    return this;
  }

  get chatRequests(): ChatRequestBody[] {
    return this.requests.filter((request) => request.path === '/api/chat').map((request) => request.body as ChatRequestBody);
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('fake Ollama: condition not met in time')), timeoutMs);
      this.waiters.push({
        condition,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await closeLoopbackServer(this.server);
  }

  private changed(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.condition()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', this.url).pathname;
    const text = await readBody(request);
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        this.requests.push({ method: request.method ?? 'GET', path, body: text });
        this.changed();
        return sendJson(response, 400, { error: 'invalid character in request body' });
      }
    }
    this.requests.push({ method: request.method ?? 'GET', path, body });
    response.on('close', () => {
      if (!response.writableFinished && !this.droppedOnPurpose.has(response)) {
        this.abortedRequests += 1;
        this.changed();
      }
    });
    this.changed();

    const route = `${request.method} ${path}`;
    if (route === 'GET /' || route === 'HEAD /') return sendText(response, 200, 'Ollama is running');
    if (route === 'GET /api/version') return sendJson(response, 200, { version: this.options.version ?? '0.12.6' });
    if (route === 'GET /api/tags') return sendJson(response, 200, { models: this.models.map(modelEntry) });
    if (route === 'POST /api/chat') return this.chat(body as ChatRequestBody, response);
    if (route === 'POST /api/embed') return this.embed(body as { model?: string; input?: string | string[] }, response);
    return sendText(response, 404, '404 page not found');
  }

  private isInstalled(model: string): boolean {
    return this.models.some((installed) => withTag(installed) === withTag(model));
  }

  private chat(body: ChatRequestBody, response: http.ServerResponse): void {
    if (!body?.model) return sendJson(response, 400, { error: 'model is required' });
    if (!this.isInstalled(body.model)) return sendJson(response, 404, { error: `model "${body.model}" not found, try pulling it first` });
    const script = this.chatReplies.shift() ?? this.options.defaultChatReply ?? { chunks: ['Nu știu sigur.'] };
    const reply = typeof script === 'function' ? script(body) : script;
    const streamed = body.stream ?? true;

    if ('dropConnection' in reply) return this.drop(response);
    if ('status' in reply) return sendJson(response, reply.status, { error: reply.error });
    const chunks = reply.chunks ?? [];
    if (!streamed) {
      if ('hang' in reply) return void response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      if ('streamError' in reply) return sendJson(response, 500, { error: reply.streamError });
      return sendJson(response, 200, finalChatLine(body.model, chunks.join(''), reply.doneReason ?? 'stop'));
    }

    response.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Transfer-Encoding': 'chunked' });
    const delayMs = 'delayMs' in reply ? (reply.delayMs ?? 0) : 0;
    let index = 0;
    const writeNext = () => {
      if (response.destroyed) return;
      const chunk = chunks[index];
      if (chunk !== undefined) {
        index += 1;
        response.write(`${JSON.stringify({ model: body.model, created_at: new Date().toISOString(), message: { role: 'assistant', content: chunk }, done: false })}\n`);
        return this.later(writeNext, delayMs);
      }
      if ('hang' in reply) return;
      if ('streamError' in reply) return void response.end(`${JSON.stringify({ error: reply.streamError })}\n`);
      response.end(`${JSON.stringify(finalChatLine(body.model, '', reply.doneReason ?? 'stop'))}\n`);
    };
    writeNext();
  }

  private embed(body: { model?: string; input?: string | string[] }, response: http.ServerResponse): void {
    if (!body?.model) return sendJson(response, 400, { error: 'model is required' });
    if (!this.isInstalled(body.model)) return sendJson(response, 404, { error: `model "${body.model}" not found, try pulling it first` });
    const reply = this.embedReplies.shift() ?? 'vectors';
    if (reply !== 'vectors' && 'dropConnection' in reply) return this.drop(response);
    if (reply !== 'vectors') return sendJson(response, reply.status, { error: reply.error });
    const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ''];
    sendJson(response, 200, {
      model: body.model,
      embeddings: inputs.map((input) => deterministicVector(input, this.embeddingDimensions)),
      total_duration: 14_143_917,
      load_duration: 1_019_500,
      prompt_eval_count: inputs.reduce((sum, input) => sum + input.split(/\s+/).length, 0),
    });
  }

  private drop(response: http.ServerResponse): void {
    this.droppedOnPurpose.add(response);
    response.socket?.destroy();
  }

  private later(callback: () => void, delayMs: number): void {
    if (delayMs <= 0) return void setImmediate(callback);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, delayMs);
    this.timers.add(timer);
  }
}

/** A URL where nothing listens: connecting is refused at once, as with a stopped Ollama. */
export async function closedPortUrl(): Promise<string> {
  const { server, url } = await listenOnLoopback(async () => undefined);
  await closeLoopbackServer(server);
  return url;
}

export function deterministicVector(text: string, dimensions: number): number[] {
  const digest = createHash('sha256').update(text).digest();
  const raw = Array.from({ length: dimensions }, (_, index) => (digest[index % digest.length] ?? 0) / 127.5 - 1);
  const length = Math.hypot(...raw) || 1;
  return raw.map((value) => value / length);
}

function finalChatLine(model: string, content: string, doneReason: string) {
  return {
    model,
    created_at: new Date().toISOString(),
    message: { role: 'assistant', content },
    done_reason: doneReason,
    done: true,
    total_duration: 4_883_583_458,
    load_duration: 1_334_875,
    prompt_eval_count: 26,
    prompt_eval_duration: 342_546_000,
    eval_count: 282,
    eval_duration: 4_535_599_000,
  };
}

function modelEntry(name: string) {
  const tagged = withTag(name);
  return {
    name: tagged,
    model: tagged,
    modified_at: '2025-05-04T14:56:49.277302595+03:00',
    size: 1_929_912_432,
    digest: createHash('sha256').update(tagged).digest('hex'),
    details: { parent_model: '', format: 'gguf', family: 'qwen2', families: ['qwen2'], parameter_size: '3.1B', quantization_level: 'Q4_K_M' },
  };
}

function withTag(model: string): string {
  return model.slice(model.lastIndexOf('/') + 1).includes(':') ? model : `${model}:latest`;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function sendText(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}
