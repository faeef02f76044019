import http from 'node:http';
import { closeLoopbackServer, listenOnLoopback } from './loopback-server.ts';

// A fake Telegram Bot API (https://core.telegram.org/bots/api) speaking real HTTP: `/bot<token>/<method>`
// with JSON, form or query parameters, `{"ok":true,"result":…}` / `{"ok":false,"error_code","description",
// "parameters"}` answers, the file endpoint `/file/bot<token>/<path>`, and long polling on getUpdates.
// It checks what the real API rejects (HTML that does not parse, texts over 4096 characters, callback data
// over 64 bytes), so a formatting bug fails here as it would in production. Tests queue failures and
// read back every call.

export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  /** The HTTP status the fake answered. */
  status: number;
  at: number;
}

export type ScriptedFailure =
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'blocked' }
  | { kind: 'server-error'; status?: number }
  | { kind: 'bad-request'; description: string };

export interface SentMessage {
  chatId: string;
  messageId: number;
  /** The visible text, as Telegram shows it (tags removed, entities decoded). */
  text: string;
  /** The HTML the bot sent. */
  html: string;
  replyMarkup?: {
    inline_keyboard?: { text: string; callback_data: string }[][];
    force_reply?: boolean;
  };
  replyToMessageId?: number;
}

interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  bytes: Buffer;
}

const allowedTags = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'span', 'blockquote', 'tg-emoji']);
const maximumHoldMs = 2000;

