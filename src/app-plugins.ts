import { adminPlugin } from './admin/admin-plugin.ts';
import { answeringPlugin } from './plugins/answering-plugin.ts';
import { channelRoutesPlugin } from './plugins/channel-routes-plugin.ts';
import { channelsPlugin } from './plugins/channels-plugin.ts';
import { conversationPlugin } from './plugins/conversation-plugin.ts';
import { databasePlugin } from './plugins/database-plugin.ts';
import { deadlineDigestPlugin } from './plugins/deadline-digest-plugin.ts';
import { functionarPlugin } from './plugins/functionar-plugin.ts';
import { gdprPlugin } from './plugins/gdpr-plugin.ts';
import { healthPlugin } from './plugins/health-plugin.ts';
import { open311Plugin } from './plugins/open311-plugin.ts';
import { outboxPlugin } from './plugins/outbox-plugin.ts';
import { receiptsPlugin } from './plugins/receipts-plugin.ts';
import { securityPlugin } from './plugins/security-plugin.ts';
import { startupPlugin } from './plugins/startup-plugin.ts';

export { pluginNames, type FunctionarPluginOptions } from './plugins/plugin-options.ts';

/**
 * Every plugin of the app, in the order build() registers them. Each is wrapped with fastify-plugin and
 * names the plugins it needs, so registering one before what it depends on fails at start
 * (FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED) instead of at the first request.
 */
export const plugins = {
  // Before any route, so the protection hooks reach every route.
  channelRoutes: channelRoutesPlugin,
  security: securityPlugin,
  // The core: each decorates what it owns and closes it on close (in reverse order: the database last).
  database: databasePlugin,
  answering: answeringPlugin,
  outbox: outboxPlugin,
  conversation: conversationPlugin,
  channels: channelsPlugin,
  functionar: functionarPlugin,
  health: healthPlugin,
  // Features.
  admin: adminPlugin,
  open311: open311Plugin,
  receipts: receiptsPlugin,
  gdpr: gdprPlugin,
  deadlineDigest: deadlineDigestPlugin,
  // Last: once the channels are up, the outbox starts and unanswered messages are answered.
  startup: startupPlugin,
} as const;
