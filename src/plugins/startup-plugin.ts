import fp from 'fastify-plugin';
import { pluginNames, type FunctionarPluginOptions } from './plugin-options.ts';

/**
 * What happens once every channel is up (the channels plugin starts them in an earlier ready hook): the
 * outbox starts delivering, then messages accepted before the last stop but never answered are answered.
 * Registered after the channels so this order is the registration order, checked by the dependencies.
 */
export const startupPlugin = fp<FunctionarPluginOptions>(
  async (app, { logger }) => {
    app.addHook('onReady', async () => {
      await app.outbox.start();
      const resumed = await app.conversations.resumeUnprocessed();
      if (resumed > 0) logger.info({ resumed }, 'answered messages accepted before the last stop');
    });
  },
  { name: pluginNames.startup, fastify: '5.x', dependencies: [pluginNames.outbox, pluginNames.conversation, pluginNames.channels] },
);
