import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

/** What build() hands every plugin: the parsed configuration and the app's logger (pino, with its masking). */
export interface FunctionarPluginOptions {
  config: Config;
  logger: Logger;
}

/**
 * The registered name of each plugin, for `dependencies` and `app.hasPlugin()`. Fastify checks the
 * dependencies at registration, so an out-of-order composition root fails at start instead of at the first request.
 */
export const pluginNames = {
  channelRoutes: 'functionar-channel-routes',
  security: 'functionar-security',
  database: 'functionar-database',
  answering: 'functionar-answering',
  outbox: 'functionar-outbox',
  conversation: 'functionar-conversation',
  channels: 'functionar-channels',
  functionar: 'functionar-services',
  health: 'functionar-health',
  startup: 'functionar-startup',
  admin: 'functionar-admin',
  open311: 'functionar-open311',
  receipts: 'functionar-receipts',
  gdpr: 'functionar-gdpr',
  deadlineDigest: 'functionar-deadline-digest',
} as const;
