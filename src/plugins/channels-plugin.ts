import fp from 'fastify-plugin';
import { channelDefinitions } from '../../channels/index.ts';
import type { ChannelContext } from '../gateway/channel-contract.ts';
import { ChannelStateStore } from '../gateway/channel-state-store.ts';
import { pluginNames, type FunctionarPluginOptions } from './plugin-options.ts';

/**
 * Creates the configured channel adapters from channels/index.ts, registers each with the outbox's channel
 * registry and lets it add its routes. Adapters start when the app is ready and stop before it closes
 * (preClose: no new platform traffic while the outbox and the database finish).
 */
export const channelsPlugin = fp<FunctionarPluginOptions>(
  async (app, { config, logger }) => {
    const { database, gateway, channels, notifications } = app;
    for (const definition of channelDefinitions) {
      const context: ChannelContext = { config, logger, gateway, state: new ChannelStateStore(database.db, definition.id), notifications };
      const adapter = await definition.create(context);
      if (adapter) channels.set(adapter.id, adapter);
    }
    for (const adapter of channels.values()) await adapter.registerRoutes?.(app);
    app.addHook('onReady', async () => {
      for (const adapter of channels.values()) await adapter.start?.();
    });
    app.addHook('preClose', async () => {
      for (const adapter of channels.values()) await adapter.stop?.();
    });
  },
  { name: pluginNames.channels, fastify: '5.x', dependencies: [pluginNames.database, pluginNames.outbox, pluginNames.conversation] },
);
