import fp from 'fastify-plugin';
import { documentRoutes } from '../documents/document-routes.ts';
import { receiptRoutes } from '../receipts/receipt-routes.ts';
import { pluginNames } from './plugin-options.ts';

/** Registration receipts: the signed PDF for each ticket and the public verification page. */
export const receiptsPlugin = fp(
  async (app) => {
    receiptRoutes(app);
    documentRoutes(app);
  },
  { name: pluginNames.receipts, fastify: '5.x', dependencies: [pluginNames.functionar, pluginNames.answering] },
);
