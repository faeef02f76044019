import fp from 'fastify-plugin';
import { open311Routes } from '../open311/open311-routes.ts';
import { pluginNames } from './plugin-options.ts';

/**
 * Open311 GeoReport v2 (`/open311/v2/…`). It registers its own delivery adapter in the outbox's channel
 * registry, so answers to Open311 requests are published like any other channel's.
 */
export const open311Plugin = fp(async (app) => open311Routes(app), {
  name: pluginNames.open311,
  fastify: '5.x',
  dependencies: [pluginNames.functionar, pluginNames.outbox, pluginNames.answering],
});
