import { createHash } from 'node:crypto';
import http from 'node:http';
import { closeLoopbackServer, listenOnLoopback } from './loopback-server.ts';

// A fake Meta Graph API for the WhatsApp Cloud API, speaking real HTTP: POST /{version}/{phone-number-id}/messages
// records what the bot sends and answers with a wamid; GET /{version}/{media-id} describes a stored file
// with a download URL; GET that URL serves the bytes. Every call needs the bearer token, like Meta's.
// Tests can make the next calls fail with Meta's error bodies (rate limits, 5xx, re-engagement…).

export interface SentMessage {
  /** The JSON body the bot posted. */
  body: GraphMessageBody;
  /** The wamid returned for it. */
  id: string;
  phoneNumberId: string;
}

export interface GraphMessageBody {
  messaging_product?: string;
  recipient_type?: string;
  to?: string;
  /** A business-scoped user id, in place of `to`, for a user who hides the number behind a username. */
  recipient?: string;
  type?: string;
  text?: { body: string; preview_url?: boolean };
  interactive?: {
    type: 'button' | 'list';
    body: { text: string };
    action: {
      buttons?: { type: string; reply: { id: string; title: string } }[];
      button?: string;
      sections?: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
    };
  };
  template?: { name: string; language: { code: string }; components?: { type: string; parameters: { type: string; text: string }[] }[] };
  document?: { id: string; filename?: string; caption?: string };
  image?: { id: string; caption?: string };
  [field: string]: unknown;
}

export interface ScriptedGraphFailure {
  status: number;
  code?: number;
  message?: string;
  details?: string;
  retryAfterSeconds?: number;
  /** Close the connection without an answer. */
  dropConnection?: boolean;
}

type FailureTarget = 'messages' | 'media-info' | 'media-download';

interface StoredMedia {
  bytes: Buffer;
  mimeType: string;
}

export class FakeGraphApi {
  readonly sent: SentMessage[] = [];
  /** Files the bot uploaded (POST /{phone-number-id}/media) before sending them. */
  readonly uploads: { id: string; mimeType: string; fileName: string; bytes: Buffer }[] = [];
  readonly requests: { method: string; path: string; authorized: boolean }[] = [];
  private readonly media = new Map<string, StoredMedia>();
  private readonly phoneNumbers = new Map<string, { display_phone_number: string; verified_name: string }>();
  private readonly failures: Record<FailureTarget, ScriptedGraphFailure[]> = { messages: [], 'media-info': [], 'media-download': [] };
  private counter = 0;

  private constructor(
    private readonly server: http.Server,
    readonly origin: string,
    readonly version: string,
    readonly token: string,
  ) {}

  static async start(options: { token: string; version?: string }): Promise<FakeGraphApi> {
    let fake: FakeGraphApi | undefined;
    const listening = await listenOnLoopback((request, response) => fake!.handle(request, response));
    fake = new FakeGraphApi(listening.server, listening.url, options.version ?? 'v25.0', options.token);
    return fake;
  }

  /** What WHATSAPP_GRAPH_API_ROOT should be set to. */
  get root(): string {
    return `${this.origin}/${this.version}`;
  }

  /** A business phone number the token may use (GET /{phone-number-id}). */
  addPhoneNumber(id: string, displayPhoneNumber: string, verifiedName: string): this {
    this.phoneNumbers.set(id, { display_phone_number: displayPhoneNumber, verified_name: verifiedName });
    return this;
  }

  /** Makes a file downloadable under this media id; returns its SHA-256 (hex). */
  addMedia(mediaId: string, bytes: Buffer, mimeType: string): string {
    this.media.set(mediaId, { bytes, mimeType });
    return createHash('sha256').update(bytes).digest('hex');
  }

  /** The next calls of that kind fail as scripted, in order. */
  failNext(target: FailureTarget, ...failures: ScriptedGraphFailure[]): this {
    this.failures[target].push(...failures);
    return this;
  }

  sentTo(waId: string): SentMessage[] {
    return this.sent.filter((message) => (message.body.to ?? message.body.recipient) === waId);
  }

  /** The text a citizen reads: text body, interactive body, or the template's parameter. */
  static readableText(message: SentMessage): string {
    const body = message.body;
    return body.text?.body ?? body.interactive?.body.text ?? body.template?.components?.[0]?.parameters[0]?.text ?? '';
  }

