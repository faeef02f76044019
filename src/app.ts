import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { AppError, errorBody } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import { plugins } from './app-plugins.ts';
import { storageFailureOf } from './security/storage-errors.ts';

export type { Functionar } from './plugins/functionar-plugin.ts';

export interface BuildOptions {
  /** A logger to use instead of a new one (tests capture log lines through it). */
  logger?: Logger;
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
    // No time limit per plugin: the answering plugin may index the knowledge base into Chroma on a first start,
    // which takes longer than Fastify's default 10 s on a slow machine.
    pluginTimeout: 0,
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

  // The composition root: each plugin names what it depends on, so this order is checked at start.
  const pluginOptions = { config, logger };
  await app.register(plugins.channelRoutes);
  await app.register(plugins.security, pluginOptions);
  await app.register(plugins.database, pluginOptions);
  await app.register(plugins.answering, pluginOptions);
  await app.register(plugins.outbox, pluginOptions);
  await app.register(plugins.conversation, pluginOptions);
  await app.register(plugins.channels, pluginOptions);
  await app.register(plugins.functionar, pluginOptions);
  await app.register(plugins.health);
  await app.register(plugins.admin, pluginOptions);
  await app.register(plugins.open311);
  await app.register(plugins.receipts);
  await app.register(plugins.gdpr);
  await app.register(plugins.deadlineDigest, pluginOptions);
  await app.register(plugins.startup, pluginOptions);
  return app;
}
