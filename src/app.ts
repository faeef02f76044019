import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { channelDefinitions } from '../channels/index.ts';
import type { ChannelAdapter, ChannelContext } from './gateway/channel-contract.ts';
import type { Config } from './config.ts';
import { ConversationService } from './conversation/conversation-service.ts';
import { ChannelStateStore } from './gateway/channel-state-store.ts';
import { InboundGateway } from './gateway/inbound-gateway.ts';
import { openDatabase, type DatabaseHandle } from './database/connection.ts';
import { AppError, errorBody } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import { OutboxWorker } from './outbox/outbox-worker.ts';
import { ClerkCommandRunner } from './tickets/clerk-command-runner.ts';
import { createAnswering, type Answering } from './answering.ts';
import { taughtAnswersFrom } from './questions/unanswered-questions.ts';
import { protectionPlugins, routePlugins } from './app-plugins.ts';
import { storageFailureOf } from './security/storage-errors.ts';

export interface BuildOptions {
  /** A logger to use instead of a new one (tests capture log lines through it). */
  logger?: Logger;
}

export interface Functionar {
  config: Config;
  database: DatabaseHandle;
  conversations: ConversationService;
  clerkCommands: ClerkCommandRunner;
  gateway: InboundGateway;
  outbox: OutboxWorker;
  channels: Map<string, ChannelAdapter>;
  answering: Answering;
}

declare module 'fastify' {
  interface FastifyInstance {
    functionar: Functionar;
  }
}

/** Webhook and chat bodies are small; anything bigger is refused before parsing. */
const bodyLimit = 64 * 1024;

export async function build(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const app: FastifyInstance = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast only drops pino's extra generic.
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit,
    trustProxy: config.trustProxy,
    requestTimeout: 120_000,
    return503OnClosing: true,
    // No type coercion: a number where text belongs is bad input, not something to guess at.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  // Every API speaks JSON; other bodies get 415 instead of a confusing validation error.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error: FastifyError, request, reply) => {
    // A full disk or a read-only database: nothing was half-written (one transaction per step); try later.
    const storageFailure = storageFailureOf(error);
    if (storageFailure) {
      request.log.error({ err: error, code: storageFailure.code }, 'storage cannot take writes');
      return reply.code(503).header('retry-after', String(storageFailure.retryAfterSeconds)).send(errorBody(storageFailure.code, storageFailure.message));
    }
    if (error instanceof AppError) return reply.code(error.statusCode).send(errorBody(error.code, error.message));
    if (error.validation) return reply.code(400).send(errorBody('FV_ERR_VALIDATION', error.message));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(errorBody(error.code ?? 'FV_ERR_BAD_REQUEST', error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(error.statusCode && error.statusCode >= 500 ? error.statusCode : 500).send(errorBody('FV_ERR_INTERNAL', 'Internal error; the request was logged.'));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody('FV_ERR_ROUTE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`)));

  // Known before any channel is created: the rate limits read who writes on each channel's routes.
  app.decorate('channelRoutes', {
    senderIdentities: channelDefinitions.flatMap((definition) => (definition.senderIdentities ?? []).map((identity) => ({ ...identity, channel: definition.id }))),
    recordCreatingRoutes: channelDefinitions.flatMap((definition) => definition.recordCreatingRoutes ?? []),
    authenticatedRoutes: channelDefinitions.flatMap((definition) => definition.authenticatedRoutes ?? []),
  });
  for (const plugin of protectionPlugins) await plugin(app, config);

  const database = openDatabase(config.databasePath);
  const answering = await createAnswering(config, logger, { taughtAnswers: taughtAnswersFrom(database.db) });
  const channels = new Map<string, ChannelAdapter>();
  let outbox: OutboxWorker | undefined;
  const kickOutbox = () => void outbox?.kick();
  const conversations = new ConversationService({
    database: database.db,
    logger,
    townHallName: config.townHallName,
    publicUrl: config.publicUrl,
    knowledge: answering.knowledge,
    answerer: answering.answerer,
    classifyIntent: answering.classifyIntent,
    onQueued: kickOutbox,
    staffRecipients: () =>
      [...channels.values()].flatMap((adapter) => (adapter.staffRecipients?.() ?? []).map((recipient) => ({ channel: adapter.id, recipient }))),
  });
  const clerkCommands = new ClerkCommandRunner(database.db, logger, kickOutbox);
  const gateway = new InboundGateway({ database: database.db, logger, conversations, clerkCommands, onQueued: kickOutbox });
  for (const definition of channelDefinitions) {
    const context: ChannelContext = { config, logger, gateway, state: new ChannelStateStore(database.db, definition.id) };
    const adapter = await definition.create(context);
    if (adapter) channels.set(adapter.id, adapter);
  }
  outbox = new OutboxWorker(database.db, channels, logger, config.outboxPollMs);
  app.decorate('functionar', { config, database, conversations, clerkCommands, gateway, outbox, channels, answering });

  for (const adapter of channels.values()) await adapter.registerRoutes?.(app);
  for (const plugin of routePlugins) await plugin(app, config);

  app.get('/healthz', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    {
      schema: {
        response: {
          '2xx': { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'string' } }, answerMode: { type: 'string' } } },
          '5xx': {
            type: 'object',
            properties: {
              status: { type: 'string' },
              checks: { type: 'object', additionalProperties: { type: 'string' } },
              answerMode: { type: 'string' },
              // Load shedding answers this route with the common error shape.
              error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      const checks: Record<string, string> = {};
      try {
        database.db.get(sql`select 1`);
        checks.database = 'ok';
      } catch (error) {
        checks.database = `not ready: ${(error as Error).message}`;
      }
      const knowledge = answering.knowledge?.readiness() ?? { ready: false, reason: 'knowledge base not loaded' };
      checks.knowledge = knowledge.ready ? 'ok' : `not ready: ${knowledge.reason ?? 'unknown'}`;
      for (const adapter of channels.values()) {
        const readiness = adapter.readiness?.() ?? { ready: true };
        checks[`channel:${adapter.id}`] = readiness.ready ? 'ok' : `not ready: ${readiness.reason ?? 'unknown'}`;
      }
      const ready = Object.values(checks).every((value) => value === 'ok');
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks, answerMode: answering.mode() });
    },
  );

  app.addHook('onReady', async () => {
    for (const adapter of channels.values()) await adapter.start?.();
    outbox?.start();
    const resumed = await conversations.resumeUnprocessed();
    if (resumed > 0) logger.info({ resumed }, 'answered messages accepted before the last stop');
  });
  app.addHook('preClose', async () => {
    for (const adapter of channels.values()) await adapter.stop?.();
  });
  app.addHook('onClose', async () => {
    await outbox?.stop();
    await answering.close();
    database.close();
  });
  return app;
}
