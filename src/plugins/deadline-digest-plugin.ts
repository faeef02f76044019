import fp from 'fastify-plugin';
import { deadlineDigestPlugin as scheduleDeadlineDigest } from '../tickets/digest-scheduler.ts';
import { pluginNames, type FunctionarPluginOptions } from './plugin-options.ts';

/** The morning deadline digest for clerks (DEADLINE_DIGEST_TIME), queued through the outbox. */
export const deadlineDigestPlugin = fp<FunctionarPluginOptions>(async (app, { config }) => scheduleDeadlineDigest(app, config), {
  name: pluginNames.deadlineDigest,
  fastify: '5.x',
  dependencies: [pluginNames.functionar, pluginNames.database, pluginNames.outbox, pluginNames.channels],
});