/** Telegram's HTML parse mode, strictly: every `<` starts a supported tag, every `&` an entity. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  let text = '';
  const open: string[] = [];
  let index = 0;
  while (index < html.length) {
    const character = html[index] ?? '';
    if (character === '<') {
      const match = /^<(\/?)([a-z-]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>/i.exec(html.slice(index));
      if (!match) return { error: `Bad Request: can't parse entities: Unexpected start tag at byte offset ${index}` };
      const [whole, closing, name = ''] = match;
      const tag = name.toLowerCase();
      if (!allowedTags.has(tag)) return { error: `Bad Request: can't parse entities: Unsupported start tag "${tag}" at byte offset ${index}` };
      if (closing) {
        if (open.pop() !== tag) return { error: `Bad Request: can't parse entities: Unmatched end tag at byte offset ${index}, expected "</${open.at(-1) ?? ''}>"` };
      } else open.push(tag);
      index += whole.length;
      continue;
    }
    if (character === '>') return { error: `Bad Request: can't parse entities: Character '>' is reserved at byte offset ${index}` };
    if (character === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-f]{1,6});/i.exec(html.slice(index));
      if (!entity) return { error: `Bad Request: can't parse entities: Character '&' is reserved at byte offset ${index}` };
      const name = entity[1] ?? '';
      text += name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'amp' ? '&' : name === 'quot' ? '"' : String.fromCodePoint(name.startsWith('#x') ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
      index += entity[0].length;
      continue;
    }
    text += character;
    index += 1;
  }
  if (open.length > 0) return { error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${open.at(-1)}"` };
  return { text };
}

export class FakeTelegramApi {
  readonly calls: RecordedCall[] = [];
  readonly botUser = { id: 7000000001, is_bot: true, first_name: 'Primăria Bălăușeri', username: 'PrimariaBalauseriBot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
  /** Chats whose user blocked the bot: every send to them answers 403. */
  readonly blockedChats = new Set<string>();
  webhook: { url: string; secretToken?: string; allowedUpdates?: unknown; dropPendingUpdates?: boolean } | undefined;

  private readonly failures: { method: string; failure: ScriptedFailure }[] = [];
  private readonly files = new Map<string, StoredFile>();
  private readonly updates: Record<string, unknown>[] = [];
  private readonly pollers = new Set<() => void>();
  /** Calls per method as they arrive (`calls` records them when answered; a long poll may never be). */
  private readonly arrivals = new Map<string, number>();
  private nextMessageId = 1000;
  private confirmedOffset = 0;
  /** While hanging: sendMessage calls that arrived and were never answered (a Bot API that stopped answering). */
  private hungSends: http.ServerResponse[] | undefined;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(token = '7000000001:AAF-fake-token-for-tests_0123456789'): Promise<FakeTelegramApi> {
    let fake: FakeTelegramApi | undefined;
    const listening = await listenOnLoopback((request, response) => fake!.handle(request, response));
    fake = new FakeTelegramApi(listening.server, listening.url, token);
    return fake;
  }

  async close(): Promise<void> {
    for (const release of this.pollers) release();
    await closeLoopbackServer(this.server);
  }

  /** The next `count` calls of `method` fail this way (then the fake answers normally again). */
  failNext(method: string, failure: ScriptedFailure, count = 1): void {
    for (let index = 0; index < count; index += 1) this.failures.push({ method, failure });
  }

  /** From now on sendMessage calls arrive (counted by arrivalsOf) but are never answered, until answerSendsAgain. */
  hangSends(): void {
    this.hungSends ??= [];
  }

  /** Answers sendMessage again; the calls left hanging are cut off without an answer, as a dead connection. */
  answerSendsAgain(): void {
    for (const response of this.hungSends ?? []) response.destroy();
    this.hungSends = undefined;
  }

  /** A file the bot can fetch with getFile and download from /file/bot<token>/<path>. */
  addFile(fileId: string, bytes: Buffer, filePath: string): void {
    this.files.set(fileId, { fileId, fileUniqueId: `u${fileId.slice(-10)}`, filePath, bytes });
  }

  /** An update for long polling (getUpdates). */
  queueUpdate(update: Record<string, unknown>): void {
    this.updates.push(update);
    for (const release of this.pollers) release();
  }

  /** getUpdates calls held open right now, waiting for an update or their timeout. */
  heldPolls(): number {
    return this.pollers.size;
  }

  /** Files the bot sent with sendDocument, in order. */
  readonly documents: { chatId: string; fileName: string; bytes: Buffer; messageId: number }[] = [];

  /** How many calls of `method` arrived, answered or not. */
  arrivalsOf(method: string): number {
    return this.arrivals.get(method) ?? 0;
  }

  pendingUpdates(): number {
    return this.updates.filter((update) => Number(update.update_id) >= this.confirmedOffset).length;
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Messages the fake accepted (status 200), in order, optionally to one chat. */
  sentMessages(chatId?: number | string): SentMessage[] {
    return this.callsOf('sendMessage')
      .filter((call) => call.status === 200 && (chatId === undefined || String(call.body.chat_id) === String(chatId)))
      .map((call) => call.body.__sent as SentMessage);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileMatch) return this.serveFile(fileMatch[1] ?? '', decodeURIComponent(fileMatch[2] ?? ''), response);
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match) return this.reply(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method = ''] = match;
    const body = { ...Object.fromEntries(url.searchParams), ...(await this.readBody(request)) };
    const record = (status: number, extra: Record<string, unknown> = {}) => this.calls.push({ method, body: { ...body, ...extra }, status, at: Date.now() });
    if (token !== this.token) {
      record(401);
      return this.reply(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const scripted = this.failures.findIndex((entry) => entry.method === method);
    if (scripted >= 0) {
      const failure = this.failures.splice(scripted, 1)[0]?.failure as ScriptedFailure;
      const [status, payload] = this.failurePayload(failure);
      record(status);
      return this.reply(response, status, payload);
    }
    if (method === 'sendMessage' && this.blockedChats.has(String(body.chat_id))) {
      record(403);
      return this.reply(response, 403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    }
    if (method === 'sendMessage' && this.hungSends) {
      this.arrivals.set(method, this.arrivalsOf(method) + 1);
      this.hungSends.push(response);
      return;
    }
    if (method === 'getUpdates') {
      this.arrivals.set(method, this.arrivalsOf(method) + 1);
      return this.getUpdates(body, response, record);
    }
    const [status, payload, extra] = this.answer(method, body);
    record(status, extra);
    return this.reply(response, status, payload);
  }

  private failurePayload(failure: ScriptedFailure): [number, Record<string, unknown>] {
    switch (failure.kind) {
      case 'rate-limit':
        return [
          429,
          {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${failure.retryAfterSeconds}`,
            parameters: { retry_after: failure.retryAfterSeconds },
          },
        ];
      case 'blocked':
        return [403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }];
      case 'server-error':
        return [failure.status ?? 500, { ok: false, error_code: failure.status ?? 500, description: 'Internal Server Error' }];
      case 'bad-request':
        return [400, { ok: false, error_code: 400, description: failure.description }];
    }
  }

  private answer(method: string, body: Record<string, unknown>): [number, Record<string, unknown>, Record<string, unknown>?] {
    const ok = (result: unknown): [number, Record<string, unknown>] => [200, { ok: true, result }];
    const bad = (description: string): [number, Record<string, unknown>] => [400, { ok: false, error_code: 400, description }];
    switch (method) {
      case 'getMe':
        return ok(this.botUser);
      case 'sendDocument': {
        const document = body.document as { fileName?: string; bytes?: Buffer } | undefined;
        if (body.chat_id === undefined || body.chat_id === '') return bad('Bad Request: chat_id is empty');
        if (!document?.bytes || document.bytes.length === 0) return bad('Bad Request: there is no document in the request');
        const messageId = (this.nextMessageId += 1);
        this.documents.push({ chatId: String(body.chat_id), fileName: document.fileName ?? '', bytes: document.bytes, messageId });
        return ok({ message_id: messageId, chat: { id: Number(body.chat_id), type: 'private' }, date: Math.floor(Date.now() / 1000), document: { file_name: document.fileName, file_size: document.bytes.length } });
      }
      case 'sendMessage': {
        if (body.chat_id === undefined || body.chat_id === '') return bad('Bad Request: chat_id is empty');
        if (typeof body.text !== 'string' || body.text === '') return bad('Bad Request: message text is empty');
        let text = body.text;
        if (body.parse_mode === 'HTML') {
          const parsed = parseTelegramHtml(body.text);
          if ('error' in parsed) return bad(parsed.error);
          text = parsed.text;
        }
        if (text.trim() === '') return bad('Bad Request: message text is empty');
        if (text.length > 4096) return bad('Bad Request: message is too long');
        const markup = body.reply_markup as SentMessage['replyMarkup'] | undefined;
        for (const row of markup?.inline_keyboard ?? []) {
          for (const button of row) {
            if (Buffer.byteLength(button.callback_data ?? '', 'utf8') < 1 || Buffer.byteLength(button.callback_data ?? '', 'utf8') > 64) {
              return bad('Bad Request: BUTTON_DATA_INVALID');
            }
          }
        }
        const chatId = String(body.chat_id);
        const messageId = (this.nextMessageId += 1);
        const replyTo = (body.reply_parameters as { message_id?: number } | undefined)?.message_id ?? (body.reply_to_message_id as number | undefined);
        const sent: SentMessage = { chatId, messageId, text, html: body.text, ...(markup ? { replyMarkup: markup } : {}), ...(replyTo ? { replyToMessageId: replyTo } : {}) };
        const numericChat = Number(chatId);
        const message = {
          message_id: messageId,
          from: this.botUser,
          chat: numericChat < 0 ? { id: numericChat, title: 'Funcționari Primăria Bălăușeri', type: 'supergroup' } : { id: numericChat, first_name: 'Cetățean', type: 'private' },
          date: Math.floor(Date.now() / 1000),
          text,
          ...(markup?.inline_keyboard ? { reply_markup: markup } : {}),
        };
        return [200, { ok: true, result: message }, { __sent: sent }];
      }
      case 'sendChatAction':
        return body.action ? ok(true) : bad('Bad Request: wrong parameter action in request');
      case 'answerCallbackQuery':
        return body.callback_query_id ? ok(true) : bad('Bad Request: query is too old and response timeout expired or query ID is invalid');
      case 'editMessageReplyMarkup':
        return body.message_id ? ok(true) : bad('Bad Request: message identifier is not specified');
      case 'getFile': {
        const file = this.files.get(String(body.file_id));
        if (!file) return bad('Bad Request: invalid file_id');
        return ok({ file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length, file_path: file.filePath });
      }
      case 'setWebhook': {
        if (typeof body.url !== 'string') return bad('Bad Request: bad webhook: URL must be provided');
        if (body.url === '') {
          this.webhook = undefined;
          return ok(true);
        }
        if (!body.url.startsWith('https://')) return bad('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        this.webhook = {
          url: body.url,
          ...(typeof body.secret_token === 'string' ? { secretToken: body.secret_token } : {}),
          allowedUpdates: body.allowed_updates,
          dropPendingUpdates: body.drop_pending_updates === true || body.drop_pending_updates === 'true',
        };
        return ok(true);
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        return ok(true);
      case 'getWebhookInfo':
        return ok({ url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.pendingUpdates(), allowed_updates: this.webhook?.allowedUpdates });
      default:
        return [404, { ok: false, error_code: 404, description: 'Not Found: method not found' }];
    }
  }

  private getUpdates(body: Record<string, unknown>, response: http.ServerResponse, record: (status: number) => void): void {
    if (this.webhook) {
      record(409);
      return this.reply(response, 409, { ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });
    }
    const offset = Number(body.offset ?? 0);
    // An offset confirms every update before it: Telegram forgets them.
    if (offset > this.confirmedOffset) this.confirmedOffset = offset;
    const limit = Math.min(100, Number(body.limit ?? 100));
    const available = () => this.updates.filter((update) => Number(update.update_id) >= this.confirmedOffset).slice(0, limit);
    const timeoutMs = Math.min(Number(body.timeout ?? 0) * 1000, maximumHoldMs);
    const respond = () => {
      this.pollers.delete(release);
      clearTimeout(timer);
      if (response.writableEnded || response.destroyed) return;
      record(200);
      this.reply(response, 200, { ok: true, result: available() });
    };
    const release = () => respond();
    let timer: NodeJS.Timeout | undefined;
    if (available().length > 0 || timeoutMs <= 0) return respond();
    this.pollers.add(release);
    timer = setTimeout(respond, timeoutMs);
    response.on('close', () => {
      this.pollers.delete(release);
      clearTimeout(timer);
    });
  }

  private serveFile(token: string, filePath: string, response: http.ServerResponse): void {
    const file = [...this.files.values()].find((candidate) => candidate.filePath === filePath);
    this.calls.push({ method: 'downloadFile', body: { file_path: filePath }, status: token === this.token && file ? 200 : 404, at: Date.now() });
    if (token !== this.token || !file) return this.reply(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
    response.end(file.bytes);
  }

  private async readBody(request: http.IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    if (raw === '') return {};
    const type = request.headers['content-type'] ?? '';
    if (type.includes('multipart/form-data')) {
      // sendDocument uploads the file: fields as strings, files as { fileName, bytes }.
      const form = await new Response(bytes, { headers: { 'content-type': type } }).formData();
      const fields: Record<string, unknown> = {};
      for (const [key, value] of form.entries()) {
        fields[key] = typeof value === 'string' ? value : { fileName: (value as File).name, bytes: Buffer.from(await (value as Blob).arrayBuffer()) };
      }
      return fields;
    }
    if (type.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
    if (type.includes('application/x-www-form-urlencoded')) {
      return Object.fromEntries(
        [...new URLSearchParams(raw)].map(([key, value]) => {
          try {
            return [key, JSON.parse(value) as unknown];
          } catch {
            return [key, value];
          }
        }),
      );
    }
    return {};
  }

  private reply(response: http.ServerResponse, status: number, payload: unknown): void {
    if (response.writableEnded || response.destroyed) return;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(payload));
  }
}
