import fp from 'fastify-plugin';
import { pluginNames, type FunctionarPluginOptions } from './plugin-options.ts';

/**
 * What happens once every channel is up (the channels plugin starts them in an earlier ready hook): the
 * outbox starts delivering, then messages accepted before the last stop but never answered are answered.
 * Registered after the channels so this order is the registration order, checked by the dependencies.
 * Afterwards, once per claim lease, the messages another instance accepted and left unanswered when it died
 * (its claims ran out) are answered here (src/database/claims.ts).
 */
export const startupPlugin = fp<FunctionarPluginOptions>(
  async (app, { config, logger }) => {
    let sweep: NodeJS.Timeout | undefined;
    let sweeping: Promise<void> | undefined;
    const resumeAbandoned = () => {
      sweeping ??= app.conversations
        .resumeUnprocessed()
        .then((resumed) => {
          if (resumed > 0) logger.warn({ resumed }, 'answered messages an instance accepted and left unanswered');
        })
        .catch((error: unknown) => logger.error({ err: error }, 'unanswered messages could not be resumed'))
        .finally(() => (sweeping = undefined));
    };
    app.addHook('onReady', async () => {
      await app.outbox.start();
      const resumed = await app.conversations.resumeUnprocessed();
      if (resumed > 0) logger.info({ resumed }, 'answered messages accepted before the last stop');
      sweep = setInterval(resumeAbandoned, config.instance.leaseMs);
      sweep.unref();
    });
    app.addHook('onClose', async () => {
      clearInterval(sweep);
      await sweeping;
    });
  },
  { name: pluginNames.startup, fastify: '5.x', dependencies: [pluginNames.outbox, pluginNames.conversation, pluginNames.channels] },
);
