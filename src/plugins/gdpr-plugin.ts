import fp from 'fastify-plugin';
import { privacyRoutes } from '../gdpr/privacy-page.ts';
import { scheduleRetention } from '../gdpr/retention-schedule.ts';
import { pluginNames } from './plugin-options.ts';

/** GDPR: the privacy notice page and the daily retention job (stopped on close). */
export const gdprPlugin = fp(
  async (app) => {
    privacyRoutes(app);
    scheduleRetention(app);
  },
  { name: pluginNames.gdpr, fastify: '5.x', dependencies: [pluginNames.functionar, pluginNames.database, pluginNames.answering] },
);
