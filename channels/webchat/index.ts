import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { DeliveryError, type ChannelAdapter, type ChannelContext, type ChannelDefinition, type Delivery } from '../../src/gateway/channel-contract.ts';
import type { StoredMessage } from '../../src/gateway/channel-records.ts';
import { AttachmentTooLargeError, storeAttachment } from '../../src/attachments/attachment-store.ts';
import { checkCitizenFile, citizenFileMaximumBytes } from '../../src/attachments/accepted-files.ts';
import { AppError, NotFoundError, ValidationError } from '../../src/errors.ts';
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
  private readonly events: SessionEvents;
  private readonly openStreams = new Set<() => void>();
  private readonly streamCaps: StreamCaps;
  private readonly assets: Record<string, { body: Buffer; type: string }>;

  constructor(private readonly context: ChannelContext) {
    this.streamCaps = new StreamCaps(context.config.webchat.streamsPerIp);
    this.events = new SessionEvents(context.notifications, (sessionId, messageId) => this.storedMessage(sessionId, messageId), context.logger);
    this.assets = {
      '/widget.js': { body: fs.readFileSync(path.join(publicDirectory, 'widget.js')), type: 'application/javascript; charset=utf-8' },
      '/': { body: fs.readFileSync(path.join(publicDirectory, 'demo.html')), type: 'text/html; charset=utf-8' },
    };
  }

  async send(delivery: Delivery): Promise<{ externalId?: string }> {
    const { message } = delivery;
    const id = String(delivery.messageId ?? `outbox-${delivery.outboxId}`);
    const language = await this.context.gateway.languageOf(channelId, delivery.recipient);
    try {
      // Whichever instance holds the citizen's stream shows it; a stored message travels as its id.
      await this.events.publish(delivery.recipient, { type: 'message', id, data: webchatMessage(id, message.author, message.text, delivery.createdAt, message.parts, language) });
    } catch (error) {
      const tooLarge = error instanceof AppError && error.code === 'FV_ERR_NOTIFICATION_TOO_LARGE';
      throw new DeliveryError(`The message could not be published to the session's streams: ${error instanceof Error ? error.message : String(error)}`, !tooLarge);
    }
    return { externalId: id };
  }

  async start(): Promise<void> {
    await this.events.listen();
  }

  async stop(): Promise<void> {
    for (const close of this.openStreams) close();
    await this.events.close();
  }

  /** A stored bot or clerk message of the session, as a live event shows it (read by the instance holding the stream). */
  private async storedMessage(sessionId: string, messageId: number): Promise<WebchatMessage | undefined> {
    const row = await this.context.gateway.records.message(channelId, sessionId, messageId);
    if (!row || row.author === 'citizen') return undefined;
    return toWebchatMessage(row, await this.context.gateway.languageOf(channelId, sessionId));
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
            { receive: { onStatus: (statusText) => this.events.publishIfPossible(sessionId, { type: 'status', data: { text: statusText } }) } },
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
              onToken: (delta) => this.events.publishIfPossible(sessionId, { type: 'token', data: { replyId, delta } }),
              onStatus: (statusText) => this.events.publishIfPossible(sessionId, { type: 'status', data: { text: statusText } }),
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
      // Listening to every instance's events before the stream opens (and before the replay is read, so
      // nothing published while it is read is lost); a database that cannot be reached is an ordinary error.
      await this.events.listen();
      // Decided before the stream opens, so a refusal is an ordinary JSON 429 (see StreamCaps).
      const releaseStreamPlace = this.streamCaps.open(sessionId, request.ip, () => close());
      const raw = openEventStream(reply, { cacheControl: 'no-cache, no-transform' });
      const write = (event: string, data: unknown, id?: string) => {
        if (!raw.writableEnded) writeEvent(raw, event, data, id);
      };
      // Each message is written once, however many ways it arrives (live, replayed, caught up after a gap).
      const written = new Set<string>();
      let lastMessageId = Number.isFinite(lastEventId) && lastEventId > 0 ? lastEventId : 0;
      const forward = (event: SessionEvent) => {
        if (event.type !== 'message') return write(event.type, event.data);
        if (written.has(event.id)) return;
        written.add(event.id);
        if (/^[0-9]+$/.test(event.id)) lastMessageId = Math.max(lastMessageId, Number(event.id));
        write('message', event.data, event.id);
      };
      // Live events that arrive while the records are read wait, and follow what was read.
      let waiting: SessionEvent[] | undefined;
      let catchUpsUnderWay = 0;
      let catchUps = Promise.resolve();
      /** Writes the stored bot and clerk messages after `afterId` (and `since`) that this stream has not written, then the waiting live events. */
      const catchUp = (afterId: number, since?: string): Promise<void> => {
        waiting ??= [];
        catchUpsUnderWay += 1;
        const caughtUp = catchUps.then(async () => {
          try {
            const language = await gateway.languageOf(channelId, sessionId);
            const missed = await gateway.records.history(channelId, sessionId, afterId);
            for (const row of missed) if (row.author !== 'citizen' && (since === undefined || row.createdAt >= since)) forward({ type: 'message', id: String(row.id), data: toWebchatMessage(row, language) });
          } finally {
            catchUpsUnderWay -= 1;
            if (catchUpsUnderWay === 0) {
              const published = waiting ?? [];
              waiting = undefined;
              for (const event of published) forward(event);
            }
          }
        });
        catchUps = caughtUp.catch(() => undefined);
        return caughtUp;
      };
      // A stream opened without an id has written nothing yet: after a gap it catches up on what was stored
      // since it opened (a minute early, for clocks of other instances; the bubble keeps one copy per id).
      const openedSince = new Date(Date.now() - 60_000).toISOString();
      const unsubscribe = this.events.subscribe(
        sessionId,
        (event) => (waiting ? waiting.push(event) : forward(event)),
        // The bus lost its connection for a while: what was published meanwhile is in the records.
        () => void catchUp(lastMessageId, lastMessageId === 0 ? openedSince : undefined).catch((error: unknown) => this.context.logger.warn({ err: error }, 'A web chat stream could not catch up; the browser does when it reconnects')),
      );
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
      if (lastMessageId > 0) await catchUp(lastMessageId);
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
