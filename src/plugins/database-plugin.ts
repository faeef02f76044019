import fp from 'fastify-plugin';
import { openDatabase, type DatabaseHandle } from '../database/connection.ts';
import { pluginNames, type FunctionarPluginOptions } from './plugin-options.ts';

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle;
  }
}

/** Decorates `database` (SQLite, migrated on open); closed last, after everything that writes to it has stopped. */
export const databasePlugin = fp<FunctionarPluginOptions>(
  async (app, { config }) => {
    const database = openDatabase(config.databasePath);
    app.decorate('database', database);
    app.addHook('onClose', async () => database.close());
  },
  { name: pluginNames.database, fastify: '5.x' },
);
