import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { securityProtection } from './security/index.ts';
import { adminPlugin } from './admin/admin-plugin.ts';
import { egovPlugin } from './gdpr/egov-plugin.ts';
import { deadlineDigestPlugin } from './tickets/digest-scheduler.ts';

/**
 * Feature modules plug into the app here, one line each, without editing app.ts.
 * `protectionPlugins` run before any route is registered (security headers, rate limits, backpressure),
 * so their hooks cover every route; `routePlugins` run after the core and the channels exist and
 * reach them through `app.functionar`.
 */
export type AppPlugin = (app: FastifyInstance, config: Config) => Promise<void> | void;

export const protectionPlugins: AppPlugin[] = [securityProtection];

export const routePlugins: AppPlugin[] = [adminPlugin, egovPlugin, deadlineDigestPlugin];
