import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ChannelAdapter, ChannelContext, ChannelDefinition, Delivery } from '../../src/gateway/channel-contract.ts';
import type { StoredMessage } from '../../src/gateway/channel-records.ts';
import { NotFoundError, ValidationError } from '../../src/errors.ts';
import { isLanguage } from '../../src/language.ts';
import { buttonsOf, sourcesOf, type MessagePart } from '../../src/messages.ts';
import { StreamCaps } from '../../src/security/stream-caps.ts';
import { identifier } from '../../src/gateway/sender-identity.ts';
import { SessionEvents, type WebchatMessage } from './session-events.ts';

const channelId = 'webchat';
const publicDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');
const heartbeatMs = 20_000;

const errorResponse = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
};
const sourceSchema = { type: 'object', properties: { slug: { type: 'string' }, title: { type: 'string' }, url: { type: 'string' } } };
const buttonSchema = { type: 'object', properties: { label: { type: 'string' }, value: { type: 'string' } } };
const sessionParams = { type: 'object', required: ['sessionId'], properties: { sessionId: { type: 'string', maxLength: 128 } } };

/** One shape for a message whether it comes from history, a POST reply or a live event. */
function webchatMessage(id: string, from: WebchatMessage['from'], text: string, createdAt: string, parts: readonly MessagePart[]): WebchatMessage {
  const sources = sourcesOf(parts).map(({ slug, title, url }) => ({ slug, title, ...(url ? { url } : {}) }));
  const buttons = buttonsOf(parts);
  return {
    id,
    from,
    text,
    createdAt,
    ...(sources.length > 0 ? { sources } : {}),
    ...(buttons.length > 0 ? { buttons } : {}),
  };
}

export function toWebchatMessage(row: StoredMessage): WebchatMessage {
  return webchatMessage(String(row.id), row.author, row.text, row.createdAt, (row.parts ?? []) as MessagePart[]);
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
    this.events.publish(delivery.recipient, { type: 'message', id, data: webchatMessage(id, message.author, message.text, delivery.createdAt, message.parts) });
    return { externalId: id };
  }

  async stop(): Promise<void> {
    for (const close of this.openStreams) close();
  }

  private requireSession(sessionId: string): void {
    if (!this.context.gateway.records.hasContact(channelId, sessionId)) {
      throw new NotFoundError('FV_ERR_SESSION_NOT_FOUND', 'Unknown chat session; start a new one with POST /api/webchat/sessions');
    }
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
        gateway.records.openSession(channelId, sessionId, language);
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
          response: {
            200: {
              type: 'object',
              properties: {
                replies: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      id: { type: 'string' },
                      text: { type: 'string' },
                      sources: { type: 'array', items: sourceSchema },
                      buttons: { type: 'array', items: buttonSchema },
                      streamId: { type: 'string' },
                    },
                  },
                },
              },
            },
            '4xx': errorResponse,
          },
        },
      },
      async (request, reply) => {
        const { sessionId } = request.params;
        const text = request.body.text.trim();
        if (text === '') throw new ValidationError('FV_ERR_EMPTY_MESSAGE', 'The message is empty');
        this.requireSession(sessionId);
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
        const result = await accepted.answered;
        return {
          replies: (result?.replies ?? []).map((row) => {
            const message = toWebchatMessage(row);
            return { id: message.id, text: message.text, sources: message.sources ?? [], buttons: message.buttons ?? [], streamId: replyId };
          }),
        };
      },
    );

    app.get<{ Params: { sessionId: string }; Querystring: { after?: string } }>(
      '/api/webchat/sessions/:sessionId/messages',
      {
        schema: {
          params: sessionParams,
          querystring: { type: 'object', properties: { after: { type: 'string', pattern: '^[0-9]{0,15}$' } } },
          response: {
            200: {
              type: 'object',
              properties: {
                messages: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      id: { type: 'string' },
                      from: { type: 'string' },
                      text: { type: 'string' },
                      createdAt: { type: 'string' },
                      sources: { type: 'array', items: sourceSchema },
                      buttons: { type: 'array', items: buttonSchema },
                    },
                  },
                },
              },
            },
            '4xx': errorResponse,
          },
        },
      },
      async (request) => {
        this.requireSession(request.params.sessionId);
        const after = Number(request.query.after || 0);
        return { messages: gateway.records.history(channelId, request.params.sessionId, after).map(toWebchatMessage) };
      },
    );

    app.get<{ Params: { sessionId: string } }>('/api/webchat/sessions/:sessionId/events', { schema: { params: sessionParams } }, async (request, reply) => {
      const { sessionId } = request.params;
      this.requireSession(sessionId);
      const lastEventId = Number(request.headers['last-event-id'] ?? 0);
      // Decided before the stream opens, so a refusal is an ordinary JSON 429 (see StreamCaps).
      const releaseStreamPlace = this.streamCaps.open(sessionId, request.ip, () => close());
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 3000\n\n');
      const write = (event: string, data: unknown, id?: string) => {
        raw.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      // A reconnecting browser sends the last id it saw: replay what it missed meanwhile.
      if (Number.isFinite(lastEventId) && lastEventId > 0) {
        for (const row of gateway.records.history(channelId, sessionId, lastEventId)) if (row.author !== 'citizen') write('message', toWebchatMessage(row), String(row.id));
      }
      const unsubscribe = this.events.subscribe(sessionId, (event) => {
        if (event.type === 'message') write('message', event.data, event.id);
        else write(event.type, event.data);
      });
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
    });
  }
}

export const webchatChannel: ChannelDefinition = {
  id: channelId,
  // The session in the URL is the citizen: a flood is refused before its body is even read.
  recordCreatingRoutes: ['POST /api/webchat/sessions'],
  senderIdentities: [{ route: 'POST /api/webchat/sessions/:sessionId/messages', kind: 'session', senderOf: (request) => identifier((request.params as { sessionId?: unknown }).sessionId) }],
  create: (context) => new WebchatAdapter(context),
};
