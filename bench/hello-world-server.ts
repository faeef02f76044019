import Fastify from 'fastify';

// The baseline of the throughput ratio: bare Fastify, no plugins, no logging, the classic hello world.

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
// Same readiness probe as the real server, so one helper starts both.
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
