import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { registerAuthenticationFailureLimit } from './authentication-failures.ts';
import { registerBackpressure } from './backpressure.ts';
import { registerCrossOrigin } from './cross-origin.ts';
import { registerRateLimits } from './rate-limits.ts';
import { registerSecurityHeaders } from './security-headers.ts';

/**
 * The protection layer, registered before any route so its hooks reach every route: load shedding
 * first (cheapest refusal), then rate limits, then security headers and cross-origin permission on what is served.
 */
export async function securityProtection(app: FastifyInstance, config: Config): Promise<void> {
  await registerBackpressure(app, config.pressure);
  await registerRateLimits(app, config.rateLimits);
  registerAuthenticationFailureLimit(app, config.rateLimits.webhookAuthenticationFailuresPerIp);
  await registerSecurityHeaders(app, config.publicUrl);
  await registerCrossOrigin(app, config.webchat.allowedOrigins);
}
