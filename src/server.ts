import { pathToFileURL } from 'node:url';
import { build } from './app.ts';
import { ConfigurationError, loadConfig, readEnvironment } from './config.ts';

// Only listens and shuts down; everything else is built in app.ts so tests can use build() directly.

export async function runServer(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigurationError) {
      for (const problem of error.problems) console.error(`configuration: ${problem}`);
      process.exit(78);
    }
    throw error;
  }
  const app = await build(config);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: no new requests, finishing those in flight');
    const forced = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    forced.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // About a second and a half of learning, done before the first request rather than while it waits (or while
  // a webhook's update waits to be stored).
  app.answering.knowledge?.prepare();
  await app.listen({ port: config.port, host: config.host });
  app.log.info(`Funcționar Virtual serving on ${config.publicUrl ?? `http://localhost:${config.port}`}/ (answer mode: ${app.answering.mode()})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runServer().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
