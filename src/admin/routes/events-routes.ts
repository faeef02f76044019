import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { InboxEvent, InboxEvents } from '../inbox-events.ts';

/** A comment line now and then keeps proxies and browsers from closing a quiet stream. */
const heartbeatMs = 25_000;

/**
 * `GET /admin/events`: the inbox's live stream (server-sent events) for a signed-in clerk — `ticket-created`,
 * `citizen-message` (with the ticket's unread count) and `ticket-updated`. Same origin only: no CORS
 * headers, and the session cookie is SameSite. A reconnecting browser sends Last-Event-ID and gets what it
 * missed. Open streams are let go when the server closes (`closeAll`).
 */
export function registerEventsRoutes(
  scope: FastifyInstance,
  inboxEvents: InboxEvents,
  openStreams: Set<() => void>,
  /** Whether the request's session is still valid: a clerk who signed out (or whose session ended) hears no more. */
  stillSignedIn: (request: FastifyRequest) => boolean,
): void {
  scope.get('/events', async (request, reply) => {
    const lastEventId = Number(request.headers['last-event-id']);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 3000\n\n');
    let unsubscribe = () => {};
    let heartbeat: NodeJS.Timeout | undefined;
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
      openStreams.delete(shutDown);
      if (!raw.writableEnded) raw.end();
    };
    // At shutdown the stream never ends by itself: its connection is let go with it.
    const shutDown = () => {
      close();
      request.raw.socket?.destroy();
    };
    const write = (event: InboxEvent) => {
      if (!stillSignedIn(request)) return close();
      raw.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    };
    if (Number.isSafeInteger(lastEventId) && lastEventId > 0) for (const event of inboxEvents.missedSince(lastEventId)) write(event);
    unsubscribe = inboxEvents.subscribe(write);
    // Tells the page (and the tests) that it now hears every change.
    raw.write('event: ready\ndata: {}\n\n');
    heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), heartbeatMs);
    openStreams.add(shutDown);
    request.raw.on('close', close);
    raw.on('close', close);
  });
}
