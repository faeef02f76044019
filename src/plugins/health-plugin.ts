import fp from 'fastify-plugin';
import { pluginNames } from './plugin-options.ts';

/** `/healthz` (the process answers) and `/readyz` (the database, the knowledge base and every channel are ready). */
export const healthPlugin = fp(
  async (app) => {
    const { database, answering, channels } = app;
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
          await database.ping();
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
  },
  { name: pluginNames.health, fastify: '5.x', dependencies: [pluginNames.database, pluginNames.answering, pluginNames.channels] },
);
