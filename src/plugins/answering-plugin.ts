import fp from 'fastify-plugin';
import { createAnswering, type Answering } from '../answering.ts';
import { whileHoldingJobLock } from '../database/job-locks.ts';
import { taughtAnswersFrom } from '../questions/unanswered-questions.ts';
import { pluginNames, type FunctionarPluginOptions } from './plugin-options.ts';

declare module 'fastify' {
  interface FastifyInstance {
    answering: Answering;
  }
}

/**
 * Decorates `answering`: the knowledge base and, while Ollama answers, the language model; answers clerks
 * taught for questions the bot could not answer are read from the database, and instances sharing one
 * Chroma take turns to ingest (one PostgreSQL lock).
 */
export const answeringPlugin = fp<FunctionarPluginOptions>(
  async (app, { config, logger }) => {
    const answering = await createAnswering(config, logger, {
      taughtAnswers: taughtAnswersFrom(app.database.db),
      exclusiveIngest: (ingest) => whileHoldingJobLock(app.database, 'knowledge-ingest', ingest),
    });
    app.decorate('answering', answering);
    app.addHook('onClose', async () => answering.close());
  },
  { name: pluginNames.answering, fastify: '5.x', dependencies: [pluginNames.database] },
);
