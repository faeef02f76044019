import fp from 'fastify-plugin';
import { ConversationService } from '../conversation/conversation-service.ts';
import { staffChatsOf } from '../gateway/channel-contract.ts';
import { InboundGateway } from '../gateway/inbound-gateway.ts';
import { ClerkCommandRunner } from '../tickets/clerk-command-runner.ts';
import { pluginNames, type FunctionarPluginOptions } from './plugin-options.ts';

declare module 'fastify' {
  interface FastifyInstance {
    conversations: ConversationService;
    clerkCommands: ClerkCommandRunner;
    gateway: InboundGateway;
  }
}

/**
 * Decorates the core every channel feeds: `conversations` (the citizen pipeline), `clerkCommands` (the clerks'
 * commands for every clerk surface) and `gateway` (what adapters hand inbound messages to). What they queue
 * kicks the outbox, which already exists.
 */
export const conversationPlugin = fp<FunctionarPluginOptions>(
  async (app, { config, logger }) => {
    const { database, answering, outbox, channels } = app;
    const kickOutbox = () => void outbox.kick();
    const conversations = new ConversationService({
      database: database.db,
      logger,
      townHallName: config.townHallName,
      publicUrl: config.publicUrl,
      knowledge: answering.knowledge,
      answerer: answering.answerer,
      classifyIntent: answering.classifyIntent,
      onQueued: kickOutbox,
      // Read when a ticket is announced, so adapters registered later are included.
      staffRecipients: () => staffChatsOf(channels.values()),
      claims: config.instance,
    });
    const clerkCommands = new ClerkCommandRunner(database.db, logger, kickOutbox);
    const gateway = new InboundGateway({ database: database.db, logger, conversations, clerkCommands, onQueued: kickOutbox });
    app.decorate('conversations', conversations);
    app.decorate('clerkCommands', clerkCommands);
    app.decorate('gateway', gateway);
  },
  { name: pluginNames.conversation, fastify: '5.x', dependencies: [pluginNames.database, pluginNames.answering, pluginNames.outbox] },
);
