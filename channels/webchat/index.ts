import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ChannelAdapter, ChannelContext, ChannelDefinition, Delivery } from '../../src/gateway/channel-contract.ts';
import type { StoredMessage } from '../../src/gateway/channel-records.ts';
import { AttachmentTooLargeError, storeAttachment } from '../../src/attachments/attachment-store.ts';
import { checkCitizenFile, citizenFileMaximumBytes } from '../../src/attachments/accepted-files.ts';
import { NotFoundError, ValidationError } from '../../src/errors.ts';
import { isLanguage, type Language } from '../../src/language.ts';
import { buttonsOf, sourcesOf, type AttachmentPart, type MessagePart } from '../../src/messages.ts';
import { StreamCaps } from '../../src/security/stream-caps.ts';
import { openEventStream, writeEvent } from '../../src/http/server-sent-events.ts';
import { identifier } from '../../src/gateway/sender-identity.ts';
import { SessionEvents, type SessionEvent, type WebchatMessage } from './session-events.ts';

const channelId = 'webchat';
const publicDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');
const heartbeatMs = 20_000;

const errorResponse = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
};
const sourceSchema = { type: 'object', properties: { slug: { type: 'string' }, title: { type: 'string' }, url: { type: 'string' } } };
const buttonSchema = { type: 'object', properties: { label: { type: 'string' }, value: { type: 'string' } } };
/** What the bubble shows of a file: never where it is stored. */
const attachmentSchema = { type: 'object', properties: { fileName: { type: 'string' }, mediaType: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' } } };
const messageSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    from: { type: 'string' },
    text: { type: 'string' },
    createdAt: { type: 'string' },
    language: { type: 'string' },
    sources: { type: 'array', items: sourceSchema },
    buttons: { type: 'array', items: buttonSchema },
    attachments: { type: 'array', items: attachmentSchema },
  },
};
const replySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    text: { type: 'string' },
    language: { type: 'string' },
    sources: { type: 'array', items: sourceSchema },
    buttons: { type: 'array', items: buttonSchema },
    streamId: { type: 'string' },
  },
};
const sessionParams = { type: 'object', required: ['sessionId'], properties: { sessionId: { type: 'string', maxLength: 128 } } };

