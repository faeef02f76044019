import fp from 'fastify-plugin';
import { openConfiguredDatabase, type DatabaseHandle } from '../database/connection.ts';
import { notificationBusFor, type NotificationBus } from '../database/notification-bus.ts';
import { pluginNames, type FunctionarPluginOptions } from './plugin-options.ts';

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle;
    /** Events every instance on the database hears (LISTEN/NOTIFY on PostgreSQL, in-process on SQLite). */
    notifications: NotificationBus;
  }
}

/**
 * Decorates `database` (SQLite, or PostgreSQL with DATABASE_URL; migrated on open) and `notifications`;
 * both closed last, after everything that writes to them has stopped (the bus first: it holds a connection of the pool).
 */
export const databasePlugin = fp<FunctionarPluginOptions>(
  async (app, { config, logger }) => {
    const database = await openConfiguredDatabase(config);
    const notifications = await notificationBusFor(database, logger);
    app.decorate<DatabaseHandle>('database', database);
    app.decorate<NotificationBus>('notifications', notifications);
    app.addHook('onClose', async () => {
      await notifications.close();
      await database.close();
    });
  },
  { name: pluginNames.database, fastify: '5.x' },
);
