import fp from 'fastify-plugin';
import { openConfiguredDatabase, type DatabaseHandle } from '../database/connection.ts';
import { pluginNames, type FunctionarPluginOptions } from './plugin-options.ts';

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle;
  }
}

/** Decorates `database` (SQLite, or PostgreSQL with DATABASE_URL; migrated on open); closed last, after everything that writes to it has stopped. */
export const databasePlugin = fp<FunctionarPluginOptions>(
  async (app, { config }) => {
    const database = await openConfiguredDatabase(config);
    app.decorate<DatabaseHandle>('database', database);
    app.addHook('onClose', async () => database.close());
  },
  { name: pluginNames.database, fastify: '5.x' },
);