/** One shape for a message whether it comes from history, a POST reply or a live event. */
function webchatMessage(id: string, from: WebchatMessage['from'], text: string, createdAt: string, parts: readonly MessagePart[], language: Language | undefined): WebchatMessage {
  const sources = sourcesOf(parts).map(({ slug, title, url }) => ({ slug, title, ...(url ? { url } : {}) }));
  const buttons = buttonsOf(parts);
  const attachments = parts.filter((part): part is AttachmentPart => part.type === 'attachment').map(({ fileName, mediaType, size, sha256 }) => ({ fileName, mediaType, size, sha256 }));
  return {
    id,
    from,
    text,
    createdAt,
    // The bubble marks each message with it (lang attribute), so a screen reader reads it in its language.
    ...(language ? { language } : {}),
    ...(sources.length > 0 ? { sources } : {}),
    ...(buttons.length > 0 ? { buttons } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}

export function toWebchatMessage(row: StoredMessage, language?: Language): WebchatMessage {
  return webchatMessage(String(row.id), row.author, row.text, row.createdAt, (row.parts ?? []) as MessagePart[], language);
}

/** The name the browser sent (URI-encoded in a header: header values are Latin-1), when readable. */
function fileNameFrom(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  try {
    return decodeURIComponent(header).slice(0, 255);
  } catch {
    return undefined;
  }
}

function newSessionId(): string {
  // 192 bits: a session id is the only credential of a web chat citizen.
  return randomBytes(24).toString('base64url');
}

class WebchatAdapter implements ChannelAdapter {
  readonly id = channelId;
  readonly idempotentSend = true;
  private readonly events = new SessionEvents();
  private readonly openStreams = new Set<() => void>();
  private readonly streamCaps: StreamCaps;
  private readonly assets: Record<string, { body: Buffer; type: string }>;

  constructor(private readonly context: ChannelContext) {
    this.streamCaps = new StreamCaps(context.config.webchat.streamsPerIp);
    this.assets = {
      '/widget.js': { body: fs.readFileSync(path.join(publicDirectory, 'widget.js')), type: 'application/javascript; charset=utf-8' },
      '/': { body: fs.readFileSync(path.join(publicDirectory, 'demo.html')), type: 'text/html; charset=utf-8' },
    };
  }

  async send(delivery: Delivery): Promise<{ externalId?: string }> {
    const { message } = delivery;
    const id = String(delivery.messageId ?? `outbox-${delivery.outboxId}`);
    const language = await this.context.gateway.languageOf(channelId, delivery.recipient);
    this.events.publish(delivery.recipient, { type: 'message', id, data: webchatMessage(id, message.author, message.text, delivery.createdAt, message.parts, language) });
    return { externalId: id };
  }

  async stop(): Promise<void> {
    for (const close of this.openStreams) close();
  }

  private async requireSession(sessionId: string): Promise<void> {
    if (!(await this.context.gateway.records.hasContact(channelId, sessionId))) {
      throw new NotFoundError('FV_ERR_SESSION_NOT_FOUND', 'Unknown chat session; start a new one with POST /api/webchat/sessions');
    }
  }

  /** The stored answers to a citizen's message, in the shape of the POST's reply. */
  private async repliesTo(sessionId: string, answered: Promise<{ replies: StoredMessage[] } | undefined>, streamId: string) {
    const result = await answered;
    const language = await this.context.gateway.languageOf(channelId, sessionId);
    return (result?.replies ?? []).map((row) => {
      const message = toWebchatMessage(row, language);
      return { id: message.id, text: message.text, language: message.language, sources: message.sources ?? [], buttons: message.buttons ?? [], streamId };
    });
  }

  /**
   * POST /api/webchat/sessions/:sessionId/attachments — a photo or a document from the bubble, the raw
   * file as the body with its type as Content-Type and its name URI-encoded in X-File-Name. The same types
   * and size as on the other channels (src/attachments/accepted-files.ts); stored under its SHA-256 and
   * handed to the core as a citizen's message with an attachment (kept with the request being filed, or
   * on the conversation). In its own scope: only this route reads bodies other than JSON, up to the file limit.
   */
  private registerAttachmentRoute(app: FastifyInstance): void {
    const { gateway, config } = this.context;
    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: citizenFileMaximumBytes }, (_request, body, done) => done(null, body));
      scope.post<{ Params: { sessionId: string } }>(
        '/api/webchat/sessions/:sessionId/attachments',
        {
          bodyLimit: citizenFileMaximumBytes,
          // A declared size above the limit is refused before a byte of it is read.
          onRequest: async (request) => {
            const declared = Number(request.headers['content-length']);
            if (Number.isFinite(declared) && declared > citizenFileMaximumBytes) throw new AttachmentTooLargeError(declared, citizenFileMaximumBytes);
          },
          schema: {
            params: sessionParams,
            response: {
              200: { type: 'object', properties: { attachment: attachmentSchema, replies: { type: 'array', items: replySchema } } },
              '4xx': errorResponse,
            },
          },
        },
        async (request) => {
          const { sessionId } = request.params;
          await this.requireSession(sessionId);
          const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          if (bytes.length === 0) throw new ValidationError('FV_ERR_EMPTY_FILE', 'The file is empty');
          const mediaType = checkCitizenFile(bytes, request.headers['content-type']);
          const attachment = storeAttachment(config.dataDirectory, { bytes, fileName: fileNameFrom(request.headers['x-file-name']), mediaType, maxBytes: citizenFileMaximumBytes });
          const replyId = `pending-${randomBytes(6).toString('hex')}`;
          const accepted = await gateway.accept(
            {
              channel: channelId,
              externalId: `${sessionId}:file:${randomBytes(12).toString('hex')}`,
              sender: { externalId: sessionId },
              text: '',
              parts: [attachment],
            },
            { receive: { onStatus: (statusText) => this.events.publish(sessionId, { type: 'status', data: { text: statusText } }) } },
          );
          const { fileName, size, sha256 } = attachment;
          return { attachment: { fileName, mediaType, size, sha256 }, replies: await this.repliesTo(sessionId, accepted.answered, replyId) };
        },
      );
    });
  }

  registerRoutes(app: FastifyInstance): void {
    const { gateway } = this.context;

    for (const [url, asset] of Object.entries(this.assets)) {
      app.get(url, async (_request, reply) => reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body));
    }

    app.post<{ Body: { language?: string } | undefined }>(
      '/api/webchat/sessions',
      {
        schema: {
          body: { type: ['object', 'null'], properties: { language: { type: 'string', enum: ['ro', 'hu', 'en'] } }, additionalProperties: false },
          response: { 201: { type: 'object', required: ['sessionId'], properties: { sessionId: { type: 'string' } } }, '4xx': errorResponse },
        },
      },
      async (request, reply) => {
        const sessionId = newSessionId();
        const language = isLanguage(request.body?.language) ? request.body.language : undefined;
        await gateway.records.openSession(channelId, sessionId, language);
        return reply.code(201).send({ sessionId });
      },
    );

    app.post<{ Params: { sessionId: string }; Body: { text: string; clientMessageId?: string } }>(
      '/api/webchat/sessions/:sessionId/messages',
      {
        schema: {
          params: sessionParams,
          body: {
            type: 'object',
            required: ['text'],
            additionalProperties: false,
            properties: { text: { type: 'string', maxLength: 4000 }, clientMessageId: { type: 'string', minLength: 1, maxLength: 100 } },
          },
          response: { 200: { type: 'object', properties: { replies: { type: 'array', items: replySchema } } }, '4xx': errorResponse },
        },
      },
      async (request, reply) => {
        const { sessionId } = request.params;
        const text = request.body.text.trim();
        if (text === '') throw new ValidationError('FV_ERR_EMPTY_MESSAGE', 'The message is empty');
        await this.requireSession(sessionId);
        const abort = new AbortController();
        // The request stream closes as soon as its body has been read (Node 20); only a response that
        // closes before it was sent means the citizen left, and only then is the answer worth stopping.
        reply.raw.on('close', () => {
          if (!reply.raw.writableFinished) abort.abort();
        });
        const replyId = `pending-${randomBytes(6).toString('hex')}`;
        const accepted = await gateway.accept(
          {
            channel: channelId,
            externalId: request.body.clientMessageId ? `${sessionId}:${request.body.clientMessageId}` : `${sessionId}:${randomBytes(12).toString('hex')}`,
            sender: { externalId: sessionId },
            text,
          },
          {
            receive: {
              signal: abort.signal,
              onToken: (delta) => this.events.publish(sessionId, { type: 'token', data: { replyId, delta } }),
              onStatus: (statusText) => this.events.publish(sessionId, { type: 'status', data: { text: statusText } }),
            },
          },
        );
        return { replies: await this.repliesTo(sessionId, accepted.answered, replyId) };
      },
    );

    this.registerAttachmentRoute(app);

    app.get<{ Params: { sessionId: string }; Querystring: { after?: string } }>(
      '/api/webchat/sessions/:sessionId/messages',
      {
        schema: {
          params: sessionParams,
          querystring: { type: 'object', properties: { after: { type: 'string', pattern: '^[0-9]{0,15}$' } } },
          response: { 200: { type: 'object', properties: { messages: { type: 'array', items: messageSchema } } }, '4xx': errorResponse },
        },
      },
      async (request) => {
        await this.requireSession(request.params.sessionId);
        const after = Number(request.query.after || 0);
        const language = await gateway.languageOf(channelId, request.params.sessionId);
        const rows = await gateway.records.history(channelId, request.params.sessionId, after);
        return { messages: rows.map((row) => toWebchatMessage(row, language)) };
      },
    );

    app.get<{ Params: { sessionId: string } }>('/api/webchat/sessions/:sessionId/events', { schema: { params: sessionParams } }, async (request, reply) => {
      const { sessionId } = request.params;
      await this.requireSession(sessionId);
      const lastEventId = Number(request.headers['last-event-id'] ?? 0);
      // Decided before the stream opens, so a refusal is an ordinary JSON 429 (see StreamCaps).
      const releaseStreamPlace = this.streamCaps.open(sessionId, request.ip, () => close());
      const raw = openEventStream(reply, { cacheControl: 'no-cache, no-transform' });
      const write = (event: string, data: unknown, id?: string) => writeEvent(raw, event, data, id);
      const forward = (event: SessionEvent) => {
        if (event.type === 'message') write('message', event.data, event.id);
        else write(event.type, event.data);
      };
      // Subscribed before the replay is read, so nothing published while it is read is lost: such events
      // wait, and follow the replay (a message the replay already carried is not written twice).
      let waiting: SessionEvent[] | undefined = [];
      const unsubscribe = this.events.subscribe(sessionId, (event) => (waiting ? waiting.push(event) : forward(event)));
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), heartbeatMs);
      const close = () => {
        releaseStreamPlace();
        clearInterval(heartbeat);
        unsubscribe();
        this.openStreams.delete(shutDown);
        if (!raw.writableEnded) raw.end();
      };
      // At shutdown the stream never ends by itself: its connection is let go with it, so that closing the
      // server does not wait on a browser (or a half-closed socket) that will not hang up.
      const shutDown = () => {
        close();
        request.raw.socket?.destroy();
      };
      this.openStreams.add(shutDown);
      // A browser that leaves closes the request; a socket that dies closes the response.
      request.raw.on('close', close);
      raw.on('close', close);
      // A reconnecting browser sends the last id it saw: replay what it missed meanwhile.
      const replayed = new Set<string>();
      if (Number.isFinite(lastEventId) && lastEventId > 0) {
        const language = await gateway.languageOf(channelId, sessionId);
        const missed = await gateway.records.history(channelId, sessionId, lastEventId);
        if (raw.writableEnded) return;
        for (const row of missed) {
          if (row.author === 'citizen') continue;
          write('message', toWebchatMessage(row, language), String(row.id));
          replayed.add(String(row.id));
        }
      }
      const published = waiting;
      waiting = undefined;
      for (const event of published) if (event.type !== 'message' || !replayed.has(event.id)) forward(event);
    });
  }
}

export const webchatChannel: ChannelDefinition = {
  id: channelId,
  // The session in the URL is the citizen: a flood is refused before its body is even read.
  recordCreatingRoutes: ['POST /api/webchat/sessions'],
  senderIdentities: ['POST /api/webchat/sessions/:sessionId/messages', 'POST /api/webchat/sessions/:sessionId/attachments'].map((route) => ({
    route,
    kind: 'session' as const,
    senderOf: (request: { params: unknown }) => identifier((request.params as { sessionId?: unknown }).sessionId),
  })),
  create: (context) => new WebchatAdapter(context),
};
