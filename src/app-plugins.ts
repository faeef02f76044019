import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';

/**
 * Feature modules plug into the app here, one line each, without editing app.ts.
 * `protectionPlugins` run before any route is registered (security headers, rate limits, backpressure),
 * so their hooks cover every route; `routePlugins` run after the core and the channels exist and
 * reach them through `app.functionar`.
 */
export type AppPlugin = (app: FastifyInstance, config: Config) => Promise<void> | void;

export const protectionPlugins: AppPlugin[] = [];

export const routePlugins: AppPlugin[] = [];
