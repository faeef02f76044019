import type { FastifyInstance, FastifyRequest } from 'fastify';
import { openEventStream, writeEvent } from '../../http/server-sent-events.ts';
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
    const raw = openEventStream(reply, { cacheControl: 'no-store, no-transform' });
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
      writeEvent(raw, event.type, event.data, String(event.id));
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
