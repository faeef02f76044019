import fp from 'fastify-plugin';
import { channelDefinitions } from '../../channels/index.ts';
import { pluginNames } from './plugin-options.ts';

/**
 * Decorates `channelRoutes`: what each channel declares about its routes (who writes, what creates records,
 * what authenticates). Known before any channel is created: the protection layer reads it.
 */
export const channelRoutesPlugin = fp(
  async (app) => {
    app.decorate('channelRoutes', {
      senderIdentities: channelDefinitions.flatMap((definition) => (definition.senderIdentities ?? []).map((identity) => ({ ...identity, channel: definition.id }))),
      recordCreatingRoutes: channelDefinitions.flatMap((definition) => definition.recordCreatingRoutes ?? []),
      authenticatedRoutes: channelDefinitions.flatMap((definition) => definition.authenticatedRoutes ?? []),
    });
  },
  { name: pluginNames.channelRoutes, fastify: '5.x' },
);
