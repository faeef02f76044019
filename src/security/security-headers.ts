import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

// Security headers on every response, strictest where a browser renders our own pages (/, /admin…).
// Two resources are made to be used from other sites and are relaxed on purpose:
//  - /widget.js is loaded by a <script> tag on the town hall's website (another origin): a
//    Cross-Origin-Resource-Policy of same-origin would make the browser refuse it;
//  - /api/webchat/* is called by that widget with CORS (the allow-list is WEBCHAT_ALLOWED_ORIGINS).
// The embedding site's own Content-Security-Policy governs the widget there; ours governs our pages.

/** What our pages load: our own scripts and styles; the widget adds a <style> in its shadow root. */
export function pageContentSecurityPolicy(publicUrl: string | undefined): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    // The demo page and the widget style themselves inline; no inline script is allowed anywhere.
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'font-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'self'"],
    // Only where the public address is https: on a plain-http intranet it would break every request.
    'upgrade-insecure-requests': publicUrl?.startsWith('https:') ? [] : null,
  };
}

const embeddableRoutes = (url: string) => url === '/widget.js' || url === '/api/webchat' || url.startsWith('/api/webchat/');

export async function registerSecurityHeaders(app: FastifyInstance, publicUrl: string | undefined): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: pageContentSecurityPolicy(publicUrl) },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onRoute', (routeOptions) => {
    // A route that chose its own helmet settings keeps them.
    const config = routeOptions.config as { helmet?: unknown } | undefined;
    if (!embeddableRoutes(routeOptions.url) || (routeOptions as { helmet?: unknown }).helmet !== undefined || config?.helmet !== undefined) return;
    routeOptions.config = { ...config, helmet: { crossOriginResourcePolicy: { policy: 'cross-origin' } } } as typeof routeOptions.config;
  });
}
