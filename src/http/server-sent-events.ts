import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

// The set-up shared by the app's server-sent event streams (the web chat's and the admin's live inbox).

/**
 * Takes the reply over from Fastify and opens an event stream on it. The headers set so far (security
 * headers, cookies) go out with the stream's own; `x-accel-buffering: no` keeps a proxy such as nginx from
 * holding events back; a browser that loses the stream reconnects after 3 seconds.
 */
export function openEventStream(reply: FastifyReply, options: { cacheControl: string }): ServerResponse {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': options.cacheControl,
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 3000\n\n');
  return raw;
}

/** Writes one event; an `id` is what a reconnecting browser sends back as Last-Event-ID. */
export function writeEvent(stream: ServerResponse, event: string, data: unknown, id?: string): void {
  stream.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
