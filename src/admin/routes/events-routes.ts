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
  stillSignedIn: (request: FastifyRequest) => Promise<boolean>,
): void {
  scope.get('/events', async (request, reply) => {
    const lastEventId = Number(request.headers['last-event-id']);
    const raw = openEventStream(reply, { cacheControl: 'no-store, no-transform' });
    let unsubscribe = () => {};
    let heartbeat: NodeJS.Timeout | undefined;
    let closed = false;
    const close = () => {
      closed = true;
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
    // Listened for before anything is awaited, so a browser leaving meanwhile is not missed.
    openStreams.add(shutDown);
    request.raw.on('close', close);
    raw.on('close', close);

    // Each event waits for the session check of the one before: they go out one at a time, in id order,
    // each at most once (the replay and the live events may overlap).
    let sending = Promise.resolve();
    let lastSentId = 0;
    const send = async (event: InboxEvent) => {
      if (closed || event.id <= lastSentId) return;
      if (!(await stillSignedIn(request))) return close();
      if (closed) return;
      lastSentId = event.id;
      writeEvent(raw, event.type, event.data, String(event.id));
    };
    const inOrder = (step: () => Promise<void> | void) => {
      sending = sending.then(step).catch((error: unknown) => {
        // The browser reconnects with the last id it got and is sent the rest.
        request.log.warn({ err: error }, 'live inbox: an event could not be sent; closing the stream');
        close();
      });
    };

    // The replay goes first in line, and is read once listening has begun, so nothing falls between the two.
    if (Number.isSafeInteger(lastEventId) && lastEventId > 0) {
      inOrder(async () => {
        for (const event of await inboxEvents.missedSince(lastEventId)) await send(event);
      });
    }
    try {
      unsubscribe = await inboxEvents.subscribe((event) => inOrder(() => send(event)));
    } catch (error) {
      request.log.warn({ err: error }, 'live inbox: reading the audit trail failed; the browser will reconnect');
      return close();
    }
    if (closed) return unsubscribe();
    // Tells the page (and the tests) that it now hears every change.
    inOrder(() => {
      if (!closed) raw.write('event: ready\ndata: {}\n\n');
    });
    heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), heartbeatMs);
  });
}
