import type { FastifyInstance } from 'fastify';
import { open311Routes } from '../open311/open311-routes.ts';
import { receiptRoutes } from '../receipts/receipt-routes.ts';
import { privacyRoutes } from './privacy-page.ts';
import { scheduleRetention } from './retention-schedule.ts';

/**
 * The e-government features of the funded project in one route plugin (src/app-plugins.ts):
 * the privacy notice page, the daily retention job, Open311 GeoReport v2, and the registration receipts.
 */
export async function egovPlugin(app: FastifyInstance): Promise<void> {
  privacyRoutes(app);
  await open311Routes(app);
  receiptRoutes(app);
  scheduleRetention(app);
}
