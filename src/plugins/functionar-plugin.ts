import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import type { Answering } from '../answering.ts';
import type { ConversationService } from '../conversation/conversation-service.ts';
import type { DatabaseHandle } from '../database/connection.ts';
import type { ChannelAdapter } from '../gateway/channel-contract.ts';
import type { InboundGateway } from '../gateway/inbound-gateway.ts';
import type { OutboxWorker } from '../outbox/outbox-worker.ts';
import type { ClerkCommandRunner } from '../tickets/clerk-command-runner.ts';
import { pluginNames, type FunctionarPluginOptions } from './plugin-options.ts';

/** The core services in one object, for the feature modules and tests that read `app.functionar`. */
export interface Functionar {
  config: Config;
  database: DatabaseHandle;
  conversations: ConversationService;
  clerkCommands: ClerkCommandRunner;
  gateway: InboundGateway;
  outbox: OutboxWorker;
  channels: Map<string, ChannelAdapter>;
  answering: Answering;
}

declare module 'fastify' {
  interface FastifyInstance {
    functionar: Functionar;
  }
}

/**
 * Decorates `functionar`: a view of the decorations the core plugins own (it owns nothing and closes nothing),
 * kept so modules written against one object keep working.
 */
export const functionarPlugin = fp<FunctionarPluginOptions>(
  async (app, { config }) => {
    const { database, conversations, clerkCommands, gateway, outbox, channels, answering } = app;
    app.decorate('functionar', { config, database, conversations, clerkCommands, gateway, outbox, channels, answering });
  },
  {
    name: pluginNames.functionar,
    fastify: '5.x',
    dependencies: [pluginNames.database, pluginNames.answering, pluginNames.outbox, pluginNames.conversation, pluginNames.channels],
  },
);
