import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';

// Cross-origin permission is for what other sites are meant to call: the chat widget on the town hall's
// website calls /api/webchat/* (allow-list WEBCHAT_ALLOWED_ORIGINS). The clerks' inbox under /admin is
// never called from another site: it gets no CORS header at all, not even with WEBCHAT_ALLOWED_ORIGINS=*,
// so a page elsewhere cannot read an inbox page a signed-in clerk's browser would fetch for it.

/** /admin, /admin/… and /admin?…, but not /administratie. */
export function isAdminPath(url: string): boolean {
  return url === '/admin' || url.startsWith('/admin/') || url.startsWith('/admin?');
}

export async function registerCrossOrigin(app: FastifyInstance, allowedOrigins: string[] | '*'): Promise<void> {
  const shared = { origin: allowedOrigins === '*' ? '*' : allowedOrigins, methods: ['GET', 'POST'] };
  await app.register(cors, {
    // Decided per request (preflights included, which reach no /admin route of their own).
    delegator: (request: FastifyRequest, callback) => callback(null, isAdminPath(request.url) ? { origin: false } : shared),
  });
}