  async close(): Promise<void> {
    await closeLoopbackServer(this.server);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.origin);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const authorized = request.headers.authorization === `Bearer ${this.token}`;
    this.requests.push({ method: request.method ?? 'GET', path: url.pathname, authorized });
    if (!authorized) {
      return sendJson(response, 401, { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'fake' } });
    }
    const segments = url.pathname.split('/').filter(Boolean);
    if (url.pathname === '/whatsapp_business/attachments/') return this.download(url.searchParams.get('mid') ?? '', response);
    if (segments[0] !== this.version) return sendJson(response, 400, { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500 } });
    if (request.method === 'POST' && segments.length === 3 && segments[2] === 'media') {
      return this.upload(request.headers['content-type'] ?? '', Buffer.concat(chunks), response);
    }
    if (request.method === 'POST' && segments.length === 3 && segments[2] === 'messages') {
      return this.message(segments[1] ?? '', Buffer.concat(chunks).toString('utf8'), response);
    }
    if (request.method === 'GET' && segments.length === 2 && url.searchParams.has('fields')) return this.phoneNumber(segments[1] ?? '', response);
    if (request.method === 'GET' && segments.length === 2) return this.mediaInfo(segments[1] ?? '', response);
    return sendJson(response, 404, { error: { message: 'Unsupported request', type: 'GraphMethodException', code: 100 } });
  }

  private failed(target: FailureTarget, response: http.ServerResponse): boolean {
    const failure = this.failures[target].shift();
    if (!failure) return false;
    if (failure.dropConnection) {
      response.socket?.destroy();
      return true;
    }
    if (failure.retryAfterSeconds !== undefined) response.setHeader('retry-after', String(failure.retryAfterSeconds));
    sendJson(response, failure.status, {
      error: {
        message: failure.message ?? '(#131000) Something went wrong',
        type: 'OAuthException',
        code: failure.code ?? 131000,
        error_data: { messaging_product: 'whatsapp', details: failure.details ?? 'Scripted failure' },
        fbtrace_id: 'fake-trace',
      },
    });
    return true;
  }

  private message(phoneNumberId: string, text: string, response: http.ServerResponse): void {
    if (this.failed('messages', response)) return;
    let body: GraphMessageBody;
    try {
      body = JSON.parse(text) as GraphMessageBody;
    } catch {
      return sendJson(response, 400, { error: { message: 'Invalid JSON', type: 'OAuthException', code: 100 } });
    }
    const address = body.to ?? body.recipient;
    if (body.messaging_product !== 'whatsapp' || !address || !body.type) {
      return sendJson(response, 400, { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 } });
    }
    this.counter += 1;
    const id = `wamid.FAKE${String(this.counter).padStart(6, '0')}${Buffer.from(address).toString('base64url')}`;
    this.sent.push({ body, id, phoneNumberId });
    sendJson(response, 200, { messaging_product: 'whatsapp', contacts: [{ input: address, ...(body.to ? { wa_id: body.to } : { user_id: address }) }], messages: [{ id, ...(body.type === 'template' ? { message_status: 'accepted' } : {}) }] });
  }

  private async upload(contentType: string, body: Buffer, response: http.ServerResponse): Promise<void> {
    if (this.failed('messages', response)) return;
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
    } catch {
      return sendJson(response, 400, { error: { message: '(#100) The parameter file is required.', type: 'OAuthException', code: 100 } });
    }
    const file = form.get('file');
    if (form.get('messaging_product') !== 'whatsapp' || !(file instanceof Blob)) {
      return sendJson(response, 400, { error: { message: '(#100) Param messaging_product and file are required', type: 'OAuthException', code: 100 } });
    }
    this.counter += 1;
    const id = `${9_000_000_000_000 + this.counter}`;
    const bytes = Buffer.from(await file.arrayBuffer());
    const mimeType = String(form.get('type') ?? file.type);
    this.media.set(id, { bytes, mimeType });
    this.uploads.push({ id, mimeType, fileName: file instanceof File ? file.name : '', bytes });
    sendJson(response, 200, { id });
  }

  private phoneNumber(id: string, response: http.ServerResponse): void {
    const known = this.phoneNumbers.get(id);
    if (!known) return sendJson(response, 400, { error: { message: `Unsupported get request. Object with ID '${id}' does not exist`, type: 'GraphMethodException', code: 100, error_subcode: 33 } });
    sendJson(response, 200, { ...known, quality_rating: 'GREEN', id });
  }

  private mediaInfo(mediaId: string, response: http.ServerResponse): void {
    if (this.failed('media-info', response)) return;
    const stored = this.media.get(mediaId);
    if (!stored) return sendJson(response, 404, { error: { message: `Unsupported get request. Object with ID '${mediaId}' does not exist`, type: 'GraphMethodException', code: 100, error_subcode: 33 } });
    sendJson(response, 200, {
      messaging_product: 'whatsapp',
      url: `${this.origin}/whatsapp_business/attachments/?mid=${encodeURIComponent(mediaId)}&ext=${Date.now()}&hash=fake`,
      mime_type: stored.mimeType,
      sha256: createHash('sha256').update(stored.bytes).digest('hex'),
      file_size: String(stored.bytes.length),
      id: mediaId,
    });
  }

  private download(mediaId: string, response: http.ServerResponse): void {
    if (this.failed('media-download', response)) return;
    const stored = this.media.get(mediaId);
    if (!stored) return sendJson(response, 404, { error: { message: 'Media not found', code: 100 } });
    response.writeHead(200, { 'content-type': stored.mimeType, 'content-length': stored.bytes.length });
    response.end(stored.bytes);
  }
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
