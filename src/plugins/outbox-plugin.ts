import fp from 'fastify-plugin';
import type { ChannelAdapter } from '../gateway/channel-contract.ts';
import { OutboxWorker } from '../outbox/outbox-worker.ts';
import { pluginNames, type FunctionarPluginOptions } from './plugin-options.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The adapters the outbox delivers through, by channel id; the channels plugin (and Open311) add theirs. */
    channels: Map<string, ChannelAdapter>;
    outbox: OutboxWorker;
  }
}

/**
 * Decorates `outbox` and the channel registry it reads at send time. The worker exists before any adapter,
 * so the core can queue and kick it from the start; the adapters register in `channels` afterwards. It
 * starts delivering in the startup plugin, once the channels are up, and stops on close, before the database.
 */
export const outboxPlugin = fp<FunctionarPluginOptions>(
  async (app, { config, logger }) => {
    const channels = new Map<string, ChannelAdapter>();
    const outbox = new OutboxWorker(app.database.db, channels, logger, config.outboxPollMs, config.instance);
    app.decorate('channels', channels);
    app.decorate('outbox', outbox);
    app.addHook('onClose', async () => outbox.stop());
  },
  { name: pluginNames.outbox, fastify: '5.x', dependencies: [pluginNames.database] },
);
