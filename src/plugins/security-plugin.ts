import fp from 'fastify-plugin';
import { securityProtection } from '../security/index.ts';
import { pluginNames, type FunctionarPluginOptions } from './plugin-options.ts';

/**
 * The protection layer (load shedding, rate limits, security headers, cross-origin). Not encapsulated and
 * registered before any route, so its hooks reach every route.
 */
export const securityPlugin = fp<FunctionarPluginOptions>(async (app, { config }) => securityProtection(app, config), {
  name: pluginNames.security,
  fastify: '5.x',
  dependencies: [pluginNames.channelRoutes],
});
